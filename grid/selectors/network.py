"""The network as the operator sees it: the interconnection with its limits now, the
substations under it, their feeders, and what the households on each feeder have installed.

Every figure is summed by the database (one subquery per asset kind, grouped by feeder or by
household); Python only adds a node's children up the tree, never walks households."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Model,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from core.units import ZERO
from grid.models import Feeder, Interconnection, InterconnectionLimit
from households.models import ElectricVehicle, HomeBattery, Household, SolarArray

# Households on no feeder: all are counted and summed, the first ones listed by name.
UNCONNECTED_SHOWN = 100


@dataclass
class Installed:
    """What a group of households has installed."""

    households: int = 0
    kwp: Decimal = ZERO  # solar, kWp
    battery_kwh: Decimal = ZERO  # usable battery capacity, kWh
    ev_charger_kw: Decimal = ZERO  # home chargers' highest power, kW

    def add(self, other: "Installed") -> None:
        self.households += other.households
        self.kwp += other.kwp
        self.battery_kwh += other.battery_kwh
        self.ev_charger_kw += other.ev_charger_kw


@dataclass
class FeederNode:
    """A feeder, or a substation (a feeder with feeders under it). ``installed`` covers the
    households on it and on every feeder below; ``direct`` those connected to it alone."""

    id: int
    name: str
    limit_kw: Decimal
    direct: Installed
    installed: Installed = field(default_factory=Installed)
    children: list["FeederNode"] = field(default_factory=list)

    @property
    def is_substation(self) -> bool:
        return bool(self.children)

    def walk(self, depth: int = 0) -> Iterator[tuple[int, "FeederNode"]]:
        """This node and those below it, depth first, with their depth (0 here)."""
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)


@dataclass(frozen=True, slots=True)
class InterconnectionNode:
    """The link to the national grid, its limits now (None: no limits stored from before now)
    and the substations it feeds (the top of its feeder's parent chain)."""

    id: int
    name: str
    import_kw: Decimal | None
    export_kw: Decimal | None
    limits_since: datetime | None
    substations: list[FeederNode]


@dataclass(frozen=True, slots=True)
class UnconnectedHousehold:
    id: int
    name: str
    installed: Installed


@dataclass(frozen=True, slots=True)
class NetworkTree:
    interconnections: list[InterconnectionNode]
    unlinked: list[FeederNode]  # top substations/feeders no interconnection reaches
    unconnected: list[UnconnectedHousehold]  # the first UNCONNECTED_SHOWN, by name
    unconnected_total: Installed  # every household on no feeder
    total: Installed  # every household, on a feeder or not

    @property
    def is_empty(self) -> bool:
        return not self.interconnections and not self.unlinked


def _sum_of[M: Model](assets: QuerySet[M], group: str, outer: str, column: str) -> Subquery:
    """The sum of ``column`` over the assets whose ``group`` is the outer row's ``outer``."""
    summed = (
        assets.filter(**{group: OuterRef(outer)})
        .order_by()
        .values(group)
        .annotate(total=Sum(column))
        .values("total")
    )
    return Subquery(summed, output_field=DecimalField(max_digits=14, decimal_places=2))


def _installed_annotations(group: str) -> dict[str, Coalesce]:
    """kWp, battery kWh and charger kW of the households whose ``group`` path is the row."""
    zero = Value(ZERO, output_field=DecimalField(max_digits=14, decimal_places=2))
    return {
        "kwp": Coalesce(_sum_of(SolarArray.objects.all(), group, "pk", "kwp"), zero),
        "battery_kwh": Coalesce(
            _sum_of(HomeBattery.objects.all(), group, "pk", "capacity_kwh"), zero
        ),
        "ev_charger_kw": Coalesce(
            _sum_of(ElectricVehicle.objects.all(), group, "pk", "charger_max_kw"), zero
        ),
    }


def _installed(row: Feeder | Household, households: int) -> Installed:
    return Installed(
        households=households,
        kwp=row.kwp,  # type: ignore[union-attr]  # annotated
        battery_kwh=row.battery_kwh,  # type: ignore[union-attr]
        ev_charger_kw=row.ev_charger_kw,  # type: ignore[union-attr]
    )


def network_tree(*, now: datetime) -> NetworkTree:
    """Interconnections (limits valid at ``now``) → substations → feeders, each with its limit
    and its households' installed kWp, battery kWh and EV charger kW (a substation's figures
    are those of its feeders, plus any household connected to it directly); the households on
    no feeder apart. Seven queries, whatever the size of the town."""
    feeders = Feeder.objects.annotate(
        household_count=Count("connections", distinct=True),
        **_installed_annotations("household__feeder_connection__feeder"),
    ).order_by("name")
    nodes = {
        feeder.pk: FeederNode(
            feeder.pk,
            feeder.name,
            feeder.limit_kw,
            _installed(feeder, feeder.household_count),
        )
        for feeder in feeders
    }
    parents = {feeder.pk: feeder.parent_id for feeder in feeders}
    roots: list[FeederNode] = []
    for pk, node in nodes.items():  # by name, so children come out by name too
        parent = parents[pk]
        (nodes[parent].children if parent is not None else roots).append(node)
    for root in roots:
        _add_up(root)

    def root_of(feeder_id: int) -> FeederNode:
        seen = set()
        while (parent := parents[feeder_id]) is not None and feeder_id not in seen:
            seen.add(feeder_id)  # the models refuse loops; a bad row must not hang the page
            feeder_id = parent
        return nodes[feeder_id]

    current = InterconnectionLimit.objects.filter(
        interconnection=OuterRef("pk"), valid_from__lte=now
    ).order_by("-valid_from")
    limit_field = DecimalField(max_digits=10, decimal_places=2)
    links = Interconnection.objects.annotate(
        import_kw=Subquery(current.values("import_kw")[:1], output_field=limit_field),
        export_kw=Subquery(current.values("export_kw")[:1], output_field=limit_field),
        limits_since=Subquery(current.values("valid_from")[:1]),
    ).order_by("name")
    interconnections = [
        InterconnectionNode(
            link.pk,
            link.name,
            link.import_kw,
            link.export_kw,
            link.limits_since,
            [root_of(link.feeder_id)],
        )
        for link in links
    ]
    linked = {node.id for link in interconnections for node in link.substations}

    unconnected_rows = Household.objects.filter(feeder_connection__isnull=True).annotate(
        **_installed_annotations("household")
    )
    unconnected_total = Installed(
        households=unconnected_rows.count(),
        kwp=_unconnected_sum(SolarArray.objects.all(), "kwp"),
        battery_kwh=_unconnected_sum(HomeBattery.objects.all(), "capacity_kwh"),
        ev_charger_kw=_unconnected_sum(ElectricVehicle.objects.all(), "charger_max_kw"),
    )
    shown = unconnected_rows.order_by("name", "pk")[:UNCONNECTED_SHOWN]
    unconnected = [UnconnectedHousehold(h.pk, h.name, _installed(h, 1)) for h in shown]

    total = Installed()
    for root in roots:
        total.add(root.installed)
    total.add(unconnected_total)
    return NetworkTree(
        interconnections=interconnections,
        unlinked=[root for root in roots if root.id not in linked],
        unconnected=unconnected,
        unconnected_total=unconnected_total,
        total=total,
    )


def _unconnected_sum[M: Model](assets: QuerySet[M], column: str) -> Decimal:
    """The sum of ``column`` over the assets of the households on no feeder."""
    summed = assets.filter(household__feeder_connection__isnull=True).aggregate(total=Sum(column))[
        "total"
    ]
    return summed if summed is not None else ZERO


def _add_up(node: FeederNode) -> Installed:
    """The node's households and those of every feeder below it."""
    node.installed = Installed()
    node.installed.add(node.direct)
    for child in node.children:
        node.installed.add(_add_up(child))
    return node.installed
