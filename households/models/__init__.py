"""Who and what: communities, households, members, notifications, assets and partners."""

from households.models.assets import (
    ElectricVehicle,
    FlexibleLoad,
    FlexibleLoadKind,
    HomeBattery,
    SolarArray,
)
from households.models.households import Community, Household, Membership
from households.models.notifications import Notification
from households.models.partners import Partner, PartnerGrant, PartnerKind, PartnerToken

__all__ = [
    "Community",
    "ElectricVehicle",
    "FlexibleLoad",
    "FlexibleLoadKind",
    "HomeBattery",
    "Household",
    "Membership",
    "Notification",
    "Partner",
    "PartnerGrant",
    "PartnerKind",
    "PartnerToken",
    "SolarArray",
]
