"""Retention of raw readings: past ``READINGS_RETENTION_DAYS`` they are deleted, slots being
kept forever; readings whose slots are still to be computed are never deleted."""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.timeslots import utc_day_start
from metering.energy import MAX_GAP
from metering.models import SlotBlock
from metering.services import slot_storage
from metering.services.rollup import OPEN_STATES


def readings_prune(*, now: datetime | None = None, batch_size: int = 50_000) -> int:
    """Deletes raw readings older than the retention, in batches, but never readings whose
    slots are still to be computed. Returns how many were deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.READINGS_RETENTION_DAYS)
    oldest_open = (
        SlotBlock.objects.filter(state__in=OPEN_STATES).order_by("day").values_list("day").first()
    )
    if oldest_open is not None:
        cutoff = min(cutoff, utc_day_start(oldest_open[0]) - MAX_GAP)
    deleted = 0
    while True:
        with transaction.atomic():
            count = slot_storage.readings_delete_before(cutoff, batch_size)
        deleted += count
        if count < batch_size:
            break
    SlotBlock.objects.filter(day__lte=cutoff.astimezone(UTC).date(), readings_pruned=False).update(
        readings_pruned=True
    )
    return deleted
