import pytest
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
