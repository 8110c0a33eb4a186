"""Errors of the households domain."""

from core.exceptions import ApplicationError, NotFoundError


class HouseholdNotFoundError(NotFoundError):
    """Also what a user gets for a household not theirs (the same 404)."""


class CommunityNotFoundError(NotFoundError):
    """Also what a user gets for a community not theirs (the same 404)."""


class NotificationNotFoundError(NotFoundError):
    """Also what a user gets for another person's notification (the same 404)."""


class PartnerAssetNotFoundError(NotFoundError):
    """Also what a partner gets for another partner's asset (the same 404)."""


class PartnerKindError(ApplicationError):
    """The partner's kind of business does not register this kind of asset."""

    code = "partner_kind_not_allowed"
    http_status = 403
