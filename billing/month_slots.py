"""Before a month is billed, its slots must be final: no invoice from unfinished slots.

``billing_run`` runs the rollup first (it is idempotent and cheap when nothing is open, so a
run right after the month needs no wait for the minute beat); a block still open after it —
one that failed again — keeps its household out of the run, named, until a rerun finds it
computed. A corrected invoice is refused the same way while its month has an open block.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date

from core.timeslots import SLOT, local_day_start, month_start, next_month
from households.models import Household
from metering.models import SlotBlock
from metering.services.rollup import OPEN_STATES


def month_blocks_open(
    *, month: date, households: Sequence[Household] | None = None
) -> dict[int, list[str]]:
    """Per household id, the blocks of the local ``month`` whose slots are still to compute
    (TODO or FAULTY), named; empty when every slot of the month is final."""
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
