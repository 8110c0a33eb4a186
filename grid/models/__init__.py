"""The grid's network, owned by the operator."""

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
    "Feeder",
    "FeederConnection",
    "Interconnection",
    "InterconnectionLimit",
    "MarketPrice",
    "Plant",
    "PlantAvailability",
    "PlantKind",
]
