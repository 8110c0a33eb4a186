"""Units of the platform: power in kW (float), energy in kWh and money in EUR (Decimal)."""

from decimal import Decimal

ZERO = Decimal(0)  # kWh or EUR
