"""The partner API's bodies: kW, kWh and fractions as JSON numbers (decimals, as elsewhere)."""

from typing import Any

from django.db import models
from rest_framework import serializers

from core.api.fields import LocalTimeField
from grid.selectors.partner_assets import HOME_BATTERIES, SOLAR_ARRAYS, VEHICLES
from households.models import ElectricVehicle, HomeBattery, Household, Partner, SolarArray


class DecimalNumberField(serializers.DecimalField):
    """A model's Decimal as a JSON number (a string is accepted on input too)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("coerce_to_string", False)
        super().__init__(*args, **kwargs)


class NumbersModelSerializer(serializers.ModelSerializer[Any]):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DecimalField: DecimalNumberField,
    }


class PartnerSerializer(serializers.ModelSerializer[Partner]):
    class Meta:
        model = Partner
        fields = ["id", "name", "kind"]


class PartnerHouseholdSerializer(NumbersModelSerializer):
    """A customer household: what the partner needs to register its assets, no member's
    personal data."""

    community_name = serializers.CharField(source="community.name", allow_null=True)

    class Meta:
        model = Household
        fields = ["id", "name", "community", "community_name", "connection_kw"]


def _meter_id_field() -> serializers.CharField:
    return serializers.CharField(
        max_length=64,
        allow_null=True,
        required=False,
        help_text="the public id of the household's meter that measures the asset "
        "(null: none; on PATCH, null unlinks it and leaving it out keeps it)",
    )


def _household_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1, help_text="a household shared with the partner (GET /partners/households/)"
    )


class AssetSerializer(NumbersModelSerializer):
    meter_id = serializers.SerializerMethodField()

    def get_meter_id(self, asset: SolarArray | HomeBattery | ElectricVehicle) -> str | None:
        meters = list(asset.meters.all())  # prefetched by the list selector
        return meters[0].meter_id if meters else None


OUTPUT_FIELDS = ["id", "household", "meter_id", "created_at", "updated_at"]


class SolarArrayInputSerializer(NumbersModelSerializer):
    household = _household_field()
    meter_id = _meter_id_field()

    class Meta:
        model = SolarArray
        fields = ["household", *SOLAR_ARRAYS.fields, "meter_id"]


class SolarArraySerializer(AssetSerializer):
    class Meta:
        model = SolarArray
        fields = [*OUTPUT_FIELDS[:2], *SOLAR_ARRAYS.fields, *OUTPUT_FIELDS[2:]]


class HomeBatteryInputSerializer(NumbersModelSerializer):
    household = _household_field()
    meter_id = _meter_id_field()

    class Meta:
        model = HomeBattery
        fields = ["household", *HOME_BATTERIES.fields, "meter_id"]


class HomeBatterySerializer(AssetSerializer):
    class Meta:
        model = HomeBattery
        fields = [*OUTPUT_FIELDS[:2], *HOME_BATTERIES.fields, *OUTPUT_FIELDS[2:]]


class VehicleInputSerializer(NumbersModelSerializer):
    household = _household_field()
    meter_id = _meter_id_field()
    usual_departure = LocalTimeField(
        allow_null=True, required=False, help_text="usual departure, local time"
    )

    class Meta:
        model = ElectricVehicle
        fields = ["household", *VEHICLES.fields, "meter_id"]


class VehicleSerializer(AssetSerializer):
    usual_departure = LocalTimeField(allow_null=True, help_text="usual departure, local time")

    class Meta:
        model = ElectricVehicle
        fields = [*OUTPUT_FIELDS[:2], *VEHICLES.fields, *OUTPUT_FIELDS[2:]]
