"""The households' stories (Pierre & Marie), told through the portal and the API they use."""

import json
import re
from datetime import timedelta

from scenarios.commands import manage
from scenarios.narration import Client, Narrator, local_today

HISTORY_MONTHS = 12
SETTLE_TIMEOUT_S = 900.0
# The scenarios' town runs with these thresholds (__main__ starts it so): the demo's homes with
# panels (Pierre & Marie: about 25% self-sufficient in the darkest weeks) cross them.
AUTARKY_ENTER = 0.10
AUTARKY_LEAVE = 0.05


def pierre(narrator: Narrator) -> tuple[Client, int]:
    """Pierre logged in, and his household's id (the portal sends him straight to it)."""
    narrator.step("Pierre", "logs in to the portal")
    browser = narrator.stack.session("pierre")
    client = Client(narrator, browser, "Pierre")
    home = client.page("/")
    match = re.search(r"/households/(\d+)/", home)
    narrator.check(match is not None, "the portal opens on his own household's dashboard")
    return client, int(match.group(1)) if match else 0


def story_1_consumption(narrator: Narrator) -> None:
    """Pierre & Marie see their household's consumption, and when they consume most."""
    client, household = pierre(narrator)
    yesterday = local_today() - timedelta(days=1)
    answer = client.get(
        f"/api/v1/households/{household}/energy",
        {"from": yesterday.isoformat(), "to": yesterday.isoformat(), "resolution": "hour"},
        show="buckets",
    )
    buckets = answer["buckets"]
    narrator.check(len(buckets) >= 23, f"yesterday comes in {len(buckets)} hourly buckets")
    used = [float(bucket["consumption_kwh"]) for bucket in buckets]
    peak = max(range(len(used)), key=used.__getitem__)
    narrator.say(
        f"yesterday they used {sum(used):.2f} kWh; most in the hour from "
        f"{buckets[peak]['start'][11:16]} ({used[peak]:.2f} kWh)"
    )
    narrator.check(sum(used) > 0, "the home used energy yesterday")
    narrator.check(
        all(float(b["production_kwh"]) >= 0 for b in buckets), "solar production is never negative"
    )
    page = client.page(f"/households/{household}/")
    narrator.check("Autarky" in page and "kWh" in page, "the dashboard shows the day in kWh")
    narrator.say(
        "what consumes most (car, battery, heat pump, the rest) is not built yet: issue 16"
    )


def story_11_autarky(narrator: Narrator) -> None:
    """Pierre & Marie know whether they reached autarky."""
    client, household = pierre(narrator)
    today = local_today()
    week = client.get(
        f"/api/v1/households/{household}/autarky",
        {"from": (today - timedelta(days=7)).isoformat(), "to": today.isoformat()},
    )
    ratio = week["ratio"]
    narrator.check(ratio is not None and 0 <= ratio <= 1, f"last 7 days: autarky {ratio:.0%}")
    used, imported = float(week["consumption_kwh"]), float(week["import_kwh"])
    narrator.check(
        abs(ratio - max(0.0, 1 - imported / used)) < 1e-6,
        "autarky = 1 − import ÷ consumption over the same slots",
    )
    manage(narrator, "autarky_evaluate")  # what beat runs every 15 minutes, run now
    narrator.rows(
        "their autarky state",
        "SELECT level, round(ratio::numeric, 3), transitions FROM metering_autarkystate "
        "WHERE household_id = %s",
        household,
    )
    page = client.page(f"/households/{household}/")
    shown = re.search(r'data-state="(\w+)"', page)
    narrator.check(shown is not None, f"the dashboard says: {shown.group(1) if shown else '?'}")


