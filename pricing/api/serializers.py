from rest_framework import serializers

from pricing.models import PeakTimeMultiplier, PricePlan


class PeakTimeMultiplierSerializer(serializers.ModelSerializer[PeakTimeMultiplier]):
    weekday = serializers.CharField(source="get_weekday_display")

    class Meta:
        model = PeakTimeMultiplier
        fields = ["weekday", "multiplier"]


class PricePlanSerializer(serializers.ModelSerializer[PricePlan]):
    supplier = serializers.CharField(source="supplier.name")
    peak_multipliers = PeakTimeMultiplierSerializer(many=True)

    class Meta:
        model = PricePlan
        fields = ["plan_id", "supplier", "unit_rate", "description", "peak_multipliers"]
