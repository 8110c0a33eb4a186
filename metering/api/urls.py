from django.urls import path

from metering.api.energy import (
    CommunityAutarkyApi,
    HouseholdAutarkyApi,
    HouseholdEnergyApi,
    UsageOverviewApi,
)
from metering.api.views import MeterReadingCreateApi
from metering.dsmr.api import TelegramCreateApi

app_name = "metering-api"

urlpatterns = [
    path("meters/<str:meter_id>/readings", MeterReadingCreateApi.as_view(), name="readings"),
    path("households/<int:household_id>/energy", HouseholdEnergyApi.as_view(), name="energy"),
    path(
        "households/<int:household_id>/autarky",
        HouseholdAutarkyApi.as_view(),
        name="household-autarky",
    ),
    path(
        "communities/<int:community_id>/autarky",
        CommunityAutarkyApi.as_view(),
        name="community-autarky",
    ),
    path("usage-overview", UsageOverviewApi.as_view(), name="usage-overview"),
    path("telegrams", TelegramCreateApi.as_view(), name="telegrams"),
]
