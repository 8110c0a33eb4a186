from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from factory.declarations import LazyAttribute, Sequence, SubFactory
from factory.django import DjangoModelFactory, Password

from households.models import (
    Community,
    ElectricVehicle,
    FlexibleLoad,
    FlexibleLoadKind,
    HomeBattery,
    Household,
    Membership,
    SolarArray,
)


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = Sequence(lambda n: f"user{n}")
    email = LazyAttribute(lambda u: f"{u.username}@example.com")
    password = Password("secret-pass-123")


class CommunityFactory(DjangoModelFactory[Community]):
    class Meta:
        model = Community

    name = Sequence(lambda n: f"Community {n}")


class HouseholdFactory(DjangoModelFactory[Household]):
    class Meta:
        model = Household

    name = Sequence(lambda n: f"Household {n}")
    address = Sequence(lambda n: f"{n} Test Street")
    community = SubFactory(CommunityFactory)


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    household = SubFactory(HouseholdFactory)
    user = SubFactory(UserFactory)


class SolarArrayFactory(DjangoModelFactory[SolarArray]):
    class Meta:
        model = SolarArray

    household = SubFactory(HouseholdFactory)
    kwp = Decimal(4)
    inverter_kw = Decimal(4)


class HomeBatteryFactory(DjangoModelFactory[HomeBattery]):
    class Meta:
        model = HomeBattery

    household = SubFactory(HouseholdFactory)
    capacity_kwh = Decimal(10)
    max_charge_kw = Decimal(5)
    max_discharge_kw = Decimal(5)


class ElectricVehicleFactory(DjangoModelFactory[ElectricVehicle]):
    class Meta:
        model = ElectricVehicle

    household = SubFactory(HouseholdFactory)
    battery_kwh = Decimal(58)
    charger_max_kw = Decimal("7.4")


class FlexibleLoadFactory(DjangoModelFactory[FlexibleLoad]):
    class Meta:
        model = FlexibleLoad

    household = SubFactory(HouseholdFactory)
    kind = FlexibleLoadKind.HEAT_PUMP
    rated_kw = Decimal(3)
