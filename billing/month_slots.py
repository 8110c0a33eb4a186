"""Before a month is billed, its slots must be final: no invoice from unfinished slots.

The rollup runs first (it is idempotent and cheap when nothing is open, so a run right after
the month needs no wait for the minute beat); a block it leaves open — one that failed again —
keeps its household out of the run, named, until a rerun finds it computed.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date

from core.timeslots import SLOT, local_day_start, month_start, next_month
from households.models import Household
from metering.models import SlotBlock
from metering.services.rollup import OPEN_STATES, slots_rollup


def month_slots_finalise(
    *, month: date, households: Sequence[Household] | None = None
) -> dict[int, list[str]]:
    """Computes every open block, then names, per household id, the blocks of the local
    ``month`` still open (empty when every slot is final)."""
    slots_rollup()
    # Blocks are UTC days: the local month starts and ends inside one.
    first = local_day_start(month_start(month)).astimezone(UTC).date()
    last = (local_day_start(next_month(month)) - SLOT).astimezone(UTC).date()
    blocks = SlotBlock.objects.filter(
        state__in=OPEN_STATES, day__range=(first, last), meter__household__isnull=False
    )
    if households is not None:
        blocks = blocks.filter(meter__household__in=households)
    open_blocks: dict[int, list[str]] = defaultdict(list)
    rows = blocks.order_by("meter__meter_id", "day").values_list(
        "meter__household_id", "meter__meter_id", "day", "state", "error"
    )
    for household_id, meter_id, day, state, error in rows:
        said = f": {error}" if error else ""
        open_blocks[household_id].append(f"meter {meter_id} on {day} ({state}{said})")
    return dict(open_blocks)
