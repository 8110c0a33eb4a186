from django.db import models


class MeterKind(models.TextChoices):
    GRID = "grid", "Grid connection"
    PRODUCTION = "production", "Production (solar)"
    BATTERY = "battery", "Battery"
    EV = "ev", "Electric vehicle"
    GAS = "gas", "Gas"
    WATER = "water", "Water"


class SlotSource(models.TextChoices):
    POWER = "power", "Integrated power samples"
    REGISTER = "register", "Differences of cumulative registers"


class BlockState(models.TextChoices):
    """States of a block of slots (a meter and a UTC day), as the P1 energy app names them."""

    TODO = "todo", "To do"
    DONE = "done", "Done"
    FAULTY = "faulty", "Faulty"
    CLOSED = "closed", "Closed"


class AutarkyLevel(models.TextChoices):
    AUTARKIC = "autarkic", "Autarkic"
    NOT_AUTARKIC = "not_autarkic", "Not autarkic"


class IngestSource(models.TextChoices):
    BROKER = "broker", "Message broker"
    MQTT = "mqtt", "MQTT"
