from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from metering.models import DeviceToken
from metering.services.tokens import device_token_for_key
from tests.households.factories import UserFactory
from tests.metering.factories import MeterFactory

pytestmark = pytest.mark.django_db


def test_meter_token_create_prints_the_key_once_and_stores_its_hash() -> None:
    MeterFactory.create(meter_id="m-1")
    out = StringIO()
    call_command("meter_token", "create", "m-1", "--name", "P1 dongle", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    token = device_token_for_key(key=key)
    assert token is not None
    assert token.name == "P1 dongle"
    assert list(token.meters.values_list("meter_id", flat=True)) == ["m-1"]
    assert not DeviceToken.objects.filter(key_hash=key).exists()

    out = StringIO()
    call_command("meter_token", "list", "m-1", stdout=out)
    assert key not in out.getvalue()
    assert token.key_prefix in out.getvalue()

    call_command("meter_token", "revoke", token.key_prefix, stdout=StringIO())
    assert device_token_for_key(key=key) is None


def test_meter_token_create_for_several_meters_needs_gateway() -> None:
    MeterFactory.create(meter_id="m-1")
    MeterFactory.create(meter_id="m-2")
    with pytest.raises(CommandError, match="exactly one meter"):
        call_command("meter_token", "create", "m-1", "m-2", stdout=StringIO())
    call_command("meter_token", "create", "m-1", "m-2", "--gateway", stdout=StringIO())
    assert DeviceToken.objects.get().meters.count() == 2


def test_meter_token_create_for_an_unknown_meter_fails() -> None:
    with pytest.raises(CommandError, match="No meter with id nope"):
        call_command("meter_token", "create", "nope", stdout=StringIO())
    assert DeviceToken.objects.count() == 0


def test_the_admin_action_shows_a_new_key_once() -> None:
    meter = MeterFactory.create(meter_id="m-9")
    admin = UserFactory.create(username="boss", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/admin/metering/meter/",
        {"action": "create_tokens", "_selected_action": [meter.pk]},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1
    key = shown[0].rsplit(" ", 1)[-1]
    token = device_token_for_key(key=key)
    assert token is not None
    assert list(token.meters.all()) == [meter]


def test_the_admin_lists_a_meters_readings_read_only() -> None:
    meter = MeterFactory.create(meter_id="m-10")
    admin = UserFactory.create(username="boss", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    response = client.get(f"/admin/metering/meter/{meter.pk}/readings/")
    assert response.status_code == 200
    assert b"No readings yet." in response.content
