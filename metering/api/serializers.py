from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import kwh
from metering.selectors.autarky import Autarky
from metering.selectors.flows import FlowBucket


class FlowBucketSerializer(serializers.Serializer[FlowBucket]):
    start = serializers.DateTimeField()
    import_kwh = kwh()
    export_kwh = kwh()
    production_kwh = kwh()
    charge_kwh = kwh()
    discharge_kwh = kwh()
    consumption_kwh = kwh()
    self_consumed_kwh = kwh()
    direct_solar_kwh = kwh()
    slots = serializers.IntegerField(help_text="slots with data in the bucket")
    complete_slots = serializers.IntegerField(help_text="of which fully measured")


class AutarkySerializer(serializers.Serializer[Autarky]):
    ratio = serializers.FloatField(allow_null=True, help_text="1 − import / consumption, 0–1")
    import_kwh = kwh()
    consumption_kwh = kwh()
    production_kwh = kwh()
    export_kwh = kwh()
    self_consumption_ratio = serializers.FloatField(allow_null=True)


def with_period(
    name: str,
    fields: dict[str, Any] | None = None,
    *,
    base: type[serializers.Serializer[Any]] = serializers.Serializer,
) -> serializers.Serializer[Any]:
    """A documented answer that carries its period: "from" is a Python keyword, so these
    serializers are built from a dict (they document; the views build the JSON)."""
    period = {"from": serializers.DateTimeField(), "to": serializers.DateTimeField()}
    return type(name, (base,), {**period, **(fields or {})})()


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "format": "date-time"},
            {"type": "integer", "description": "epoch seconds"},
        ]
    }
)
class InstantField(serializers.JSONField):
    """A reading's time as the readings API accepts it."""


class ReadingSampleSerializer(serializers.Serializer[Any]):
    time = InstantField(help_text="ISO 8601 with offset, or epoch seconds")
    power_kw = serializers.FloatField(help_text="kW, + drawing from the grid, − injecting")


class ReadingsBodySerializer(serializers.Serializer[Any]):
    """Documents the readings body; it is parsed by metering.ingest.parsing, not by DRF."""

    readings = ReadingSampleSerializer(many=True)
