from django.urls import path

from grid.api.devices import DeviceSetpointListApi

app_name = "grid-api"

urlpatterns = [
    path(
        "devices/<str:meter_id>/setpoints",
        DeviceSetpointListApi.as_view(),
        name="device-setpoints",
    ),
]
