from django.db import models


class EquipmentKind(models.TextChoices):
    ELECTRICITY = "electricity", "Electricity (the P1 meter)"
    GAS = "gas", "Gas (M-Bus)"
    WATER = "water", "Water (M-Bus)"
