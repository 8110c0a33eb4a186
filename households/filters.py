"""django-filter FilterSets of the households domain, shared by the API and pages."""

import django_filters

from core.api.query import parse_id
from core.filters import ParsedFilter
from households.models import ElectricVehicle, HomeBattery, SolarArray


class _PartnerAssetFilter(django_filters.FilterSet):
    # By id, not as a choice among every household: a household not shared with the partner
    # then answers as one that does not exist (an empty list).
    household = ParsedFilter(parse_id, param="household", field_name="household_id")


class SolarArrayFilter(_PartnerAssetFilter):
    class Meta:
        model = SolarArray
        fields = ["household"]


class HomeBatteryFilter(_PartnerAssetFilter):
    class Meta:
        model = HomeBattery
        fields = ["household"]


class ElectricVehicleFilter(_PartnerAssetFilter):
    class Meta:
        model = ElectricVehicle
        fields = ["household"]
