from django.db import models


class MeterKind(models.TextChoices):
    GRID = "grid", "Grid connection"
    PRODUCTION = "production", "Production (solar)"
    BATTERY = "battery", "Battery"
    EV = "ev", "Electric vehicle"
    GAS = "gas", "Gas"


class IngestSource(models.TextChoices):
    BROKER = "broker", "Message broker"
    MQTT = "mqtt", "MQTT"
