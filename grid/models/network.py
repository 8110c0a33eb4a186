"""The network: feeders under substations, the households on each feeder, plants, the link to
the national grid (limits over time) and the day-ahead market price."""

from decimal import Decimal
from typing import override

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.models import BaseModel
from households.models import Household


class Feeder(BaseModel):
    """A feeder, or (with children) a transformer/substation above feeders; each is limited."""

    name = models.CharField(max_length=120, unique=True)
    limit_kw = models.DecimalField(max_digits=10, decimal_places=2, help_text="Limit, kW.")
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The substation above (itself limited); empty at the top.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(limit_kw__gt=0),
                name="%(app_label)s_%(class)s_limit_positive",
                violation_error_message="The limit must be above 0 kW.",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")),
                name="%(app_label)s_%(class)s_not_own_parent",
                violation_error_message="A feeder cannot be its own parent.",
            ),
        ]

    @override
    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.limit_kw is not None and self.limit_kw <= 0:
            errors["limit_kw"] = "The limit must be above 0 kW."
        seen = {self.pk} if self.pk else set()
        node = self.parent
        while node is not None:
            if node.pk in seen:
                errors["parent"] = "The parent chain loops back to this feeder."
                break
            seen.add(node.pk)
            node = node.parent
        if errors:
            raise ValidationError(errors)

    @override
    def __str__(self) -> str:
        return self.name


class FeederConnection(BaseModel):
    """A household on a feeder; a household is on one feeder only."""

    feeder = models.ForeignKey(Feeder, on_delete=models.PROTECT, related_name="connections")
    household = models.OneToOneField(
        Household, on_delete=models.CASCADE, related_name="feeder_connection"
    )

    @override
    def __str__(self) -> str:
        return f"{self.household} on {self.feeder}"


class PlantKind(models.TextChoices):
    GAS = "gas", "Gas"
    HYDRO = "hydro", "Hydro"
    BIOMASS = "biomass", "Biomass"
    WIND_FARM = "wind_farm", "Wind farm"
    SOLAR_FARM = "solar_farm", "Solar farm"


VARIABLE_KINDS = (PlantKind.WIND_FARM, PlantKind.SOLAR_FARM)


class Plant(BaseModel):
    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=PlantKind.choices)
    capacity_kw = models.DecimalField(max_digits=10, decimal_places=2, help_text="Capacity, kW.")
    min_stable_kw = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal(0), help_text="Minimum stable output, kW."
    )
    ramp_kw_per_min = models.DecimalField(
        max_digits=10, decimal_places=2, help_text="Ramp rate, kW per minute."
    )
    marginal_cost = models.DecimalField(
        max_digits=10, decimal_places=6, help_text="Marginal cost, EUR/kWh."
    )
    availability = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal(1),
        help_text="Constant available share of capacity, in [0, 1] (dispatchable plants); "
        "wind and solar farms have a 15-minute series (PlantAvailability).",
    )
    feeder = models.ForeignKey(
        Feeder,
        on_delete=models.PROTECT,
        related_name="plants",
        help_text="Feeder or substation it feeds.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity_kw__gt=0),
                name="%(app_label)s_%(class)s_capacity_positive",
                violation_error_message="The capacity must be above 0 kW.",
            ),
            models.CheckConstraint(
                condition=Q(min_stable_kw__gte=0, min_stable_kw__lte=models.F("capacity_kw")),
                name="%(app_label)s_%(class)s_min_stable_range",
                violation_error_message="The minimum stable output lies in [0, capacity].",
            ),
            models.CheckConstraint(
                condition=Q(ramp_kw_per_min__gt=0),
                name="%(app_label)s_%(class)s_ramp_positive",
                violation_error_message="The ramp rate must be above 0 kW/min.",
            ),
            models.CheckConstraint(
                condition=Q(availability__gte=0, availability__lte=1),
                name="%(app_label)s_%(class)s_availability_range",
                violation_error_message="The availability lies in [0, 1].",
            ),
        ]

    @override
    def clean(self) -> None:
        errors: dict[str, str] = {}
        for field, label in (("capacity_kw", "capacity"), ("ramp_kw_per_min", "ramp rate")):
            value = getattr(self, field)
            if value is not None and value <= 0:
                errors[field] = f"The {label} must be above 0."
        if self.min_stable_kw is not None and (
            self.min_stable_kw < 0
            or (self.capacity_kw is not None and self.min_stable_kw > self.capacity_kw)
        ):
            errors["min_stable_kw"] = "The minimum stable output lies in [0, capacity]."
        if self.availability is not None and not 0 <= self.availability <= 1:
            errors["availability"] = "The availability lies in [0, 1]."
        if errors:
            raise ValidationError(errors)

    @override
    def __str__(self) -> str:
        return self.name


