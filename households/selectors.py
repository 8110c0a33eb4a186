"""Reads of households and communities, and who may see them."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from households.exceptions import CommunityNotFoundError, HouseholdNotFoundError
from households.models import (
    Community,
    ElectricVehicle,
    FlexibleLoad,
    HomeBattery,
    Household,
    Notification,
    Partner,
    SolarArray,
)

User = AbstractBaseUser | AnonymousUser


def household_list_visible_to(*, user: User) -> QuerySet[Household]:
    """Staff see every household; a member sees only the households they belong to."""
    households = Household.objects.select_related("community")
    if not user.is_authenticated:
        return households.none()
    if getattr(user, "is_staff", False):
        return households
    return households.filter(memberships__user_id=int(user.pk))


def household_get_visible(*, user: User, household_id: int) -> Household:
    """The household if the user may see it; otherwise 404, exactly as if it did not exist."""
    household = household_list_visible_to(user=user).filter(pk=household_id).first()
    if household is None:
        raise HouseholdNotFoundError("No such household.")
    return household


def household_get_of_member(*, user: User, household_id: int) -> Household:
    """The household if the user is one of its members (staff who are not members included:
    only members change their home's settings); otherwise 404, as if it did not exist."""
    household = (
        Household.objects.filter(pk=household_id, memberships__user_id=user.pk).first()
        if user.is_authenticated
        else None
    )
    if household is None:
        raise HouseholdNotFoundError("No such household.")
    return household


def household_is_member(*, user: User, household: Household) -> bool:
    return user.is_authenticated and household.memberships.filter(user_id=user.pk).exists()


@dataclass(frozen=True, slots=True)
class Installation:
    """What is installed at a home, each kind oldest first."""

    solar_arrays: list[SolarArray]
    batteries: list[HomeBattery]
    vehicles: list[ElectricVehicle]
    flexible_loads: list[FlexibleLoad]

    @property
    def missing(self) -> list[str]:
        """The kinds of asset the home has none of, as a person would name them."""
        kinds = {
            "solar panels": self.solar_arrays,
            "a home battery": self.batteries,
            "an electric car": self.vehicles,
            "flexible loads": self.flexible_loads,
        }
        return [name for name, assets in kinds.items() if not assets]


def household_installation(*, household: Household) -> Installation:
    """The household's panels, batteries, cars and flexible loads, with their partners."""
    return Installation(
        solar_arrays=list(
            household.solar_arrays.select_related("installed_by").order_by("created_at", "pk")
        ),
        batteries=list(household.batteries.select_related("supplier").order_by("created_at", "pk")),
        vehicles=list(household.vehicles.select_related("maker").order_by("created_at", "pk")),
        flexible_loads=list(household.flexible_loads.order_by("created_at", "pk")),
    )


def community_get_visible(*, user: User, community_id: int) -> Community:
    """Staff see every community; a member sees the community of their household."""
    communities = Community.objects.all()
    if not user.is_authenticated:
        communities = communities.none()
    elif not getattr(user, "is_staff", False):
        communities = communities.filter(households__memberships__user_id=int(user.pk))
    community = communities.filter(pk=community_id).distinct().first()
    if community is None:
        raise CommunityNotFoundError("No such community.")
    return community


def notification_list(*, user: User) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user_id=int(user.pk)).select_related("household")


def notification_unread_count(*, user: User) -> int:
    return notification_list(user=user).filter(read_at__isnull=True).count()


def partner_household_list(*, partner: Partner) -> QuerySet[Household]:
    """The households the energy company has shared with this partner (its customers)."""
    return (
        Household.objects.filter(partner_grants__partner=partner)
        .select_related("community")
        .order_by("pk")
    )


def partner_household_get(*, partner: Partner, household_id: int) -> Household:
    """A household shared with the partner; otherwise 404, exactly as if it did not exist."""
    household = partner_household_list(partner=partner).filter(pk=household_id).first()
    if household is None:
        raise HouseholdNotFoundError("No such household.")
    return household


def partner_list_for_staff(*, user: User) -> QuerySet[Partner]:
    """The partner companies a user is on the staff of."""
    if not user.is_authenticated:
        return Partner.objects.none()
    return Partner.objects.filter(staff__pk=user.pk).order_by("pk")
