from typing import Any

from rest_framework import serializers

from metering.flows import Autarky, FlowBucket


def kwh() -> serializers.DecimalField:
    """kWh as a JSON number with 6 decimals."""
    return serializers.DecimalField(max_digits=16, decimal_places=6, coerce_to_string=False)


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


class PeriodSerializer(serializers.Serializer[Any]):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
