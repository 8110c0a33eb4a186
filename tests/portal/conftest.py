"""A household like the demo's Pierre & Marie: grid and solar meters, real readings through
the ingestion service and the real rollup, a price plan and a community."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from households.models import Household
from tests.households.factories import (
    CommunityFactory,
    HouseholdFactory,
    MembershipFactory,
    UserFactory,
)
from tests.metering.factories import two_hours_with_solar
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
    two_hours_with_solar(household, T0)
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
