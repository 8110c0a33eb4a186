"""The grid's network, owned by the operator, and the charging planned on it."""

from grid.models.charging import (
    ChargeSession,
    ChargeSessionSource,
    ChargeSessionState,
    Plan,
    Setpoint,
)
from grid.models.network import (
    Feeder,
    FeederConnection,
    Interconnection,
    InterconnectionLimit,
    MarketPrice,
    Plant,
    PlantAvailability,
    PlantKind,
)

__all__ = [
    "ChargeSession",
    "ChargeSessionSource",
    "ChargeSessionState",
    "Feeder",
    "FeederConnection",
    "Interconnection",
    "InterconnectionLimit",
    "MarketPrice",
    "Plan",
    "Plant",
    "PlantAvailability",
    "PlantKind",
    "Setpoint",
]
