"""The energy company's stories (Charles), told through the API and the commands it runs."""

import time
from datetime import date, timedelta

from scenarios.commands import manage
from scenarios.narration import Client, Narrator, local_today

TOWN_HOUSEHOLDS = 2000
TOWN_DAY = date(2024, 1, 15)  # before the demo's year: the town's new day overlaps nothing
ROLLUP_TIMEOUT_S = 300.0


def charles(narrator: Narrator) -> Client:
    narrator.step("Charles", "logs in to the admin")
    return Client(narrator, narrator.stack.session("charles", admin=True), "Charles")


def last_30_days() -> dict[str, str]:
    """The 30 days before today: whole days, no longer written to by the live minute."""
    yesterday = local_today() - timedelta(days=1)
    return {"from": (yesterday - timedelta(days=29)).isoformat(), "to": yesterday.isoformat()}


def story_3_usage_overview(narrator: Narrator) -> None:
    """Charles has an overview of his clients' usage."""
    client = charles(narrator)
    overview = client.get("/api/v1/usage-overview", last_30_days(), show="communities")
    households = overview["households"]
    narrator.check(len(households) >= 100, f"{len(households)} households in the overview")
    ranks = [h["rank"] for h in households]
    narrator.check(ranks == sorted(ranks), "ranked by consumption, highest first")
    top = households[0]
    narrator.say(
        f"the largest consumer: {top['name']}, {top['consumption_kwh']:.0f} kWh, "
        f"peak {top['peak_kw']:.1f} kW"
    )
    narrator.check(len(top["profile_kwh"]) == 24, "each has an average day of 24 hours")
    total = sum(c["consumption_kwh"] for c in overview["communities"])
    members = sum(h["consumption_kwh"] for h in households)
    narrator.check(
        abs(total - members) < 0.001 * len(households),  # each figure rounded to the Wh
        f"the communities' {total:,.3f} kWh are their households' sum ({members:,.3f})",
    )
    page = client.page("/admin/usage-overview/")
    narrator.check(top["name"] in page, "the admin's usage page shows the same households")


def story_5_communities(narrator: Narrator) -> None:
    """Charles has communities of households: local production, the community's balance."""
    client = charles(narrator)
    communities = client.get("/api/v1/usage-overview", last_30_days(), show="communities")
    for community in communities["communities"]:
        balance = client.get(f"/api/v1/communities/{community['id']}/autarky", last_30_days())
        produced = float(balance["production_kwh"])
        used = float(balance["consumption_kwh"])
        narrator.say(
            f"{community['name']}: produced {produced:.0f} kWh, used {used:.0f} kWh, imported "
            f"{float(balance['import_kwh']):.0f}, exported {float(balance['export_kwh']):.0f}"
        )
        narrator.check(
            float(balance["import_kwh"]) - float(balance["export_kwh"]) <= used + 1e-6,
            f"{community['name']}'s net import is at most what it used (members netted)",
        )


def story_14_community_autarky(narrator: Narrator) -> None:
    """Charles sees whether a community reached autarky."""
    client = charles(narrator)
    today = local_today()
    week = {"from": (today - timedelta(days=7)).isoformat(), "to": today.isoformat()}
    communities = client.get("/api/v1/usage-overview", week, show="communities")["communities"]
    narrator.check(len(communities) >= 2, f"{len(communities)} communities")
    for community in communities:
        balance = client.get(f"/api/v1/communities/{community['id']}/autarky", week)
        ratio = balance["ratio"]
        narrator.check(ratio is not None, f"{community['name']}: last 7 days {ratio:.0%}")
    manage(narrator, "autarky_evaluate")  # what beat runs every 15 minutes, run now
    narrator.rows(
        "the communities' autarky states",
        "SELECT c.name, s.level, round(s.ratio::numeric, 3) FROM metering_autarkystate s "
        "JOIN households_community c ON c.id = s.community_id ORDER BY c.name",
    )


def story_16_thousands(narrator: Narrator) -> None:
    """Charles handles thousands of households and communities."""
    start = TOWN_DAY.isoformat()
    simulated = manage(
        narrator,
        "simulate",
        f"--households={TOWN_HOUSEHOLDS}",
        f"--start={start}T00:00:00+00:00",
        "--days=1",
        "--interval=900",
        "--speed=max",
        "--via=service",
    )
    readings = narrator.rows(
        f"readings of {start}",
        "SELECT count(*) FROM metering_reading WHERE time >= %s AND time < %s",
        TOWN_DAY,
        TOWN_DAY + timedelta(days=1),
    )[0][0]
    narrator.check(readings > TOWN_HOUSEHOLDS * 90, f"{readings:,} readings stored")
    narrator.say(f"ingested at {readings / simulated:,.0f} readings/s (simulation included)")
    client = charles(narrator)

    def day_rolled_up() -> bool:
        status, _ = client.browser.get(f"{client.base}/api/v1/price-plans/")
        open_blocks = narrator.stack.count(
            "SELECT count(*) FROM metering_slotblock WHERE day = %s AND state <> 'done' "
            "AND state <> 'closed'",
            TOWN_DAY,
        )
        return status == 200 and open_blocks == 0

    narrator.step("the worker", f"computes the slots of {start} for every meter")
    rolled = narrator.wait("every block of the day computed", day_rolled_up, ROLLUP_TIMEOUT_S)
    narrator.say(f"rolled up within {rolled:.0f} s of the load")
    started = time.monotonic()
    overview = client.get(
        "/api/v1/usage-overview", {"from": start, "to": start}, show="communities"
    )
    answered = time.monotonic() - started
    counted = sum(1 for h in overview["households"] if h["consumption_kwh"])
    narrator.check(
        counted >= TOWN_HOUSEHOLDS, f"{counted:,} households with consumption on {start}"
    )
    narrator.check(
        answered < 5, f"the overview of {counted:,} households answers in {answered:.1f} s"
    )
