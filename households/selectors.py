"""Reads of households and communities, and who may see them."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from households.exceptions import CommunityNotFoundError, HouseholdNotFoundError
from households.models import Community, Household, Notification, Partner

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
