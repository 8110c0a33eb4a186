from django.urls import path

from metering.api.views import MeterReadingCreateApi

app_name = "metering-api"

urlpatterns = [
    path("meters/<str:meter_id>/readings", MeterReadingCreateApi.as_view(), name="readings"),
]
