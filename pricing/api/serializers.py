from typing import Any

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from core.api.fields import LocalTimeField
from pricing.models import PlanVersion, PricePlan, RateBand, WeekdayMultiplier


class RateBandSerializer(serializers.ModelSerializer[RateBand]):
    starts_at = LocalTimeField()
    ends_at = LocalTimeField(help_text="at or before starts_at: the band runs past midnight")

    class Meta:
        model = RateBand
        fields = ["name", "rate", "weekdays", "starts_at", "ends_at"]


class WeekdayMultiplierSerializer(serializers.ModelSerializer[WeekdayMultiplier]):
    weekday = serializers.CharField(source="get_weekday_display")

    class Meta:
        model = WeekdayMultiplier
        fields = ["weekday", "multiplier"]


class PlanVersionSerializer(serializers.ModelSerializer[PlanVersion]):
    bands = RateBandSerializer(many=True)
    multipliers = WeekdayMultiplierSerializer(many=True)

    class Meta:
        model = PlanVersion
        fields = [
            "valid_from",
            "energy_rate",
            "bands",
            "multipliers",
            "standing_charge_per_day",
            "feed_in_rate",
            "capacity_rate_per_kw",
            "vat_rate",
        ]


class PricePlanSerializer(serializers.ModelSerializer[PricePlan]):
    supplier = serializers.CharField(source="supplier.name")
    versions = PlanVersionSerializer(many=True)

    class Meta:
        model = PricePlan
        fields = ["plan_id", "supplier", "description", "versions"]


class PlanBillLineSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    description = serializers.CharField()
    quantity = serializers.DecimalField(16, 6, coerce_to_string=False)
    unit = serializers.CharField()
    unit_price = serializers.DecimalField(12, 6, coerce_to_string=False)
    net_amount = serializers.DecimalField(12, 2, coerce_to_string=False)
    vat_rate = serializers.DecimalField(5, 4, coerce_to_string=False)


class PlanBillSerializer(serializers.Serializer[Any]):
    plan_id = serializers.CharField()
    supplier = serializers.CharField()
    total = serializers.FloatField()
    net_total = serializers.FloatField()
    vat_total = serializers.FloatField()
    lines = PlanBillLineSerializer(many=True)


# Documents the compare answer (the view builds it); "from" is a keyword, hence a dict.
PLANS_COMPARE = inline_serializer(
    "PlansCompare",
    fields={
        "from": serializers.DateField(),
        "to": serializers.DateField(help_text="included"),
        "current_plan_id": serializers.CharField(allow_null=True),
        "plans": PlanBillSerializer(many=True),
    },
)
