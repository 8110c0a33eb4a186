from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from households.models import Partner, PartnerKind, PartnerToken
from households.services import partner_token_authenticate, partner_token_create

pytestmark = pytest.mark.django_db


def test_a_partner_token_is_stored_hashed_and_authenticates_until_revoked() -> None:
    partner = Partner.objects.create(name="Thomas Batteries", kind=PartnerKind.BATTERY_SUPPLIER)
    token, key = partner_token_create(partner=partner, name="integration")
    assert key.startswith("smxp_")
    stored = PartnerToken.objects.get()
    assert key not in stored.key_hash
    assert partner_token_authenticate(key=key) == token
    assert partner_token_authenticate(key=key + "x") is None
    stored.revoked_at = timezone.now()
    stored.save(update_fields=["revoked_at"])
    assert partner_token_authenticate(key=key) is None


def test_the_command_creates_a_token_printed_once_lists_and_revokes_it() -> None:
    partner = Partner.objects.create(name="Elon Motors", kind=PartnerKind.EV_MAKER)
    out = StringIO()
    call_command("partner_token", "create", "Elon Motors", "--name", "fleet", stdout=out)
    token = PartnerToken.objects.get(partner=partner)
    key = out.getvalue().strip().splitlines()[-1]
    assert partner_token_authenticate(key=key) == token
    assert token.name == "fleet"

    listing = StringIO()
    call_command("partner_token", "list", "Elon Motors", stdout=listing)
    assert "active" in listing.getvalue()
    assert key not in listing.getvalue()

    call_command("partner_token", "revoke", str(token.pk), stdout=StringIO())
    assert partner_token_authenticate(key=key) is None


def test_the_command_names_what_it_cannot_find() -> None:
    with pytest.raises(CommandError, match="No partner named 'Nobody'"):
        call_command("partner_token", "create", "Nobody")
    with pytest.raises(CommandError, match="No partner token with id 999"):
        call_command("partner_token", "revoke", "999")
