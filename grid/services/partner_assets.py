"""A partner registers and updates assets at its customers' homes, with the meter that measures
each: the asset and its meter link are written together, or nothing is."""

from collections.abc import Mapping
from typing import Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from grid.selectors.partner_assets import Asset, PartnerAssetKind
from households.models import Household, Partner
from metering.models import Meter
from metering.models.meters import ASSET_FIELDS


class _Keep:
    """The meter link is left as it is (a PATCH that does not name ``meter_id``)."""


KEEP_METER: Final = _Keep()
METER_FIELD = "meter_id"  # how the API names the meter


def partner_asset_create(
    *,
    kind: PartnerAssetKind,
    partner: Partner,
    household: Household,
    values: Mapping[str, object],
    meter_id: str | None = None,
) -> Asset:
    """A new asset at a household shared with the partner, the partner named on it, measured by
    the household's meter ``meter_id`` when given."""
    _check_fields(kind, values)
    asset = kind.model(household=household, **{kind.partner_field: partner}, **values)
    return _asset_save(kind=kind, asset=asset, meter_id=meter_id)


def partner_asset_update(
    *,
    kind: PartnerAssetKind,
    asset: Asset,
    values: Mapping[str, object],
    meter_id: str | _Keep | None = KEEP_METER,
) -> Asset:
    """Changes the given fields; ``meter_id`` links another meter, None unlinks it."""
    _check_fields(kind, values)
    with transaction.atomic():
        locked = kind.model.objects.select_for_update().get(pk=asset.pk)
        for name, value in values.items():
            setattr(locked, name, value)
        return _asset_save(kind=kind, asset=locked, meter_id=meter_id)


def _check_fields(kind: PartnerAssetKind, values: Mapping[str, object]) -> None:
    unknown = set(values) - set(kind.fields)
    if unknown:
        raise TypeError(f"A partner does not write {sorted(unknown)} of a {kind.label}.")


def _asset_save(*, kind: PartnerAssetKind, asset: Asset, meter_id: str | _Keep | None) -> Asset:
    """Validates the asset and its meter together (every field's error at once), then writes
    both in one transaction."""
    with transaction.atomic():
        errors: dict[str, list[str]] = {}
        try:
            asset.full_clean()
        except ValidationError as exc:
            errors.update(exc.message_dict)
        meter: Meter | None = None
        if isinstance(meter_id, str):
            meter = (
                Meter.objects.select_for_update()
                .filter(meter_id=meter_id, household_id=asset.household_id)
                .first()
            )
            problem = _meter_problem(kind, asset, meter, meter_id)
            if problem:
                errors[METER_FIELD] = [problem]
        if errors:
            raise ValidationError(errors)
        asset.save()
        if not isinstance(meter_id, _Keep):
            others = Meter.objects.filter(**{kind.meter_field: asset})
            if meter is not None:
                others = others.exclude(pk=meter.pk)
            others.update(**{kind.meter_field: None, "updated_at": timezone.now()})
        if meter is not None and getattr(meter, f"{kind.meter_field}_id") != asset.pk:
            setattr(meter, kind.meter_field, asset)
            meter.full_clean()
            meter.save(update_fields=[kind.meter_field, "updated_at"])
    return asset


def _meter_problem(
    kind: PartnerAssetKind, asset: Asset, meter: Meter | None, meter_id: str
) -> str | None:
    # A meter elsewhere is answered as one that does not exist: a partner learns nothing of
    # the meters of households not shared with it.
    if meter is None:
        return f"No meter {meter_id!r} at this household."
    if meter.kind != kind.meter_kind:
        return (
            f"Meter {meter_id!r} is a {meter.get_kind_display().lower()} meter; a {kind.label} "
            f"is measured by a {kind.meter_kind.label.lower()} meter."
        )
    for field in ASSET_FIELDS:
        linked = getattr(meter, f"{field}_id")
        if linked is not None and not (field == kind.meter_field and linked == asset.pk):
            return f"Meter {meter_id!r} already measures another asset."
    return None
