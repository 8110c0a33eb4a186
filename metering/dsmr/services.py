"""Storing parsed telegrams: a register row each, a reading for the grid meter through the one
ingestion service, the gas and water volumes; and counting refusals per meter.

A batch of telegrams is written in one transaction, all or nothing. A telegram whose equipment
already has registers at its time is a duplicate: nothing of it is written again (so the
datalogger's retries are safe); the reading path refuses a repeat with another power (409).
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from core.exceptions import ApplicationError
from metering.choices import MeterKind
from metering.dsmr.choices import EquipmentKind
from metering.dsmr.constants import MAX_TELEGRAMS_PER_REQUEST
from metering.dsmr.exceptions import (
    EquipmentMismatchError,
    EquipmentUnknownError,
    TelegramsTooManyError,
    TelegramValueOutOfRangeError,
)
from metering.dsmr.telegrams import ParsedTelegram, telegram_parse, telegrams_split
from metering.energy import Sample
from metering.models import DsmrEquipment, DsmrRefusalCount, DsmrRegister, DsmrVolumeRegister, Meter
from metering.services.ingestion import readings_record, readings_validate

# The register fields a ParsedTelegram and a DsmrRegister share.
REGISTER_FIELDS = [
    field.name
    for field in DsmrRegister._meta.concrete_fields
    if field.name not in {"id", "meter", "equipment", "time"}
]
METER_ID_MAX = Meter._meta.get_field("meter_id").max_length or 64
EQUIPMENT_ID_MAX = DsmrEquipment._meta.get_field("equipment_id").max_length or 96
TARIFF_MAX = 32767  # a PositiveSmallIntegerField


def _decimal_bounds(model: type[models.Model]) -> dict[str, Decimal]:
    """Per decimal column, the first magnitude it cannot keep once rounded to its places."""
    return {
        field.name: Decimal(10) ** (field.max_digits - field.decimal_places)
        - Decimal(5).scaleb(-field.decimal_places - 1)
        for field in model._meta.concrete_fields
        if isinstance(field, models.DecimalField)
        and field.max_digits is not None
        and field.decimal_places is not None
    }


REGISTER_BOUNDS = _decimal_bounds(DsmrRegister)
VOLUME_BOUND = _decimal_bounds(DsmrVolumeRegister)["volume_m3"]
# An M-Bus meter of a connection is the meter "<grid meter id>-<kind>" of the same household.
_MBUS_METER_KIND: dict[str, str] = {
    EquipmentKind.GAS: MeterKind.GAS,
    EquipmentKind.WATER: MeterKind.WATER,
}


@dataclass(frozen=True, slots=True)
class TelegramsStored:
    stored: int
    duplicates: int


def telegrams_store(
    *, telegrams: Sequence[ParsedTelegram], meter: Meter | None = None
) -> TelegramsStored:
    """Stores a batch of parsed telegrams, all or nothing.

    ``meter`` is the grid meter the telegrams were sent for (the token's meter, or the
    datalogger's ``--meter``): an equipment id seen for the first time is linked to it, and an
    equipment linked to another meter is refused. Without ``meter``, every equipment must be
    linked already (in the admin).
    """
    if not telegrams:
        return TelegramsStored(stored=0, duplicates=0)
    telegrams_check_columns(telegrams)
    # In telegram order, so a refused time or power names its telegram.
    readings_validate([(t.time, t.net_power_kw) for t in telegrams], field_name=_telegram_field)
    with transaction.atomic():
        # Every equipment of the batch (electricity, gas, water) in one query.
        ids = {t.equipment_id for t in telegrams}
        ids.update(v.equipment_id for t in telegrams for v in t.volumes)
        known = {
            e.equipment_id: e
            for e in DsmrEquipment.objects.select_related("meter").filter(equipment_id__in=ids)
        }
        equipment = _electricity_equipment(known, {t.equipment_id for t in telegrams}, meter)
        samples: dict[Meter, list[Sample]] = defaultdict(list)
        for telegram in telegrams:
            grid = equipment[telegram.equipment_id].meter
            samples[grid].append((telegram.time, telegram.net_power_kw))
        # First, so the grid meters' writers take turns (the ingestion service's lock) before
        # the registers are looked at: the duplicate counts below are exact.
        readings_record(samples_by_meter=samples)
        stored = _registers_write(telegrams, equipment)
        _volumes_write(telegrams, known, equipment)
    return TelegramsStored(stored=stored, duplicates=len(telegrams) - stored)


def _telegram_field(index: int, field: str) -> str:
    return f"telegrams[{index}].{field}"


def telegrams_check_columns(telegrams: Sequence[ParsedTelegram]) -> None:
    """Refuses a telegram whose value is wider than the column that keeps it (a 300-character
    equipment id, a register beyond its digits), naming it, before anything is written."""
    for index, telegram in enumerate(telegrams):
        wide = [
            name
            for name, bound in REGISTER_BOUNDS.items()
            if not _fits(getattr(telegram, name), bound)
        ]
        if len(telegram.equipment_id) > EQUIPMENT_ID_MAX:
            wide.append("equipment_id")
        if telegram.tariff is not None and telegram.tariff > TARIFF_MAX:
            wide.append("tariff")
        for number, volume in enumerate(telegram.volumes):
            if len(volume.equipment_id) > EQUIPMENT_ID_MAX:
                wide.append(f"volumes[{number}].equipment_id")
            if not _fits(volume.volume_m3, VOLUME_BOUND):
                wide.append(f"volumes[{number}].volume_m3")
        if wide:
            where = _telegram_field(index, wide[0])
            raise TelegramValueOutOfRangeError(
                f"{where} is wider than the register that keeps it.",
                extra={"field": where, "fields": [_telegram_field(index, w) for w in wide]},
            )


def _fits(value: Decimal | None, bound: Decimal) -> bool:
    return value is None or (value.is_finite() and abs(value) < bound)


def _electricity_equipment(
    known: dict[str, DsmrEquipment], ids: set[str], meter: Meter | None
) -> dict[str, DsmrEquipment]:
    """The linked equipment of each id, linking a new one to ``meter`` (added to ``known``)."""
    for equipment_id in sorted(ids):
        equipment = known.get(equipment_id)
        if equipment is None:
            if meter is None:
                raise EquipmentUnknownError(
                    f"No meter is linked to equipment {equipment_id!r}; link it in the admin.",
                    extra={"equipment_id": equipment_id},
                )
            known[equipment_id] = equipment_link(
                equipment_id=equipment_id, kind=EquipmentKind.ELECTRICITY, meter=meter
            )
        elif equipment.kind != EquipmentKind.ELECTRICITY or (
            meter is not None and equipment.meter_id != meter.pk
        ):
            raise EquipmentMismatchError(
                f"Equipment {equipment_id!r} belongs to another meter.",
                extra={"equipment_id": equipment_id},
            )
    return {equipment_id: known[equipment_id] for equipment_id in ids}


def equipment_link(*, equipment_id: str, kind: str, meter: Meter) -> DsmrEquipment:
    """Links an equipment id to a meter, once: a link is never moved (it is the register
    series' identity); linking the same pair again returns the link."""
    equipment, _created = DsmrEquipment.objects.get_or_create(
        equipment_id=equipment_id, defaults={"kind": kind, "meter": meter}
    )
    if equipment.meter_id != meter.pk or equipment.kind != kind:
        raise EquipmentMismatchError(
            f"Equipment {equipment_id!r} is linked to another meter.",  # not naming it
            extra={"equipment_id": equipment_id},
        )
    return equipment


def _registers_write(
    telegrams: Sequence[ParsedTelegram], equipment: dict[str, DsmrEquipment]
) -> int:
    times = [t.time for t in telegrams]
    seen = set(
        DsmrRegister.objects.filter(
            equipment_id__in={item.pk for item in equipment.values()},
            time__gte=min(times),
            time__lte=max(times),
        )
        .order_by()
        .values_list("equipment_id", "time")
    )
    rows = []
    for telegram in telegrams:
        item = equipment[telegram.equipment_id]
        if (item.pk, telegram.time) in seen:
            continue
        seen.add((item.pk, telegram.time))
        rows.append(
            DsmrRegister(
                meter_id=item.meter_id,
                equipment=item,
                time=telegram.time,
                **{name: getattr(telegram, name) for name in REGISTER_FIELDS},
            )
        )
    DsmrRegister.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _volumes_write(
    telegrams: Sequence[ParsedTelegram],
    known: dict[str, DsmrEquipment],
    electricity: dict[str, DsmrEquipment],
) -> None:
    # A gas meter reports every 5 minutes (hourly for DSMR 4): most telegrams repeat a value.
    rows: dict[tuple[str, datetime], DsmrVolumeRegister] = {}
    for telegram in telegrams:
        for volume in telegram.volumes:
            mbus = known.get(volume.equipment_id)
            if mbus is None:  # first sight: linked to the connection's gas or water meter
                grid = electricity[telegram.equipment_id].meter
                mbus = known[volume.equipment_id] = equipment_link(
                    equipment_id=volume.equipment_id,
                    kind=volume.kind,
                    meter=mbus_meter_for(grid=grid, kind=volume.kind),
                )
            if mbus.kind == volume.kind:  # an id never changes kind
                rows[volume.equipment_id, volume.time] = DsmrVolumeRegister(
                    meter_id=mbus.meter_id,
                    equipment=mbus,
                    time=volume.time,
                    volume_m3=volume.volume_m3,
                )
    if rows:
        DsmrVolumeRegister.objects.bulk_create(rows.values(), ignore_conflicts=True)


def mbus_meter_for(*, grid: Meter, kind: str) -> Meter:
    """The gas or water meter of a grid meter's connection: ``<grid meter id>-gas`` in the same
    household, created on first sight. A swapped gas meter keeps this Meter (a new series)."""
    suffix = f"-{kind}"
    meter, _created = Meter.objects.get_or_create(
        meter_id=grid.meter_id[: METER_ID_MAX - len(suffix)] + suffix,
        defaults={"kind": _MBUS_METER_KIND[kind], "household": grid.household},
    )
    return meter


def telegram_refusal_count(*, meter: Meter, code: str, message: str) -> None:
    """Counts a refused telegram against its meter, under the refusal's code. Runs in its own
    transaction, so the count stays when the telegram's is rolled back."""
    now = timezone.now()
    message = message[:255]
    refusals = DsmrRefusalCount.objects.filter(meter=meter, code=code)
    with transaction.atomic():
        if refusals.update(count=F("count") + 1, last_at=now, last_message=message):
            return
        try:
            with transaction.atomic():
                DsmrRefusalCount.objects.create(
                    meter=meter, code=code, count=1, last_at=now, last_message=message
                )
        except IntegrityError:  # counted by a concurrent request first
            refusals.update(count=F("count") + 1, last_at=now, last_message=message)


@dataclass(frozen=True, slots=True)
class TelegramsReceived:
    stored: int
    duplicates: int
    last: ParsedTelegram


def telegrams_receive(*, body: bytes, meter: Meter) -> TelegramsReceived:
    """One or more raw telegrams sent for a grid meter (the telegram API): checked, parsed and
    stored all or nothing. A refusal is counted against the meter and raised."""
    try:
        raws = telegrams_split(body)
        if len(raws) > MAX_TELEGRAMS_PER_REQUEST:
            raise TelegramsTooManyError(
                f"{len(raws)} telegrams in one body; the limit is {MAX_TELEGRAMS_PER_REQUEST}.",
                extra={"limit": MAX_TELEGRAMS_PER_REQUEST},
            )
        telegrams = [telegram_parse(raw) for raw in raws]
        result = telegrams_store(telegrams=telegrams, meter=meter)
    except ApplicationError as exc:
        telegram_refusal_count(meter=meter, code=exc.code, message=exc.message)
        raise
    return TelegramsReceived(stored=result.stored, duplicates=result.duplicates, last=telegrams[-1])
