"""The operator's network tree: interconnection → substations → feeders, each with its limit
and the sums of what its households have installed, summed by the database."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from pytest_django import DjangoAssertNumQueries

from grid.selectors.network import Installed, network_tree
from tests.grid.factories import (
    FeederConnectionFactory,
    FeederFactory,
    InterconnectionFactory,
    InterconnectionLimitFactory,
)
from tests.households.factories import (
    ElectricVehicleFactory,
    HomeBatteryFactory,
    HouseholdFactory,
    SolarArrayFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)


def _home(feeder: object | None, *, kwp: str = "0", kwh: str = "0", ev: str = "0") -> None:
    household = HouseholdFactory.create(connection_kw=Decimal(25))
    if feeder is not None:
        FeederConnectionFactory.create(feeder=feeder, household=household)
    if kwp != "0":  # two arrays at one home add up
        SolarArrayFactory.create(household=household, kwp=Decimal(kwp) / 2)
        SolarArrayFactory.create(household=household, kwp=Decimal(kwp) / 2)
    if kwh != "0":
        HomeBatteryFactory.create(household=household, capacity_kwh=Decimal(kwh))
    if ev != "0":
        ElectricVehicleFactory.create(household=household, charger_max_kw=Decimal(ev))


def test_the_tree_sums_per_feeder_and_substation() -> None:
    north = FeederFactory.create(name="North substation", limit_kw=Decimal(800))
    south = FeederFactory.create(name="South substation", limit_kw=Decimal(600))
    a1 = FeederFactory.create(name="A1", limit_kw=Decimal(250), parent=north)
    a2 = FeederFactory.create(name="A2", limit_kw=Decimal(300), parent=north)
    b1 = FeederFactory.create(name="B1", limit_kw=Decimal(200), parent=south)
    FeederFactory.create(name="A3 (empty)", limit_kw=Decimal(100), parent=north)
    link = InterconnectionFactory.create(name="PowerDale–national", feeder=north)
    InterconnectionLimitFactory.create(
        interconnection=link, valid_from=NOW - timedelta(days=30), import_kw=2000, export_kw=1500
    )
    InterconnectionLimitFactory.create(  # maintenance, now
        interconnection=link, valid_from=NOW - timedelta(hours=2), import_kw=900, export_kw=400
    )
    InterconnectionLimitFactory.create(  # not yet
        interconnection=link, valid_from=NOW + timedelta(days=1), import_kw=0, export_kw=0
    )
    _home(a1, kwp="4.2", kwh="10", ev="7.4")
    _home(a1, kwp="6", ev="11")
    _home(a1)
    _home(a2, kwh="13.5", ev="3.7")
    _home(b1, kwp="3")
    _home(north, kwp="1")  # straight on the substation
    _home(None, kwp="5", kwh="8", ev="22")
    _home(None)

    tree = network_tree(now=NOW)

    (interconnection,) = tree.interconnections
    assert (interconnection.name, interconnection.import_kw, interconnection.export_kw) == (
        "PowerDale–national",
        Decimal(900),
        Decimal(400),
    )
    assert interconnection.limits_since == NOW - timedelta(hours=2)
    (top,) = interconnection.substations
    assert top.name == "North substation"
    assert top.is_substation
    assert [child.name for child in top.children] == ["A1", "A2", "A3 (empty)"]
    feeders = {node.name: node for _, node in top.walk()}
    assert feeders["A1"].limit_kw == Decimal(250)
    assert feeders["A1"].installed == Installed(3, Decimal("10.2"), Decimal(10), Decimal("18.4"))
    assert feeders["A2"].installed == Installed(1, Decimal(0), Decimal("13.5"), Decimal("3.7"))
    assert feeders["A3 (empty)"].installed == Installed()
    assert top.direct == Installed(1, Decimal(1), Decimal(0), Decimal(0))
    # The substation: its feeders' sums, plus the home connected to it directly.
    assert top.installed == Installed(5, Decimal("11.2"), Decimal("23.5"), Decimal("22.1"))
    assert [(depth, node.name) for depth, node in top.walk()] == [
        (0, "North substation"),
        (1, "A1"),
        (1, "A2"),
        (1, "A3 (empty)"),
    ]

    (unlinked,) = tree.unlinked
    assert unlinked.name == "South substation"
    assert [child.name for child in unlinked.children] == ["B1"]
    assert unlinked.installed == Installed(1, Decimal(3), Decimal(0), Decimal(0))

    assert tree.unconnected_total == Installed(2, Decimal(5), Decimal(8), Decimal(22))
    assert [home.installed for home in tree.unconnected] == [
        Installed(1, Decimal(5), Decimal(8), Decimal(22)),
        Installed(1, Decimal(0), Decimal(0), Decimal(0)),
    ]
    assert tree.total == Installed(8, Decimal("19.2"), Decimal("31.5"), Decimal("44.1"))
    assert not tree.is_empty


def test_the_tree_costs_the_same_queries_for_a_bigger_town(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    substation = FeederFactory.create(name="Substation", limit_kw=Decimal(800))
    feeder = FeederFactory.create(name="F1", parent=substation)
    InterconnectionFactory.create(feeder=substation)
    for _ in range(20):
        _home(feeder, kwp="4", kwh="10", ev="7.4")
        _home(None, kwp="2")
    with django_assert_num_queries(7):
        tree = network_tree(now=NOW)
    (link,) = tree.interconnections
    assert link.import_kw is None  # no limits stored
    assert link.substations[0].installed.households == 20
    assert tree.unconnected_total.kwp == Decimal(40)


def test_no_network_stored() -> None:
    _home(None, kwp="3")
    tree = network_tree(now=NOW)
    assert tree.is_empty
    assert tree.interconnections == []
    assert tree.unlinked == []
    assert tree.unconnected_total.households == 1
