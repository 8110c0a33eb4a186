from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from grid.models import (
    Feeder,
    FeederConnection,
    Interconnection,
    InterconnectionLimit,
    MarketPrice,
    Plant,
    PlantKind,
)
from tests.households.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def test_a_feeder_chain_and_its_households() -> None:
    substation = Feeder.objects.create(name="Substation", limit_kw=Decimal(500))
    feeder = Feeder.objects.create(name="F1", limit_kw=Decimal(120), parent=substation)
    household = HouseholdFactory.create()
    FeederConnection.objects.create(feeder=feeder, household=household)
    assert list(substation.children.all()) == [feeder]
    assert household.feeder_connection.feeder == feeder


def test_a_household_on_two_feeders_is_refused() -> None:
    one = Feeder.objects.create(name="F1", limit_kw=Decimal(100))
    two = Feeder.objects.create(name="F2", limit_kw=Decimal(100))
    household = HouseholdFactory.create()
    FeederConnection.objects.create(feeder=one, household=household)
    second = FeederConnection(feeder=two, household=household)
    with pytest.raises(ValidationError) as caught:
        second.full_clean()
    assert "household" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
    assert FeederConnection.objects.count() == 1


def test_a_looping_parent_chain_is_refused() -> None:
    top = Feeder.objects.create(name="Top", limit_kw=Decimal(500))
    middle = Feeder.objects.create(name="Middle", limit_kw=Decimal(200), parent=top)
    top.parent = middle
    with pytest.raises(ValidationError) as caught:
        top.full_clean()
    assert "parent" in caught.value.message_dict
    top.parent = top
    with pytest.raises(ValidationError):
        top.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        top.save()


def test_zero_limits_and_capacities_are_refused() -> None:
    feeder = Feeder(name="Zero", limit_kw=Decimal(0))
    with pytest.raises(ValidationError) as caught:
        feeder.full_clean()
    assert "limit_kw" in caught.value.message_dict
    plant = Plant(
        name="Gas",
        kind=PlantKind.GAS,
        capacity_kw=Decimal(100),
        min_stable_kw=Decimal(150),
        ramp_kw_per_min=Decimal(0),
        marginal_cost=Decimal("0.12"),
        feeder=Feeder.objects.create(name="S", limit_kw=Decimal(1000)),
    )
    with pytest.raises(ValidationError) as caught:
        plant.full_clean()
    assert {"min_stable_kw", "ramp_kw_per_min"} <= set(caught.value.message_dict)
    with pytest.raises(IntegrityError), transaction.atomic():
        plant.save()
    assert not Plant.objects.exists()


def test_interconnection_limits_change_over_time_and_prices_are_one_per_slot() -> None:
    link = Interconnection.objects.create(
        name="National grid", feeder=Feeder.objects.create(name="S", limit_kw=Decimal(900))
    )
    start = datetime(2026, 1, 1, tzinfo=UTC)
    InterconnectionLimit.objects.create(
        interconnection=link, valid_from=start, import_kw=Decimal(400), export_kw=Decimal(300)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        InterconnectionLimit.objects.create(
            interconnection=link, valid_from=start, import_kw=Decimal(0), export_kw=Decimal(0)
        )
    MarketPrice.objects.create(slot_start=start, price=Decimal("0.081"))
    with pytest.raises(IntegrityError), transaction.atomic():
        MarketPrice.objects.create(slot_start=start, price=Decimal("0.09"))
    assert link.limits.count() == 1
    assert MarketPrice.objects.count() == 1
