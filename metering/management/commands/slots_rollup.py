"""`manage.py slots_rollup`: compute the slots of every open block now and say what it did
(what the minute beat does a chunk at a time; useful before a billing run or after a backfill)."""

from typing import Any, override

from django.core.management.base import BaseCommand, CommandError, CommandParser

from metering.choices import BlockState
from metering.models import SlotBlock
from metering.services.rollup import OPEN_STATES, slots_rollup


def positive_int(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise ValueError(raw)
    return value


class Command(BaseCommand):
    help = "Compute the slots of every open block until none is left (or --max-chunks)."

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--max-chunks",
            type=positive_int,
            default=None,
            help="Stop after this many chunks of blocks (default: until no block is open).",
        )

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        report = slots_rollup(max_chunks=options["max_chunks"])
        still_open = SlotBlock.objects.filter(state__in=OPEN_STATES)
        self.stdout.write(
            f"{report.blocks_done} blocks computed, {report.slots_written} slots written, "
            f"{report.blocks_faulty} blocks faulty; {still_open.count()} blocks still open."
        )
        faulty = still_open.filter(state=BlockState.FAULTY).select_related("meter")
        if faulty.exists():
            # A failed block is a failure of the command: scripts stop here.
            raise CommandError(
                "\n".join(
                    f"meter {block.meter.meter_id} on {block.day}: {block.error}"
                    for block in faulty.order_by("meter__meter_id", "day")
                )
            )
