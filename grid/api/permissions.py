"""Who may call the partner API: a partner's token, or a logged-in member of its staff; and
which kind of partner each endpoint is for."""

from typing import override

from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from households.models import Partner, PartnerKind, PartnerToken
from households.selectors import partner_list_for_staff


def request_partner(request: Request) -> Partner:
    """The partner calling: its token's, or the one company a logged-in user is staff of."""
    if isinstance(request.auth, PartnerToken):
        return request.auth.partner
    user = request.user
    if user is None or not user.is_authenticated:
        raise exceptions.NotAuthenticated(
            "A partner token is required: Authorization: Token smxp_<key>."
        )
    partners = list(partner_list_for_staff(user=user)[:2])
    if not partners:
        raise exceptions.PermissionDenied("You are not on the staff of a partner company.")
    if len(partners) > 1:
        raise exceptions.PermissionDenied(
            "You are on the staff of several partner companies: use one's partner token."
        )
    return partners[0]


class PartnerView(APIView):
    # What the partner views share; ``partner`` is set once the caller is allowed (IsPartner).

    partner: Partner
    # The kinds of partner an endpoint is for; empty: every partner.
    partner_kinds: frozenset[str] = frozenset()
    partner_kinds_label = ""  # "solar installers", for the 403's message


class IsPartner(BasePermission):
    @override
    def has_permission(self, request: Request, view: APIView) -> bool:
        partner = request_partner(request)
        if isinstance(view, PartnerView):
            if view.partner_kinds and partner.kind not in view.partner_kinds:
                raise exceptions.PermissionDenied(
                    f"This endpoint is for {view.partner_kinds_label}; {partner.name} is a "
                    f"{PartnerKind(partner.kind).label.lower()}.",
                    code="wrong_partner_kind",
                )
            view.partner = partner
        return True