def story_12_invoices(narrator: Narrator) -> None:
    """Pierre & Marie retrieve their monthly invoices of the past year, what they paid and saved."""
    client, household = pierre(narrator)

    def year_invoiced() -> bool:
        status, body = client.browser.get(f"{client.base}/api/v1/invoices/?kind=invoice")
        return status == 200 and json.loads(body)["count"] >= HISTORY_MONTHS

    narrator.step("the worker", "issues the past twelve months' invoices (the demo's settle)")
    narrator.wait("twelve invoices issued", year_invoiced, SETTLE_TIMEOUT_S)
    answer = client.get("/api/v1/invoices/", {"kind": "invoice"}, show="count")
    invoices = answer["results"]
    narrator.check(len(invoices) >= HISTORY_MONTHS, f"{len(invoices)} monthly invoices")
    numbers = [invoice["number"] for invoice in invoices]
    narrator.check(len(set(numbers)) == len(numbers), "each has its own number")
    narrator.check(
        all(invoice["household"] == household for invoice in invoices),
        "all of them are their own household's",
    )
    total = sum(float(invoice["total"]) for invoice in invoices)
    saved = sum(
        float(invoice["cost_without_solar"]) - float(invoice["net_total"])
        for invoice in invoices
        if invoice["cost_without_solar"] is not None
    )
    narrator.say(f"a year's total {total:.2f} EUR; solar saved them {saved:.2f} EUR before VAT")
    first = invoices[0]
    narrator.step("Pierre", f"downloads the PDF of invoice {first['number']}")
    status, body = client.browser.get(first["pdf"])
    narrator.say(f"→ {status}, {len(body):,} characters")
    narrator.check(status == 200 and body.startswith("%PDF"), "the invoice is a PDF")


def story_13_estimate(narrator: Narrator) -> None:
    """Pierre & Marie see what they will pay this month."""
    client, household = pierre(narrator)
    estimate = client.get(f"/api/v1/households/{household}/estimate")
    narrator.check(
        estimate["low"] <= estimate["projected_total"] <= estimate["high"],
        f"this month: {estimate['so_far']:.2f} EUR so far, about "
        f"{estimate['projected_total']:.2f} EUR by its end "
        f"({estimate['low']:.2f}–{estimate['high']:.2f})",
    )
    narrator.check(estimate["so_far"] <= estimate["projected_total"], "so far ≤ projected")


def story_20_notified(narrator: Narrator) -> None:
    """Pierre & Marie are notified when their autarky state changes."""
    narrator.say(
        f"this town's company set the autarky threshold at {AUTARKY_ENTER:.0%} "
        f"(left again below {AUTARKY_LEAVE:.0%}): homes with panels cross it"
    )
    client, household = pierre(narrator)
    manage(narrator, "autarky_evaluate")  # what beat runs every 15 minutes, run now
    state = narrator.rows(
        "their autarky state",
        "SELECT level, round(ratio::numeric, 3), transitions FROM metering_autarkystate "
        "WHERE household_id = %s",
        household,
    )
    narrator.check(bool(state) and state[0][2] >= 1, "their home's state changed at least once")
    inbox = client.get("/api/v1/notifications/", show="results")
    autarky = [n for n in inbox["results"] if n["kind"] == "autarky"]
    home = [n for n in autarky if n["title"].startswith("Your home")]
    narrator.check(len(home) == state[0][2], "one notification per change of their home, no more")
    for note in autarky:
        narrator.say(f"“{note['title']}”")
    narrator.check(
        all(n["household"] == household for n in inbox["results"]), "only about their own home"
    )
    narrator.say(home[0]["body"])
    marie = Client(narrator, narrator.stack.session("marie"), "Marie")
    narrator.step("Marie", "logs in to the portal")
    hers = marie.get("/api/v1/notifications/", show="count")
    narrator.check(
        [n["title"] for n in hers["results"] if n["kind"] == "autarky"]
        == [n["title"] for n in autarky],
        "Marie, who shares the home, is told the same",
    )

    def emailed() -> bool:
        return not narrator.stack.count(
            "SELECT count(*) FROM households_notification WHERE household_id = %s "
            "AND kind = 'autarky' AND emailed_at IS NULL",
            household,
        )

    narrator.step("the worker", "e-mails each new notification once, after its commit")
    narrator.wait("every notification e-mailed", emailed, 120)
