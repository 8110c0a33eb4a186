"""Errors of the households domain."""

from core.exceptions import NotFoundError


class HouseholdNotFoundError(NotFoundError):
    """Also what a user gets for a household not theirs (the same 404)."""


class CommunityNotFoundError(NotFoundError):
    """Also what a user gets for a community not theirs (the same 404)."""


class NotificationNotFoundError(NotFoundError):
    """Also what a user gets for another person's notification (the same 404)."""


class AssetNotFoundError(NotFoundError):
    """An asset (panels, battery, car, flexible load) that is not the household's (the same
    404 as a missing one)."""
