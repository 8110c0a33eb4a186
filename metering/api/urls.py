from django.urls import path

from metering.api.views import MeterReadingCreateApi
from metering.dsmr.api import TelegramCreateApi

app_name = "metering-api"

urlpatterns = [
    path("meters/<str:meter_id>/readings", MeterReadingCreateApi.as_view(), name="readings"),
    path("telegrams", TelegramCreateApi.as_view(), name="telegrams"),
]