class PlantAvailability(models.Model):
    """A wind or solar farm's available share of capacity in one 15-minute slot."""

    plant = models.ForeignKey(Plant, on_delete=models.CASCADE, related_name="availability_series")
    slot_start = models.DateTimeField(help_text="Start of the 15-minute slot, UTC.")
    share = models.DecimalField(
        max_digits=5, decimal_places=4, help_text="Available share of capacity, in [0, 1]."
    )

    class Meta:
        ordering = ["plant", "slot_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["plant", "slot_start"],
                name="%(app_label)s_%(class)s_one_per_slot",
                violation_error_message="This plant already has an availability for this slot.",
            ),
            models.CheckConstraint(
                condition=Q(share__gte=0, share__lte=1),
                name="%(app_label)s_%(class)s_share_range",
                violation_error_message="The availability lies in [0, 1].",
            ),
        ]

    @override
    def __str__(self) -> str:
        return f"{self.plant} {self.slot_start:%Y-%m-%d %H:%M}: {self.share}"


class Interconnection(BaseModel):
    """The link to the national grid."""

    name = models.CharField(max_length=120, unique=True)
    feeder = models.ForeignKey(
        Feeder,
        on_delete=models.PROTECT,
        related_name="interconnections",
        help_text="The substation it connects to.",
    )

    @override
    def __str__(self) -> str:
        return self.name


class InterconnectionLimit(BaseModel):
    """The import and export limits from ``valid_from`` until the next row (maintenance, an
    island day: a later row with other limits)."""

    interconnection = models.ForeignKey(
        Interconnection, on_delete=models.CASCADE, related_name="limits"
    )
    valid_from = models.DateTimeField(help_text="From this moment (UTC) until the next row.")
    import_kw = models.DecimalField(
        max_digits=10, decimal_places=2, help_text="Import limit, kW (0 on an island day)."
    )
    export_kw = models.DecimalField(max_digits=10, decimal_places=2, help_text="Export limit, kW.")

    class Meta:
        ordering = ["interconnection", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["interconnection", "valid_from"],
                name="%(app_label)s_%(class)s_one_per_start",
                violation_error_message="Limits already start at this moment.",
            ),
            models.CheckConstraint(
                condition=Q(import_kw__gte=0, export_kw__gte=0),
                name="%(app_label)s_%(class)s_not_negative",
                violation_error_message="A limit cannot be negative.",
            ),
        ]

    @override
    def clean(self) -> None:
        errors = {
            field: "A limit cannot be negative."
            for field in ("import_kw", "export_kw")
            if getattr(self, field) is not None and getattr(self, field) < 0
        }
        if errors:
            raise ValidationError(errors)


class MarketPrice(models.Model):
    """The day-ahead price of one 15-minute slot."""

    slot_start = models.DateTimeField(unique=True, help_text="Start of the 15-minute slot, UTC.")
    price = models.DecimalField(
        max_digits=12, decimal_places=6, help_text="Price, EUR/kWh (may be negative)."
    )
    source = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["slot_start"]

    @override
    def __str__(self) -> str:
        return f"{self.slot_start:%Y-%m-%d %H:%M} {self.price} EUR/kWh"
