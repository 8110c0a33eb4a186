import io

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


def test_manage_py_partner_token_creates_lists_and_revokes() -> None:
    partner = Partner.objects.create(name="Albert Solar", kind=PartnerKind.INSTALLER)
    out = io.StringIO()
    call_command("partner_token", "create", "Albert Solar", "--name", "crm", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    token = PartnerToken.objects.get(partner=partner)
    assert (token.name, partner_token_authenticate(key=key)) == ("crm", token)
    listing = io.StringIO()
    call_command("partner_token", "list", "Albert Solar", stdout=listing)
    assert listing.getvalue().split()[:2] == [str(token.pk), "active"]
    assert key not in listing.getvalue()
    call_command("partner_token", "revoke", str(token.pk), stdout=io.StringIO())
    assert partner_token_authenticate(key=key) is None
    with pytest.raises(CommandError, match="No partner named 'Nobody'"):
        call_command("partner_token", "create", "Nobody")
    assert PartnerToken.objects.count() == 1
