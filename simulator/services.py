"""Running the town: chunks of readings generated and handed to a sink, at a chosen pace."""

import time
from dataclasses import dataclass

from tqdm import tqdm

from simulator.delivery import Sink
from simulator.engine import TownRun

CHUNK_READINGS = 100_000  # readings generated at a time when running at full speed
PROGRESS_DELAY_S = 2.0  # a run shorter than this shows no progress bar


@dataclass(frozen=True)
class SimulationReport:
    steps: int
    readings: int
    seconds: float


def town_simulate(
    *,
    run: TownRun,
    steps: int | None,
    sink: Sink,
    speed: float | None = None,
    progress: bool = False,
) -> SimulationReport:
    """Runs ``steps`` steps (for ever when None) and closes the sink.

    With ``speed`` None the run goes as fast as the sink takes readings, in chunks of about
    CHUNK_READINGS. With a factor, a step is sent when its instant comes, the simulated clock
    running ``speed`` times as fast as the wall clock from the later of now and the start (1 =
    real time)."""
    meters = len(run.town.meters)
    chunk_steps = 1 if speed is not None else max(1, CHUNK_READINGS // max(meters, 1))
    anchor = max(time.time(), run.start_s)
    started = time.perf_counter()
    done = readings = 0
    bar = tqdm(
        total=None if steps is None else steps * meters,
        unit="readings",
        unit_scale=True,
        delay=PROGRESS_DELAY_S,
        disable=None if progress else True,  # None: shown on a terminal only
    )
    try:
        while steps is None or done < steps:
            count = chunk_steps if steps is None else min(chunk_steps, steps - done)
            if speed is not None:
                due = anchor + (done + count - 1) * run.interval_s / speed
                time.sleep(max(0.0, due - time.time()))
            chunk = run.next_chunk(count)
            sink.send(chunk)
            done += count
            readings += chunk.readings
            bar.update(chunk.readings)
    finally:
        bar.close()
        sink.close()
    return SimulationReport(steps=done, readings=readings, seconds=time.perf_counter() - started)
