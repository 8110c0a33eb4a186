"""Creating and finding meters by their public id."""

import re

from metering.choices import MeterKind
from metering.exceptions import InvalidReadingError
from metering.models import Meter

METER_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")


def meter_get_or_create(*, meter_id: str, kind: str = MeterKind.GRID) -> Meter:
    """The meter with this public id; an id not seen before becomes a meter with no household."""
    if not METER_ID_PATTERN.fullmatch(meter_id):
        raise InvalidReadingError(
            "smartMeterId must be 1-64 letters, digits or . _ : - and start with a letter or "
            "digit.",
            extra={"field": "smartMeterId"},
        )
    meter, _created = Meter.objects.get_or_create(meter_id=meter_id, defaults={"kind": kind})
    return meter
