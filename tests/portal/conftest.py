"""A household like the demo's Pierre & Marie: grid and solar meters, real readings through
the ingestion service and the real rollup, a price plan and a community."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from households.models import Household
from metering.choices import MeterKind
from metering.services.rollup import slots_rollup
from tests.households.factories import (
    CommunityFactory,
    HouseholdFactory,
    MembershipFactory,
    UserFactory,
)
from tests.metering.factories import MeterFactory, feed
from tests.pricing.factories import SubscriptionFactory

# Monday 2 November 2026, 10:00 UTC = 11:00 in Brussels.
T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
DAY = "2026-11-02"


@pytest.fixture
def home() -> Household:
    """Two hours: 1 kW from the grid and 3 kW of solar, then 2 kW exported."""
    household = HouseholdFactory.create(
        name="Pierre & Marie's home", community=CommunityFactory.create(name="Hilltop")
    )
    SubscriptionFactory.create(household=household, price_plan__unit_rate=Decimal("0.30"))
    grid = MeterFactory.create(household=household, kind=MeterKind.GRID)
    solar = MeterFactory.create(household=household, kind=MeterKind.PRODUCTION)
    feed(grid, 1.0, T0, 60)
    feed(solar, 3.0, T0, 60)
    feed(grid, -2.0, T0 + timedelta(hours=1, minutes=1), 59)
    feed(solar, 3.0, T0 + timedelta(hours=1, minutes=1), 59)
    slots_rollup(now=T0 + timedelta(hours=3))
    return household


@pytest.fixture
def member(home: Household) -> User:
    return MembershipFactory.create(household=home, user=UserFactory.create(username="pierre")).user


@pytest.fixture
def staff() -> User:
    return UserFactory.create(username="charles", is_staff=True)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
