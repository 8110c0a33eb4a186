import django_filters

from pricing.models import PricePlan


class PricePlanFilter(django_filters.FilterSet):
    supplier = django_filters.CharFilter(field_name="supplier__name", lookup_expr="icontains")

    class Meta:
        model = PricePlan
        fields = ["plan_id", "supplier"]
