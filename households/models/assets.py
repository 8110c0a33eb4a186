"""The assets at a home: solar panels, a battery, an electric car and its charger, flexible loads.

Each asset's meter is linked from metering's side (households never import metering)."""

from decimal import Decimal
from typing import override

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.models import BaseModel
from households.models.households import Household
from households.models.partners import Partner

# IEC 61851: the lowest current a charger may offer is 6 A (1.38 kW one phase, 4.14 kW three).
EV_MIN_KW_CHOICES = (Decimal("0"), Decimal("1.38"), Decimal("4.14"))


def _kw(help_text: str, **kwargs: object) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(max_digits=8, decimal_places=2, help_text=help_text, **kwargs)  # type: ignore[arg-type]


def _fraction(help_text: str, **kwargs: object) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(max_digits=5, decimal_places=4, help_text=help_text, **kwargs)  # type: ignore[arg-type]


def _positive(field: str, label: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gt": 0}),
        name=f"%(app_label)s_%(class)s_{field}_positive",
        violation_error_message=f"The {label} must be above 0.",
    )


def _efficiency(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gt": 0, f"{field}__lte": 1}),
        name=f"%(app_label)s_%(class)s_{field}_range",
        violation_error_message="An efficiency lies in (0, 1].",
    )


def _positive_errors(asset: models.Model, fields: dict[str, str]) -> dict[str, str]:
    return {
        field: f"The {label} must be above 0."
        for field, label in fields.items()
        if getattr(asset, field) is not None and getattr(asset, field) <= 0
    }


class SolarArray(BaseModel):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="solar_arrays")
    kwp = _kw("Peak power of the panels, kWp.")
    tilt_degrees = models.DecimalField(
        max_digits=5, decimal_places=1, default=Decimal(35), help_text="Tilt, degrees (0 flat)."
    )
    azimuth_degrees = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        default=Decimal(180),
        help_text="Azimuth, degrees (180 south).",
    )
    inverter_kw = _kw("Inverter AC rating, kW.")
    installed_by = models.ForeignKey(
        Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="solar_arrays"
    )
    commissioned_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            _positive("kwp", "peak power"),
            _positive("inverter_kw", "inverter rating"),
            models.CheckConstraint(
                condition=Q(tilt_degrees__gte=0, tilt_degrees__lte=90),
                name="%(app_label)s_%(class)s_tilt_range",
                violation_error_message="The tilt lies in [0, 90] degrees.",
            ),
            models.CheckConstraint(
                condition=Q(azimuth_degrees__gte=0, azimuth_degrees__lt=360),
                name="%(app_label)s_%(class)s_azimuth_range",
                violation_error_message="The azimuth lies in [0, 360) degrees.",
            ),
        ]

    @override
    def clean(self) -> None:
        errors = _positive_errors(self, {"kwp": "peak power", "inverter_kw": "inverter rating"})
        if self.tilt_degrees is not None and not 0 <= self.tilt_degrees <= 90:
            errors["tilt_degrees"] = "The tilt lies in [0, 90] degrees."
        if self.azimuth_degrees is not None and not 0 <= self.azimuth_degrees < 360:
            errors["azimuth_degrees"] = "The azimuth lies in [0, 360) degrees."
        if errors:
            raise ValidationError(errors)

    @override
    def __str__(self) -> str:
        return f"{self.kwp} kWp at {self.household}"


class HomeBattery(BaseModel):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="batteries")
    capacity_kwh = _kw("Usable capacity, kWh.")
    max_charge_kw = _kw("Highest charging power, kW (at most the household's connection).")
    max_discharge_kw = _kw("Highest discharging power, kW.")
    efficiency = _fraction("One-way efficiency, a fraction in (0, 1].", default=Decimal("0.95"))
    reserve_share = _fraction(
        "Share of the capacity the household keeps for itself, in [0, 1): the grid and the "
        "VPP never go below it.",
        default=Decimal("0.2"),
    )
    supplier = models.ForeignKey(
        Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="batteries"
    )
    vpp_opt_in = models.BooleanField(
        default=False, help_text="Takes part in the virtual power plant."
    )
    commissioned_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "home batteries"
        constraints = [
            _positive("capacity_kwh", "capacity"),
            _positive("max_charge_kw", "charging power"),
            _positive("max_discharge_kw", "discharging power"),
            _efficiency("efficiency"),
            models.CheckConstraint(
                condition=Q(reserve_share__gte=0, reserve_share__lt=1),
                name="%(app_label)s_%(class)s_reserve_range",
                violation_error_message="The reserve share lies in [0, 1).",
            ),
        ]

    @override
    def clean(self) -> None:
        errors = _positive_errors(
            self,
            {
                "capacity_kwh": "capacity",
                "max_charge_kw": "charging power",
                "max_discharge_kw": "discharging power",
            },
        )
        if self.efficiency is not None and not 0 < self.efficiency <= 1:
            errors["efficiency"] = "An efficiency lies in (0, 1]."
        if self.reserve_share is not None and not 0 <= self.reserve_share < 1:
            errors["reserve_share"] = "The reserve share lies in [0, 1)."
        if (
            "max_charge_kw" not in errors
            and self.max_charge_kw is not None
            and self.household_id is not None
            and self.max_charge_kw > self.household.connection_kw
        ):
            errors["max_charge_kw"] = (
                f"The charging power exceeds the household's connection "
                f"({self.household.connection_kw} kW)."
            )
        if errors:
            raise ValidationError(errors)

    @override
    def __str__(self) -> str:
        return f"{self.capacity_kwh} kWh battery at {self.household}"


