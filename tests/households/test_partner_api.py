"""The partner API: a partner registers, lists and updates only its own assets at the households
shared with it; anything else answers 404 exactly as a missing id, and bad input is a 400 that
names the field with nothing written."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from core.redaction import redact
from households.models import (
    ElectricVehicle,
    HomeBattery,
    Household,
    Partner,
    PartnerKind,
    PartnerToken,
    SolarArray,
)
from households.services import partner_token_create
from tests.households.factories import HouseholdFactory, PartnerFactory, PartnerGrantFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/partners"
SOLAR = {"kwp": 6.4, "inverter_kw": 5, "tilt_degrees": 30, "azimuth_degrees": 170}
BATTERY = {"capacity_kwh": 10, "max_charge_kw": 5, "max_discharge_kw": 5}
CAR = {"battery_kwh": 58, "charger_max_kw": 11, "charger_min_kw": 4.14, "name": "Model Y"}
NOT_FOUND = {"code": "not_found", "message": "Not found.", "extra": {}}


def client_for(partner: Partner, address: str = "127.0.0.1") -> APIClient:
    _token, key = partner_token_create(partner=partner, name="integration")
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def albert() -> Partner:
    return PartnerFactory.create(name="Albert Solar", kind=PartnerKind.INSTALLER)


@pytest.fixture
def customer(albert: Partner) -> Household:
    household: Household = PartnerGrantFactory.create(partner=albert).household
    return household


def fields(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    result: dict[str, list[str]] = body["extra"]["fields"]
    return result


# --- authentication ---------------------------------------------------------------------------


def test_without_a_partner_token_the_api_answers_401_and_says_what_it_needs(
    api_client: APIClient,
) -> None:
    response = api_client.get(f"{API}/solar-arrays")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"
    # A device key is no partner key: the same answer, and it is not tried.
    api_client.credentials(HTTP_AUTHORIZATION="Token smx_a-device-key")
    assert api_client.get(f"{API}/solar-arrays").json()["code"] == "not_authenticated"


def test_an_unknown_or_revoked_partner_key_answers_401(albert: Partner) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token smxp_not-a-real-key")
    response = client.get(f"{API}/me")
    assert (response.status_code, response.json()["code"]) == (401, "authentication_failed")

    token, key = partner_token_create(partner=albert, name="old")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(f"{API}/me").status_code == 401


def test_a_partner_key_in_the_url_is_refused_and_revoked(albert: Partner) -> None:
    token, key = partner_token_create(partner=albert, name="leaky")
    response = APIClient().get(f"{API}/me?token={key}")
    assert response.status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None
    # Revoked for good: the header no longer works either.
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(f"{API}/me").status_code == 401


@override_settings(PARTNER_REFUSED_TOKEN_RATE="3/hour")
def test_refused_partner_keys_are_limited_per_address(albert: Partner) -> None:
    guesser = APIClient(REMOTE_ADDR="10.0.0.1")
    statuses = []
    for n in range(4):
        guesser.credentials(HTTP_AUTHORIZATION=f"Token smxp_guess{n}")
        statuses.append(guesser.get(f"{API}/me").status_code)
    assert statuses == [401, 401, 401, 429]
    # Past the limit even a valid key from that address waits; another address is unaffected.
    assert client_for(albert, "10.0.0.1").get(f"{API}/me").status_code == 429
    assert client_for(albert, "10.0.0.2").get(f"{API}/me").status_code == 200


@override_settings(PARTNER_TOKEN_RATE="2/min")
def test_requests_are_limited_per_partner_token(albert: Partner) -> None:
    client = client_for(albert)
    assert [client.get(f"{API}/me").status_code for _ in range(3)] == [200, 200, 429]
    assert client_for(albert).get(f"{API}/me").status_code == 200  # another token


def test_me_names_the_partner_and_notes_the_token_as_used(albert: Partner) -> None:
    response = client_for(albert).get(f"{API}/me")
    assert response.status_code == 200
    assert response.json() == {"id": albert.pk, "name": "Albert Solar", "kind": "installer"}
    assert PartnerToken.objects.get().last_used_at is not None


# --- households shared with the partner ---------------------------------------------------------


def test_a_partner_lists_only_the_households_shared_with_it(
    albert: Partner, customer: Household
) -> None:
    PartnerGrantFactory.create()  # another partner's customer
    HouseholdFactory.create()  # nobody's
    response = client_for(albert).get(f"{API}/households")
    assert response.status_code == 200
    assert response.json()["results"] == [{"id": customer.pk, "connection_kw": 9.2}]


# --- registering --------------------------------------------------------------------------------


def test_an_installer_registers_a_solar_array_at_its_customer(
    albert: Partner, customer: Household
) -> None:
    response = client_for(albert).post(
        f"{API}/solar-arrays",
        {"household": customer.pk, **SOLAR, "commissioned_on": "2026-04-02"},
        format="json",
    )
    assert response.status_code == 201, response.content
    array = SolarArray.objects.get()
    assert (array.household, array.installed_by) == (customer, albert)
    assert (array.kwp, array.inverter_kw, array.tilt_degrees) == (
        Decimal("6.40"),
        Decimal("5.00"),
        Decimal(30),
    )
    assert array.commissioned_on == date(2026, 4, 2)
    body = response.json()
    assert body["id"] == array.pk
    assert body["household"] == customer.pk
    assert body["kwp"] == 6.4  # a JSON number, in kWp
    assert body["commissioned_on"] == "2026-04-02"


def test_an_installer_and_a_battery_supplier_register_batteries(customer: Household) -> None:
    thomas = PartnerFactory.create(kind=PartnerKind.BATTERY_SUPPLIER)
    PartnerGrantFactory.create(partner=thomas, household=customer)
    response = client_for(thomas).post(
        f"{API}/batteries", {"household": customer.pk, **BATTERY}, format="json"
    )
    assert response.status_code == 201, response.content
    battery = HomeBattery.objects.get()
    assert (battery.supplier, battery.capacity_kwh) == (thomas, Decimal(10))
    # What the household decides keeps its defaults: its reserve, and no VPP until it opts in.
    assert (battery.reserve_share, battery.vpp_opt_in) == (Decimal("0.2"), False)
    assert "reserve_share" not in response.json()


def test_an_ev_maker_registers_its_customers_car(customer: Household) -> None:
    elon = PartnerFactory.create(kind=PartnerKind.EV_MAKER)
    PartnerGrantFactory.create(partner=elon, household=customer)
    response = client_for(elon).post(
        f"{API}/vehicles", {"household": customer.pk, **CAR}, format="json"
    )
    assert response.status_code == 201, response.content
    car = ElectricVehicle.objects.get()
    assert (car.maker, car.household, car.name) == (elon, customer, "Model Y")
    assert (car.charger_max_kw, car.charger_min_kw) == (Decimal(11), Decimal("4.14"))
    assert car.usual_departure is None  # the household sets it on the portal


@pytest.mark.parametrize(
    ("kind", "path", "body"),
    [
        (PartnerKind.BATTERY_SUPPLIER, "solar-arrays", SOLAR),
        (PartnerKind.EV_MAKER, "batteries", BATTERY),
        (PartnerKind.INSTALLER, "vehicles", CAR),
        (PartnerKind.DATA_BUYER, "solar-arrays", SOLAR),
    ],
)
def test_a_partner_registers_only_what_its_business_is(
    customer: Household, kind: str, path: str, body: dict[str, Any]
) -> None:
    partner = PartnerFactory.create(kind=kind)
    PartnerGrantFactory.create(partner=partner, household=customer)
    response = client_for(partner).post(
        f"{API}/{path}", {"household": customer.pk, **body}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "partner_kind_not_allowed"
    assert not SolarArray.objects.exists()
    assert not HomeBattery.objects.exists()
    assert not ElectricVehicle.objects.exists()


def test_a_household_not_shared_answers_as_one_that_does_not_exist(albert: Partner) -> None:
    elsewhere = PartnerGrantFactory.create().household  # another partner's customer
    client = client_for(albert)
    not_shared = client.post(
        f"{API}/solar-arrays", {"household": elsewhere.pk, **SOLAR}, format="json"
    )
    missing = client.post(f"{API}/solar-arrays", {"household": 999_999, **SOLAR}, format="json")
    assert (
        fields(not_shared)
        == fields(missing)
        == {"household": ["No household with this id is shared with you."]}
    )
    assert not SolarArray.objects.exists()


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("solar-arrays", {**SOLAR, "kwp": 0}, "kwp"),
        ("solar-arrays", {**SOLAR, "inverter_kw": -1}, "inverter_kw"),
        ("solar-arrays", {**SOLAR, "tilt_degrees": 91}, "tilt_degrees"),
        ("solar-arrays", {**SOLAR, "azimuth_degrees": 360}, "azimuth_degrees"),
        ("solar-arrays", {**SOLAR, "kwp": "lots"}, "kwp"),
        ("solar-arrays", {**SOLAR, "kwp": 1e9}, "kwp"),
        ("solar-arrays", {**SOLAR, "commissioned_on": "2026-13-01"}, "commissioned_on"),
        ("solar-arrays", {"inverter_kw": 5}, "kwp"),
        ("solar-arrays", {**SOLAR, "installed_by": 1}, "installed_by"),
        ("solar-arrays", {**SOLAR, "household": "x"}, "household"),
        ("batteries", {**BATTERY, "capacity_kwh": 0}, "capacity_kwh"),
        ("batteries", {**BATTERY, "efficiency": 1.5}, "efficiency"),
        ("batteries", {**BATTERY, "efficiency": 0}, "efficiency"),
        # The household's connection is 9.2 kW.
        ("batteries", {**BATTERY, "max_charge_kw": 11}, "max_charge_kw"),
        ("batteries", {**BATTERY, "vpp_opt_in": True}, "vpp_opt_in"),
        ("batteries", {**BATTERY, "reserve_share": 0.5}, "reserve_share"),
        ("vehicles", {**CAR, "charger_min_kw": 2}, "charger_min_kw"),
        ("vehicles", {**CAR, "charger_max_kw": 3.7}, "charger_min_kw"),
        ("vehicles", {**CAR, "charging_efficiency": 1.01}, "charging_efficiency"),
        ("vehicles", {**CAR, "battery_kwh": -58}, "battery_kwh"),
        ("vehicles", {**CAR, "usual_departure": "07:30:00"}, "usual_departure"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(
    customer: Household, path: str, body: dict[str, Any], field: str
) -> None:
    kind = {
        "solar-arrays": PartnerKind.INSTALLER,
        "batteries": PartnerKind.BATTERY_SUPPLIER,
        "vehicles": PartnerKind.EV_MAKER,
    }[path]
    partner = PartnerFactory.create(kind=kind)
    PartnerGrantFactory.create(partner=partner, household=customer)
    response = client_for(partner).post(
        f"{API}/{path}", {"household": customer.pk, **body}, format="json"
    )
    assert field in fields(response)
    assert not SolarArray.objects.exists()
    assert not HomeBattery.objects.exists()
    assert not ElectricVehicle.objects.exists()


def test_a_body_that_is_not_a_json_object_is_refused(albert: Partner) -> None:
    client = client_for(albert)
    form = client.post(f"{API}/solar-arrays", "kwp=5", content_type="text/plain")
    assert (form.status_code, form.json()["code"]) == (415, "unsupported_media_type")
    broken = client.post(f"{API}/solar-arrays", "{", content_type="application/json")
    assert broken.status_code == 400
    a_list = client.post(f"{API}/solar-arrays", [SOLAR], format="json")
    assert a_list.status_code == 400
    assert not SolarArray.objects.exists()


# --- reading and updating one's own -------------------------------------------------------------


def _array(partner: Partner, household: Household, **values: Any) -> SolarArray:
    return SolarArray.objects.create(
        household=household,
        installed_by=partner,
        kwp=Decimal(5),
        inverter_kw=Decimal(4),
        **values,
    )


def test_a_partner_lists_its_own_installations_only(
    albert: Partner, customer: Household, django_assert_num_queries: Any
) -> None:
    mine = [_array(albert, customer), _array(albert, customer)]
    other_customer = PartnerGrantFactory.create(partner=albert).household
    third = _array(albert, other_customer)
    rival = PartnerFactory.create(kind=PartnerKind.INSTALLER)
    PartnerGrantFactory.create(partner=rival, household=customer)
    _array(rival, customer)  # the same household, another installer's array
    client = client_for(albert)
    with django_assert_num_queries(4):  # the token, its last use, the count, the page
        response = client.get(f"{API}/solar-arrays")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [a.pk for a in [*mine, third]]
    filtered = client.get(f"{API}/solar-arrays?household={other_customer.pk}")
    assert [row["id"] for row in filtered.json()["results"]] == [third.pk]
    bad = client.get(f"{API}/solar-arrays?household=abc")
    assert (bad.status_code, bad.json()["extra"]) == (400, {"field": "household"})


def test_another_partners_asset_answers_exactly_as_a_missing_one(
    albert: Partner, customer: Household
) -> None:
    rival = PartnerFactory.create(kind=PartnerKind.INSTALLER)
    PartnerGrantFactory.create(partner=rival, household=customer)
    theirs = _array(rival, customer)
    client = client_for(albert)
    for path in (f"solar-arrays/{theirs.pk}", "solar-arrays/999999"):
        assert client.get(f"{API}/{path}").json() == NOT_FOUND
        patch = client.patch(f"{API}/{path}", {"commissioned_on": "2026-05-01"}, format="json")
        assert (patch.status_code, patch.json()) == (404, NOT_FOUND)
    theirs.refresh_from_db()
    assert theirs.commissioned_on is None
    # Nor does a car id reach an array of the same id.
    assert client.get(f"{API}/vehicles/{_array(albert, customer).pk}").status_code == 404


def test_an_installer_updates_the_commissioning_of_its_array(
    albert: Partner, customer: Household
) -> None:
    array = _array(albert, customer)
    client = client_for(albert)
    response = client.patch(
        f"{API}/solar-arrays/{array.pk}", {"commissioned_on": "2026-05-01"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["commissioned_on"] == "2026-05-01"
    array.refresh_from_db()
    assert (array.commissioned_on, array.kwp) == (date(2026, 5, 1), Decimal(5))
    assert client.get(f"{API}/solar-arrays/{array.pk}").json()["commissioned_on"] == "2026-05-01"


def test_an_update_is_validated_whole_and_cannot_move_the_asset(
    albert: Partner, customer: Household
) -> None:
    array = _array(albert, customer)
    client = client_for(albert)
    # An inverter of 0 kW, and a tilt that is fine: nothing of the two is written.
    response = client.patch(
        f"{API}/solar-arrays/{array.pk}", {"inverter_kw": 0, "tilt_degrees": 20}, format="json"
    )
    assert "inverter_kw" in fields(response)
    other = PartnerGrantFactory.create(partner=albert).household
    assert "household" in fields(
        client.patch(f"{API}/solar-arrays/{array.pk}", {"household": other.pk}, format="json")
    )
    array.refresh_from_db()
    assert (array.inverter_kw, array.tilt_degrees, array.household) == (
        Decimal(4),
        Decimal(35),
        customer,
    )


def test_a_battery_update_keeps_within_the_households_connection(customer: Household) -> None:
    thomas = PartnerFactory.create(kind=PartnerKind.BATTERY_SUPPLIER)
    PartnerGrantFactory.create(partner=thomas, household=customer)
    battery = HomeBattery.objects.create(
        household=customer,
        supplier=thomas,
        capacity_kwh=Decimal(10),
        max_charge_kw=Decimal(5),
        max_discharge_kw=Decimal(5),
    )
    response = client_for(thomas).patch(
        f"{API}/batteries/{battery.pk}", {"max_charge_kw": 12}, format="json"
    )
    assert fields(response)["max_charge_kw"] == [
        "The charging power exceeds the household's connection (9.20 kW)."
    ]
    # The household's reserve and its VPP consent are not the supplier's to change.
    refused = client_for(thomas).patch(
        f"{API}/batteries/{battery.pk}", {"reserve_share": 0, "vpp_opt_in": True}, format="json"
    )
    assert set(fields(refused)) == {"reserve_share", "vpp_opt_in"}
    battery.refresh_from_db()
    assert (battery.max_charge_kw, battery.reserve_share, battery.vpp_opt_in) == (
        Decimal(5),
        Decimal("0.2"),
        False,
    )


def test_once_the_household_is_no_longer_shared_the_partner_sees_nothing_of_it(
    albert: Partner, customer: Household
) -> None:
    array = _array(albert, customer)
    client = client_for(albert)
    assert client.get(f"{API}/solar-arrays/{array.pk}").status_code == 200
    albert.grants.all().delete()
    assert client.get(f"{API}/solar-arrays/{array.pk}").status_code == 404
    assert client.get(f"{API}/solar-arrays").json()["results"] == []
    assert client.get(f"{API}/households").json()["results"] == []
    assert SolarArray.objects.filter(pk=array.pk).exists()  # the household's asset stays


def test_partner_keys_never_reach_a_log_line() -> None:
    line = "GET /api/v1/partners/me?x=1 smxp_Abc-123_def Token smxp_zzz"
    assert redact(line) == "GET /api/v1/partners/me?x=1 smxp_[redacted] Token [redacted]"
    assert redact("smx_device-key") == "smx_[redacted]"
