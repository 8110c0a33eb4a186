"""Energy facts, one module per concern: meters and their tokens, readings, slots and the
rollup's blocks, autarky states, and what DSMR telegrams leave behind."""

from metering.models.autarky import AutarkyState
from metering.models.dsmr import DsmrEquipment, DsmrRefusalCount, DsmrRegister, DsmrVolumeRegister
from metering.models.meters import DeviceToken, Meter
from metering.models.readings import IngestFailure, Reading
from metering.models.slots import EnergySlot, HouseholdSlot, SlotBlock, energy_field

__all__ = [
    "AutarkyState",
    "DeviceToken",
    "DsmrEquipment",
    "DsmrRefusalCount",
    "DsmrRegister",
    "DsmrVolumeRegister",
    "EnergySlot",
    "HouseholdSlot",
    "IngestFailure",
    "Meter",
    "Reading",
    "SlotBlock",
    "energy_field",
]