class ElectricVehicle(BaseModel):
    """A car and the charger it uses at home."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="vehicles")
    name = models.CharField(max_length=120, blank=True)
    battery_kwh = _kw("Car battery capacity, kWh.")
    charger_max_kw = _kw("Charger's highest power, kW.")
    charger_min_kw = _kw(
        "Charger's lowest power when on, kW: 0, or the IEC 61851 6 A minimum "
        "(1.38 kW one phase, 4.14 kW three phases).",
        default=Decimal("0"),
    )
    charging_efficiency = _fraction(
        "Charging efficiency, a fraction in (0, 1].", default=Decimal("0.9")
    )
    maker = models.ForeignKey(
        Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="vehicles"
    )
    usual_departure = models.TimeField(
        null=True, blank=True, help_text="Usual departure, local time."
    )
    usual_energy_need_kwh = _kw("Energy usually needed by departure, kWh.", null=True, blank=True)

    class Meta:
        constraints = [
            _positive("battery_kwh", "battery capacity"),
            _positive("charger_max_kw", "charger power"),
            _efficiency("charging_efficiency"),
            models.CheckConstraint(
                condition=Q(charger_min_kw__in=EV_MIN_KW_CHOICES),
                name="%(app_label)s_%(class)s_min_kw_iec",
                violation_error_message="The charger's minimum is 0, 1.38 or 4.14 kW.",
            ),
            models.CheckConstraint(
                condition=Q(charger_min_kw__lte=models.F("charger_max_kw")),
                name="%(app_label)s_%(class)s_min_below_max",
                violation_error_message="The charger's minimum is above its maximum.",
            ),
            models.CheckConstraint(
                condition=Q(usual_energy_need_kwh__isnull=True) | Q(usual_energy_need_kwh__gte=0),
                name="%(app_label)s_%(class)s_need_not_negative",
                violation_error_message="The energy need cannot be negative.",
            ),
        ]

    @override
    def clean(self) -> None:
        errors = _positive_errors(
            self, {"battery_kwh": "battery capacity", "charger_max_kw": "charger power"}
        )
        if self.charging_efficiency is not None and not 0 < self.charging_efficiency <= 1:
            errors["charging_efficiency"] = "An efficiency lies in (0, 1]."
        if self.charger_min_kw is not None:
            if self.charger_min_kw not in EV_MIN_KW_CHOICES:
                errors["charger_min_kw"] = "The charger's minimum is 0, 1.38 or 4.14 kW."
            elif self.charger_max_kw is not None and self.charger_min_kw > self.charger_max_kw:
                errors["charger_min_kw"] = "The charger's minimum is above its maximum."
        if self.usual_energy_need_kwh is not None:
            if self.usual_energy_need_kwh < 0:
                errors["usual_energy_need_kwh"] = "The energy need cannot be negative."
            elif self.battery_kwh is not None and self.usual_energy_need_kwh > self.battery_kwh:
                errors["usual_energy_need_kwh"] = "The energy need exceeds the car's battery."
        if errors:
            raise ValidationError(errors)

    @override
    def __str__(self) -> str:
        return self.name or f"{self.battery_kwh} kWh car at {self.household}"


class FlexibleLoadKind(models.TextChoices):
    HEAT_PUMP = "heat_pump", "Heat pump"
    WATER_HEATER = "water_heater", "Water heater"
    POOL_PUMP = "pool_pump", "Pool pump"
    EV_CHARGER = "ev_charger", "EV charger (flexible mode)"
    OTHER = "other", "Other"


class FlexibleLoad(BaseModel):
    """Non-essential consumption the grid may switch off, with the household's consent."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="flexible_loads"
    )
    kind = models.CharField(max_length=20, choices=FlexibleLoadKind.choices)
    rated_kw = _kw("Rated power, kW.")
    curtailment_consent = models.BooleanField(default=False)
    max_off_minutes_per_day = models.PositiveIntegerField(
        default=120, help_text="At most this many minutes off per day."
    )
    max_off_minutes_per_event = models.PositiveIntegerField(
        default=30, help_text="At most this many minutes off per event."
    )
    min_on_minutes_between = models.PositiveIntegerField(
        default=30, help_text="At least this many minutes on between two events."
    )

    class Meta:
        constraints = [
            _positive("rated_kw", "rated power"),
            models.CheckConstraint(
                condition=Q(max_off_minutes_per_event__lte=models.F("max_off_minutes_per_day")),
                name="%(app_label)s_%(class)s_event_within_day",
                violation_error_message="An event cannot last longer than a day's allowance.",
            ),
        ]

    @override
    def clean(self) -> None:
        errors = _positive_errors(self, {"rated_kw": "rated power"})
        if (
            self.max_off_minutes_per_event is not None
            and self.max_off_minutes_per_day is not None
            and self.max_off_minutes_per_event > self.max_off_minutes_per_day
        ):
            errors["max_off_minutes_per_event"] = (
                "An event cannot last longer than a day's allowance."
            )
        if errors:
            raise ValidationError(errors)

    @override
    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.household}"
