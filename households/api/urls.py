from django.urls import path

from households.api.partners import (
    ElectricVehicleDetailApi,
    ElectricVehicleListApi,
    HomeBatteryDetailApi,
    HomeBatteryListApi,
    PartnerHouseholdListApi,
    PartnerMeApi,
    SolarArrayDetailApi,
    SolarArrayListApi,
)
from households.api.views import NotificationListApi, NotificationReadAllApi, NotificationReadApi

app_name = "households-api"

urlpatterns = [
    path("notifications/", NotificationListApi.as_view(), name="notifications"),
    path("notifications/read-all", NotificationReadAllApi.as_view(), name="notifications-read-all"),
    path(
        "notifications/<int:notification_id>/read",
        NotificationReadApi.as_view(),
        name="notification-read",
    ),
    # The partner API (partner tokens): docs/api.md "Partner API".
    path("partners/me", PartnerMeApi.as_view(), name="partner-me"),
    path("partners/households", PartnerHouseholdListApi.as_view(), name="partner-households"),
    path("partners/solar-arrays", SolarArrayListApi.as_view(), name="partner-solar-arrays"),
    path(
        "partners/solar-arrays/<int:solar_array_id>",
        SolarArrayDetailApi.as_view(),
        name="partner-solar-array",
    ),
    path("partners/batteries", HomeBatteryListApi.as_view(), name="partner-batteries"),
    path(
        "partners/batteries/<int:battery_id>",
        HomeBatteryDetailApi.as_view(),
        name="partner-battery",
    ),
    path("partners/vehicles", ElectricVehicleListApi.as_view(), name="partner-vehicles"),
    path(
        "partners/vehicles/<int:vehicle_id>",
        ElectricVehicleDetailApi.as_view(),
        name="partner-vehicle",
    ),
]
