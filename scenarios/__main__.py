"""`make scenarios [STORY=N]`: every user story's acceptance scenario against the live stack.

Starts `make run` on the embedded default in a scratch directory (var/scenarios/, its own port
and database, so a running demo is never touched), runs the scenarios in story order, prints a
summary table and exits non-zero if any failed. A story whose feature has not landed is listed
as not built, never as passed.
"""

import argparse
import shutil
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from scenarios import company, households, partners
from scenarios.narration import Narrator, ScenarioFailedError
from scenarios.stack import ROOT, Stack, user_env

SERVING_TIMEOUT_S = 900.0


@dataclass(frozen=True)
class Story:
    number: int
    title: str
    scenario: Callable[[Narrator], None] | None = None
    not_built: str = ""  # the issue that builds it, while it is not built


STORIES = [
    Story(1, "Pierre & Marie see their consumption and when", households.story_1_consumption),
    Story(2, "Nikola keeps production equal to consumption", not_built="Real-time balance"),
    Story(3, "Charles has an overview of his clients' usage", company.story_3_usage_overview),
    Story(4, "Elon's customers' cars are full by morning", partners.story_4_cars_full_by_morning),
    Story(5, "Charles has communities of households", company.story_5_communities),
    Story(6, "Nikola: no local peak too large", partners.story_6_no_local_peak),
    Story(7, "Charles schedules the charging of cars", partners.story_7_scheduled_charging),
    Story(8, "Albert installs solar panels", partners.story_8_albert_installs),
    Story(9, "Nikola buys the excess of local production", not_built="Real-time balance"),
    Story(10, "Charles controls non-essential consumption", not_built="Real-time balance"),
    Story(11, "Pierre & Marie know whether they reached autarky", households.story_11_autarky),
    Story(12, "Pierre & Marie retrieve the year's invoices", households.story_12_invoices),
    Story(13, "Pierre & Marie see what they will pay this month", households.story_13_estimate),
    Story(14, "Charles sees whether a community is autarkic", company.story_14_community_autarky),
    Story(15, "Thomas's batteries store surplus for later", not_built="VPP"),
    Story(16, "Charles handles thousands of households", company.story_16_thousands),
    Story(17, "Charles trades a virtual power plant", not_built="VPP"),
    Story(18, "Charles sells data to partners, privately", not_built="Data products"),
    Story(19, "Nikola adapts to plants of limited capacity", not_built="Real-time balance"),
    Story(20, "Pierre & Marie are told of an autarky change", households.story_20_notified),
    Story(21, "Charles is alerted of a malfunction", not_built="Alerts"),
]


@dataclass
class Outcome:
    story: Story
    steps: int = 0
    result: str = "not built"
    seconds: float = 0.0


def run(story: Story, stack: Stack) -> Outcome:
    outcome = Outcome(story)
    print(f"\n## Story {story.number}: {story.title}")
    if story.scenario is None:
        print(f"  not built yet (issue: {story.not_built})")
        return outcome
    narrator = Narrator(stack)
    started = time.monotonic()
    try:
        story.scenario(narrator)
        outcome.result = "passed"
    except ScenarioFailedError as failure:
        print(f"      ✘ {failure}")
        outcome.result = "FAILED"
    except Exception:
        traceback.print_exc(file=sys.stdout)
        outcome.result = "FAILED (error)"
    outcome.steps, outcome.seconds = narrator.steps, time.monotonic() - started
    return outcome


def summary(outcomes: list[Outcome]) -> None:
    print("\n| story | scenario | steps | result | seconds |")
    print("|---|---|---|---|---|")
    for o in outcomes:
        seconds = f"{o.seconds:.1f}" if o.story.scenario else ""
        result = o.result if o.story.scenario else f"not built ({o.story.not_built})"
        steps = o.steps if o.story.scenario else ""
        print(f"| {o.story.number} | {o.story.title} | {steps} | {result} | {seconds} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--story", type=int, help="run this story only")
    args = parser.parse_args()
    chosen = [s for s in STORIES if args.story in (None, s.number)]
    if not chosen:
        parser.error(f"no story {args.story}: they are numbered 1 to {len(STORIES)}")
    var = ROOT / "var" / "scenarios"
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True)
    thresholds = {
        "AUTARKY_ENTER": str(households.AUTARKY_ENTER),
        "AUTARKY_LEAVE": str(households.AUTARKY_LEAVE),
    }
    stack = Stack(ROOT, user_env(**thresholds), var=var)
    print(f"Starting the platform (make run) on port {stack.port}, state under {var} …")
    started = time.monotonic()
    stack.start()
    try:
        stack.wait_serving(SERVING_TIMEOUT_S)
        print(f"… serving after {time.monotonic() - started:.0f} s (log: {stack.log})")
        outcomes = [run(story, stack) for story in chosen]
    finally:
        stack.stop()
        stack.postgres_stop()
    summary(outcomes)
    print(f"\n{time.monotonic() - started:.0f} s in all")
    return 1 if any(o.result.startswith("FAILED") for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
