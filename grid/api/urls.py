from django.urls import path

from grid.api.charging import VehicleSessionApi
from grid.api.devices import DeviceSetpointListApi
from grid.api.partners import (
    HomeBatteryDetailApi,
    HomeBatteryListApi,
    PartnerHouseholdListApi,
    PartnerMeApi,
    SolarArrayDetailApi,
    SolarArrayListApi,
    VehicleDetailApi,
    VehicleListApi,
)

app_name = "grid-api"

urlpatterns = [
    path(
        "devices/<str:meter_id>/setpoints",
        DeviceSetpointListApi.as_view(),
        name="device-setpoints",
    ),
    path("partners/me", PartnerMeApi.as_view(), name="partner-me"),
    path("partners/households/", PartnerHouseholdListApi.as_view(), name="partner-households"),
    path("partners/solar-arrays/", SolarArrayListApi.as_view(), name="partner-solar-arrays"),
    path(
        "partners/solar-arrays/<int:asset_id>",
        SolarArrayDetailApi.as_view(),
        name="partner-solar-array",
    ),
    path("partners/home-batteries/", HomeBatteryListApi.as_view(), name="partner-home-batteries"),
    path(
        "partners/home-batteries/<int:asset_id>",
        HomeBatteryDetailApi.as_view(),
        name="partner-home-battery",
    ),
    path("partners/vehicles/", VehicleListApi.as_view(), name="partner-vehicles"),
    path("partners/vehicles/<int:asset_id>", VehicleDetailApi.as_view(), name="partner-vehicle"),
    path(
        "partners/vehicles/<int:asset_id>/session",
        VehicleSessionApi.as_view(),
        name="partner-vehicle-session",
    ),
]
