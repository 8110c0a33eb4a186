"""The partners' stories (Albert installs panels, Elon's company's cars) and the charging plan
Charles and Nikola run, told through the partner API, the portal and the operator's pages."""

import re
from datetime import datetime, timedelta

from scenarios.commands import manage_output
from scenarios.households import pierre
from scenarios.narration import DEMO_ZONE, Client, Narrator, ScenarioFailedError, TokenClient

PLAN_TIMEOUT_S = 180.0


def partner_client(narrator: Narrator, partner: str, who: str) -> TokenClient:
    """A partner's integration with a fresh token (made by the operator, shown once)."""
    _, printed = manage_output(narrator, "partner_token", "create", partner, "--name", "scenario")
    key = printed.strip().splitlines()[-1]
    narrator.check(key.startswith("smxp_"), "the partner gets its key once")
    return TokenClient(narrator, key, who)


def story_8_albert_installs(narrator: Narrator) -> None:
    """Albert's company registers the panels it installed at a customer's home."""
    albert = partner_client(narrator, "Albert Solar", "Albert Solar")
    households = albert.call("GET", "/api/v1/partners/households/", show="count")
    narrator.check(households["count"] > 0, f"{households['count']} customer homes shared")
    home = households["results"][0]["id"]
    created = albert.call(
        "POST",
        "/api/v1/partners/solar-arrays/",
        {"household": home, "kwp": 3.6, "tilt_degrees": 30, "azimuth_degrees": 200,
         "inverter_kw": 3.3, "commissioned_on": datetime.now(DEMO_ZONE).date().isoformat()},
        expect=201,
    )  # fmt: skip
    narrator.check(created["household"] == home, "the array is registered at that home")
    mine = albert.call("GET", "/api/v1/partners/solar-arrays/", show="count")
    narrator.check(
        any(row["id"] == created["id"] for row in mine["results"]), "it is among Albert's arrays"
    )
    refused = albert.call(
        "POST", "/api/v1/partners/solar-arrays/", {"household": home, "kwp": -1,
                                                  "inverter_kw": 3}, expect=400,
    )  # fmt: skip
    narrator.check("kwp" in str(refused), "a negative peak power is refused, the field named")
    thomas = partner_client(narrator, "Thomas Batteries", "Thomas Batteries")
    thomas.call("GET", f"/api/v1/partners/solar-arrays/{created['id']}", expect=403)
    narrator.check(True, "a battery supplier cannot touch solar arrays")


def _plug_in_pierres_car(narrator: Narrator) -> tuple[TokenClient, str, int]:
    """Volt Motors tells the grid Pierre & Marie's car is plugged in until 07:00 tomorrow,
    wanting 18 kWh (the simulator may have plugged it in already: then the session is updated);
    returns the client, the session's URL and the household."""
    _, household = pierre(narrator)
    elon = partner_client(narrator, "Volt Motors", "Volt Motors")
    cars = elon.call("GET", "/api/v1/partners/vehicles/", show="count")
    theirs = [row["id"] for row in cars["results"] if row["household"] == household]
    narrator.check(bool(theirs), "Volt Motors sees Pierre & Marie's car among its customers'")
    url = f"/api/v1/partners/vehicles/{theirs[0]}/session"
    tomorrow = (datetime.now(DEMO_ZONE) + timedelta(days=1)).replace(
        hour=7, minute=0, second=0, microsecond=0
    )
    body = {"departure_at": tomorrow.isoformat(), "energy_needed_kwh": 18}
    try:
        elon.call("POST", url, body, expect=201)
    except ScenarioFailedError:
        narrator.say("the car was already plugged in (the simulator's charger said so)")
        elon.call("PATCH", url, body)
    return elon, url, household


def story_4_cars_full_by_morning(narrator: Narrator) -> None:
    """Elon's company tells the grid a car is plugged in; the plan has it full by departure."""
    elon, url, _ = _plug_in_pierres_car(narrator)

    def planned() -> bool:
        status, session = elon.peek(url)
        return status == 200 and abs((session.get("expected_kwh") or 0) - 18.0) < 0.01

    narrator.step("the worker", "plans the night as soon as the car is plugged in or changed")
    narrator.wait("the car planned for its 18 kWh", planned, PLAN_TIMEOUT_S)
    session = elon.call("GET", url, show="expected_kwh")
    narrator.check(
        abs(session["expected_kwh"] - 18.0) < 0.01, "the plan gives the car its 18 kWh by 07:00"
    )
    energy = sum(s["power_kw"] for s in session["charging"]) * 0.25
    narrator.say(f"{len(session['charging'])} slots, {energy:.2f} kWh drawn from the grid")
    narrator.check(len(session["charging"]) > 0, "the slots it charges in are listed")


def story_7_scheduled_charging(narrator: Narrator) -> None:
    """Charles's platform schedules the charging: not all at plug-in, cheaper than on arrival,
    every feeder within its limit (story 6, in planning)."""
    elon, url, household = _plug_in_pierres_car(narrator)

    def planned() -> bool:
        status, session = elon.peek(url)
        return status == 200 and session.get("expected_kwh") is not None

    narrator.wait("the car planned", planned, PLAN_TIMEOUT_S)
    client, _ = pierre(narrator)
    page = client.page(f"/households/{household}/installation/")
    match = re.search(r"([\d.]+) EUR, against ([\d.]+) EUR charging on arrival", page)
    narrator.check(match is not None, "Pierre sees his car's plan and its cost")
    if match:
        planned_eur, arrival_eur = float(match.group(1)), float(match.group(2))
        narrator.say(f"planned {planned_eur:.2f} EUR against {arrival_eur:.2f} EUR on arrival")
        narrator.check(planned_eur <= arrival_eur, "the plan costs no more than on arrival")
    feeders_within_limits(narrator)


def feeders_within_limits(narrator: Narrator) -> None:
    """Nikola reads the plan in force: each feeder's planned load hour by hour, within its
    limit."""
    nikola = Client(narrator, narrator.stack.session("nikola"), "Nikola")
    plan_page = nikola.page("/operator/charging/")
    shares = [int(v) for v in re.findall(r"<td>(\d+) %</td>", plan_page)]
    narrator.check(bool(shares), "Nikola sees each feeder's planned load hour by hour")
    narrator.say(f"the busiest feeder hour is at {max(shares)} % of its limit")
    narrator.check(max(shares) <= 100, "no feeder is planned above its limit")


def story_6_no_local_peak(narrator: Narrator) -> None:
    """No local peak overloads a feeder (in planning; the real-time part is the balance's):
    the cars plugged in are planned within every feeder's limit."""
    _plug_in_pierres_car(narrator)
    narrator.step("the worker", "plans the cars plugged in")
    feeders_within_limits(narrator)
