"""The partner API: a partner registers and updates assets at households shared with it, sees
only its own, and every refusal names the field and writes nothing."""

from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from pytest_django.fixtures import DjangoAssertNumQueries, Settings
from rest_framework.test import APIClient

from households.models import (
    ElectricVehicle,
    HomeBattery,
    Household,
    Partner,
    PartnerGrant,
    PartnerKind,
    PartnerToken,
    SolarArray,
)
from households.services import partner_token_create, partner_token_revoke
from metering.choices import MeterKind
from metering.models import Meter, Reading
from tests.households.factories import (
    HouseholdFactory,
    PartnerFactory,
    PartnerGrantFactory,
    UserFactory,
)
from tests.metering.factories import MeterFactory, token_for

pytestmark = pytest.mark.django_db

BASE = "/api/v1/partners"
SOLAR = f"{BASE}/solar-arrays/"
BATTERIES = f"{BASE}/home-batteries/"
VEHICLES = f"{BASE}/vehicles/"


def partner_client(
    kind: str = PartnerKind.INSTALLER, name: str | None = None
) -> tuple[Partner, APIClient, str]:
    """A partner of this kind, a real token of it, and a client that presents the token."""
    partner = PartnerFactory.create(kind=kind, **({"name": name} if name else {}))
    _token, key = partner_token_create(partner=partner, name="integration")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return partner, client, key


def customer(partner: Partner, **fields: Any) -> Household:
    """A household shared with the partner."""
    return PartnerGrantFactory.create(
        partner=partner, household=HouseholdFactory.create(**fields)
    ).household


def solar_body(household: Household, **changes: Any) -> dict[str, Any]:
    return {
        "household": household.pk,
        "kwp": 4.2,
        "tilt_degrees": 30,
        "azimuth_degrees": 170.5,
        "inverter_kw": "3.68",
        "commissioned_on": "2026-11-20",
        **changes,
    }


def battery_body(household: Household, **changes: Any) -> dict[str, Any]:
    return {
        "household": household.pk,
        "capacity_kwh": 10,
        "max_charge_kw": 5,
        "max_discharge_kw": 5,
        "efficiency": 0.95,
        "commissioned_on": "2026-11-21",
        **changes,
    }


def vehicle_body(household: Household, **changes: Any) -> dict[str, Any]:
    return {
        "household": household.pk,
        "name": "Model 2",
        "battery_kwh": 60,
        "charger_max_kw": 7.4,
        "charger_min_kw": 1.38,
        "charging_efficiency": 0.9,
        "usual_departure": "07:30:00",
        "usual_energy_need_kwh": 12.5,
        **changes,
    }


# --- who is calling -------------------------------------------------------------------------


def test_me_is_the_partner_of_the_token_and_notes_its_use() -> None:
    partner, client, _key = partner_client(PartnerKind.BATTERY_SUPPLIER, name="Thomas Batteries")
    response = client.get(f"{BASE}/me")
    assert response.status_code == 200
    assert response.json() == {
        "id": partner.pk,
        "name": "Thomas Batteries",
        "kind": "battery_supplier",
    }
    token = PartnerToken.objects.get(partner=partner)
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < timedelta(minutes=1)


def test_households_are_the_ones_shared_with_me_without_personal_data() -> None:
    partner, client, _key = partner_client()
    mine = customer(partner, name="Pierre & Marie", connection_kw=Decimal("11.04"))
    PartnerGrantFactory.create(household=HouseholdFactory.create())  # another partner's
    HouseholdFactory.create()  # shared with nobody
    response = client.get(f"{BASE}/households/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"] == [
        {
            "id": mine.pk,
            "name": "Pierre & Marie",
            "community": mine.community_id,
            "community_name": mine.community.name if mine.community else None,
            "connection_kw": 11.04,
        }
    ]


def test_the_households_list_makes_the_same_few_queries_for_any_number(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    partner, client, _key = partner_client()
    for _ in range(3):
        customer(partner)
    client.get(f"{BASE}/me")  # the token's last use is noted: no write on the next requests
    # The token, the count, the page with the communities.
    with django_assert_num_queries(3):
        response = client.get(f"{BASE}/households/")
    assert response.json()["count"] == 3


def test_a_staff_member_logged_in_acts_for_their_partner() -> None:
    partner = PartnerFactory.create(kind=PartnerKind.EV_MAKER)
    user = UserFactory.create()
    partner.staff.add(user)
    client = APIClient()
    client.force_login(user)
    assert client.get(f"{BASE}/me").json()["id"] == partner.pk
    outsider = APIClient()
    outsider.force_login(UserFactory.create())
    response = outsider.get(f"{BASE}/me")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert "staff of a partner" in response.json()["message"]


# --- authentication -------------------------------------------------------------------------


def test_without_a_token_the_answer_is_401_with_its_challenge(api_client: APIClient) -> None:
    response = api_client.get(f"{BASE}/me")
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_a_revoked_token_is_refused() -> None:
    partner, client, _key = partner_client()
    household = customer(partner)
    partner_token_revoke(token=PartnerToken.objects.get(partner=partner))
    response = client.post(SOLAR, solar_body(household), format="json")
    assert (response.status_code, response.json()["code"]) == (401, "authentication_failed")
    assert "revoked" in response.json()["message"]
    assert not SolarArray.objects.exists()


def test_a_device_token_is_refused_on_the_partner_api() -> None:
    meter = MeterFactory.create()
    _token, key = token_for(meter)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get(f"{BASE}/me")
    assert (response.status_code, response.json()["code"]) == (401, "authentication_failed")
    assert "partner token" in response.json()["message"]


def test_a_partner_token_is_refused_on_the_meter_api_where_a_device_token_works() -> None:
    meter = MeterFactory.create()
    _token, device_key = token_for(meter)
    _partner, partner_api, _key = partner_client()
    readings = {"readings": [{"time": timezone.now().isoformat(), "power_kw": 1.5}]}
    url = f"/api/v1/meters/{meter.meter_id}/readings"
    refused = partner_api.post(url, readings, format="json")
    assert (refused.status_code, refused.json()["code"]) == (401, "authentication_failed")
    assert "partner token" in refused.json()["message"]
    assert not Reading.objects.exists()
    device = APIClient()
    device.credentials(HTTP_AUTHORIZATION=f"Token {device_key}")
    assert device.post(url, readings, format="json").status_code == 200
    assert Reading.objects.filter(meter=meter).count() == 1


def test_a_partner_key_in_the_url_is_refused_and_revoked(api_client: APIClient) -> None:
    partner, _client, key = partner_client()
    response = api_client.get(f"{BASE}/me", {"token": key})
    assert response.status_code == 401
    assert PartnerToken.objects.get(partner=partner).revoked_at is not None


# --- installers: solar arrays ---------------------------------------------------------------


def test_an_installer_registers_lists_reads_and_updates_a_solar_array() -> None:
    partner, client, _key = partner_client()
    household = customer(partner)
    meter = MeterFactory.create(household=household, kind=MeterKind.PRODUCTION)
    created = client.post(SOLAR, solar_body(household, meter_id=meter.meter_id), format="json")
    assert created.status_code == 201, created.json()
    array = SolarArray.objects.get()
    assert (array.household, array.installed_by, array.kwp) == (household, partner, Decimal("4.2"))
    assert (array.tilt_degrees, array.azimuth_degrees) == (Decimal(30), Decimal("170.5"))
    assert (array.inverter_kw, array.commissioned_on) == (Decimal("3.68"), date(2026, 11, 20))
    meter.refresh_from_db()
    assert meter.solar_array == array
    body = created.json()
    assert body == {
        "id": array.pk,
        "household": household.pk,
        "kwp": 4.2,
        "tilt_degrees": 30.0,
        "azimuth_degrees": 170.5,
        "inverter_kw": 3.68,
        "commissioned_on": "2026-11-20",
        "meter_id": meter.meter_id,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }

    listed = client.get(SOLAR).json()
    assert (listed["count"], listed["results"]) == (1, [body])
    assert client.get(f"{SOLAR}{array.pk}").json() == body

    patched = client.patch(
        f"{SOLAR}{array.pk}", {"commissioned_on": "2026-12-01", "kwp": 5}, format="json"
    )
    assert patched.status_code == 200, patched.json()
    array.refresh_from_db()
    assert (array.commissioned_on, array.kwp, array.tilt_degrees) == (
        date(2026, 12, 1),
        Decimal(5),
        Decimal(30),
    )
    assert patched.json()["meter_id"] == meter.meter_id  # left out: the link is kept


def test_tilt_and_azimuth_default_and_no_meter_is_fine() -> None:
    partner, client, _key = partner_client()
    household = customer(partner)
    response = client.post(
        SOLAR, {"household": household.pk, "kwp": 3, "inverter_kw": 3}, format="json"
    )
    assert response.status_code == 201, response.json()
    array = SolarArray.objects.get()
    assert (array.tilt_degrees, array.azimuth_degrees, array.commissioned_on) == (
        Decimal(35),
        Decimal(180),
        None,
    )
    assert response.json()["meter_id"] is None


def test_patch_moves_the_meter_link_or_removes_it() -> None:
    partner, client, _key = partner_client()
    household = customer(partner)
    first = MeterFactory.create(household=household, kind=MeterKind.PRODUCTION)
    second = MeterFactory.create(household=household, kind=MeterKind.PRODUCTION)
    array_id = client.post(SOLAR, solar_body(household, meter_id=first.meter_id), format="json")
    array_id = array_id.json()["id"]

    moved = client.patch(f"{SOLAR}{array_id}", {"meter_id": second.meter_id}, format="json")
    assert (moved.status_code, moved.json()["meter_id"]) == (200, second.meter_id)
    assert list(Meter.objects.filter(solar_array_id=array_id)) == [second]

    removed = client.patch(f"{SOLAR}{array_id}", {"meter_id": None}, format="json")
    assert (removed.status_code, removed.json()["meter_id"]) == (200, None)
    assert not Meter.objects.filter(solar_array_id=array_id).exists()


def test_the_list_makes_the_same_few_queries_for_any_number_of_assets(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    partner, client, _key = partner_client()
    household = customer(partner)
    for _ in range(3):
        array = SolarArray.objects.create(
            household=household, kwp=Decimal(4), inverter_kw=Decimal(4), installed_by=partner
        )
        MeterFactory.create(household=household, kind=MeterKind.PRODUCTION, solar_array=array)
    client.get(f"{BASE}/me")  # the token's last use is noted: no write on the next requests
    # The token, the count, the page, the page's meters.
    with django_assert_num_queries(4):
        response = client.get(SOLAR)
    assert [row["meter_id"] is not None for row in response.json()["results"]] == [True] * 3


# --- battery suppliers and EV makers --------------------------------------------------------


@pytest.mark.parametrize("kind", [PartnerKind.BATTERY_SUPPLIER, PartnerKind.INSTALLER])
def test_a_battery_supplier_or_installer_registers_and_updates_a_home_battery(kind: str) -> None:
    partner, client, _key = partner_client(kind)
    household = customer(partner)
    meter = MeterFactory.create(household=household, kind=MeterKind.BATTERY)
    created = client.post(
        BATTERIES, battery_body(household, meter_id=meter.meter_id), format="json"
    )
    assert created.status_code == 201, created.json()
    battery = HomeBattery.objects.get()
    assert (battery.supplier, battery.household, battery.capacity_kwh) == (
        partner,
        household,
        Decimal(10),
    )
    assert (battery.reserve_share, battery.efficiency, battery.vpp_opt_in) == (
        Decimal("0.2"),
        Decimal("0.95"),
        False,
    )
    assert Meter.objects.get(pk=meter.pk).home_battery == battery
    assert created.json()["reserve_share"] == 0.2
    patched = client.patch(
        f"{BATTERIES}{battery.pk}", {"reserve_share": 0.3, "max_charge_kw": 4}, format="json"
    )
    assert patched.status_code == 200, patched.json()
    battery.refresh_from_db()
    assert (battery.reserve_share, battery.max_charge_kw) == (Decimal("0.3"), Decimal(4))
    assert client.get(BATTERIES).json()["count"] == 1


def test_an_ev_maker_registers_and_updates_a_vehicle() -> None:
    partner, client, _key = partner_client(PartnerKind.EV_MAKER)
    household = customer(partner)
    meter = MeterFactory.create(household=household, kind=MeterKind.EV)
    created = client.post(VEHICLES, vehicle_body(household, meter_id=meter.meter_id), format="json")
    assert created.status_code == 201, created.json()
    car = ElectricVehicle.objects.get()
    assert (car.maker, car.household, car.name, car.battery_kwh) == (
        partner,
        household,
        "Model 2",
        Decimal(60),
    )
    assert (car.charger_max_kw, car.charger_min_kw, car.usual_departure) == (
        Decimal("7.4"),
        Decimal("1.38"),
        time(7, 30),
    )
    assert car.usual_energy_need_kwh == Decimal("12.5")
    assert Meter.objects.get(pk=meter.pk).electric_vehicle == car
    assert created.json()["usual_departure"] == "07:30:00"
    patched = client.patch(f"{VEHICLES}{car.pk}", {"usual_departure": "06:45:00"}, format="json")
    assert (patched.status_code, patched.json()["usual_departure"]) == (200, "06:45:00")
    car.refresh_from_db()
    assert car.usual_departure == time(6, 45)
    assert client.get(f"{VEHICLES}{car.pk}").json()["id"] == car.pk


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        (PartnerKind.BATTERY_SUPPLIER, SOLAR),
        (PartnerKind.EV_MAKER, SOLAR),
        (PartnerKind.EV_MAKER, BATTERIES),
        (PartnerKind.INSTALLER, VEHICLES),
        (PartnerKind.DATA_BUYER, VEHICLES),
    ],
)
def test_a_partner_of_another_kind_gets_403_saying_who_the_endpoint_is_for(
    kind: str, url: str
) -> None:
    partner, client, _key = partner_client(kind)
    household = customer(partner)
    body = {SOLAR: solar_body, BATTERIES: battery_body, VEHICLES: vehicle_body}[url](household)
    for response in (client.get(url), client.post(url, body, format="json")):
        assert (response.status_code, response.json()["code"]) == (403, "wrong_partner_kind")
        assert "This endpoint is for" in response.json()["message"]
        assert partner.name in response.json()["message"]
    assert not SolarArray.objects.exists()
    assert not HomeBattery.objects.exists()
    assert not ElectricVehicle.objects.exists()


# --- isolation ------------------------------------------------------------------------------


def test_another_partners_asset_is_the_same_404_as_a_missing_one() -> None:
    albert, albert_api, _key = partner_client(name="Albert Solar")
    other, other_api, _key2 = partner_client(name="Other Solar")
    albert_home = customer(albert)
    other_home = customer(other)
    mine = albert_api.post(SOLAR, solar_body(albert_home), format="json").json()
    theirs = other_api.post(SOLAR, solar_body(other_home), format="json").json()

    missing = albert_api.get(f"{SOLAR}999999")
    assert missing.status_code == 404
    for response in (
        albert_api.get(f"{SOLAR}{theirs['id']}"),
        albert_api.patch(f"{SOLAR}{theirs['id']}", {"kwp": 1}, format="json"),
    ):
        assert (response.status_code, response.json()) == (404, missing.json())
    for response in (
        other_api.get(f"{SOLAR}{mine['id']}"),
        other_api.patch(f"{SOLAR}{mine['id']}", {"kwp": 1}, format="json"),
    ):
        assert (response.status_code, response.json()) == (404, missing.json())
    assert SolarArray.objects.get(pk=mine["id"]).kwp == Decimal("4.2")
    assert SolarArray.objects.get(pk=theirs["id"]).kwp == Decimal("4.2")
    assert [row["id"] for row in albert_api.get(SOLAR).json()["results"]] == [mine["id"]]
    assert [row["id"] for row in other_api.get(SOLAR).json()["results"]] == [theirs["id"]]


def test_a_household_not_shared_is_the_same_404_as_a_missing_one() -> None:
    _partner, client, _key = partner_client()
    stranger = HouseholdFactory.create()
    someone_elses = PartnerGrantFactory.create().household
    missing = client.post(SOLAR, {**solar_body(stranger), "household": 999999}, format="json")
    assert missing.status_code == 404
    assert missing.json() == {"code": "not_found", "message": "No such household.", "extra": {}}
    for household in (stranger, someone_elses):
        response = client.post(SOLAR, solar_body(household), format="json")
        assert (response.status_code, response.json()) == (404, missing.json())
    assert not SolarArray.objects.exists()


def test_an_asset_is_out_of_sight_once_its_household_is_no_longer_shared() -> None:
    partner, client, _key = partner_client()
    household = customer(partner)
    array_id = client.post(SOLAR, solar_body(household), format="json").json()["id"]
    PartnerGrant.objects.filter(partner=partner, household=household).delete()
    assert client.get(f"{SOLAR}{array_id}").status_code == 404
    assert client.get(SOLAR).json()["count"] == 0
    assert SolarArray.objects.get(pk=array_id).installed_by == partner  # the row stays


# --- validation: 400 naming the field, nothing written ---------------------------------------


def _meter(household: Household, kind: str, **links: Any) -> str:
    return str(MeterFactory.create(household=household, kind=kind, **links).meter_id)


CASES: list[tuple[str, str, Any, str]] = [
    # (endpoint, field, value or a function of the household giving it, field named)
    (BATTERIES, "max_charge_kw", 20, "max_charge_kw"),  # above the 9.2 kW connection
    (BATTERIES, "efficiency", 0, "efficiency"),
    (BATTERIES, "efficiency", 1.01, "efficiency"),
    (BATTERIES, "capacity_kwh", 0, "capacity_kwh"),
    (BATTERIES, "max_discharge_kw", -1, "max_discharge_kw"),
    (BATTERIES, "reserve_share", 1, "reserve_share"),
    (SOLAR, "kwp", 0, "kwp"),
    (SOLAR, "inverter_kw", -3, "inverter_kw"),
    (SOLAR, "tilt_degrees", 91, "tilt_degrees"),
    (SOLAR, "kwp", "lots", "kwp"),
    (SOLAR, "kwp", 4.123, "kwp"),  # more decimals than kept
    (SOLAR, "commissioned_on", "yesterday", "commissioned_on"),
    (SOLAR, "vpp_opt_in", True, "vpp_opt_in"),  # not a partner's to write
    (VEHICLES, "charger_min_kw", 4.14, "charger_min_kw"),  # above the 3.7 kW maximum below
    (VEHICLES, "charger_min_kw", 2, "charger_min_kw"),  # not an IEC 61851 minimum
    (VEHICLES, "charging_efficiency", 0, "charging_efficiency"),
    (VEHICLES, "battery_kwh", 0, "battery_kwh"),
    (VEHICLES, "usual_energy_need_kwh", 61, "usual_energy_need_kwh"),
    (VEHICLES, "usual_departure", "25:00", "usual_departure"),
    (SOLAR, "meter_id", "no-such-meter", "meter_id"),
    (SOLAR, "meter_id", lambda h: _meter(HouseholdFactory.create(), "production"), "meter_id"),
    (SOLAR, "meter_id", lambda h: _meter(h, "grid"), "meter_id"),
    (BATTERIES, "meter_id", lambda h: _meter(h, "production"), "meter_id"),
    (VEHICLES, "meter_id", lambda h: _meter(h, "battery"), "meter_id"),
    (
        SOLAR,
        "meter_id",
        lambda h: _meter(
            h,
            "production",
            solar_array=SolarArray.objects.create(
                household=h, kwp=Decimal(1), inverter_kw=Decimal(1)
            ),
        ),
        "meter_id",
    ),
]
KIND_OF = {
    SOLAR: PartnerKind.INSTALLER,
    BATTERIES: PartnerKind.BATTERY_SUPPLIER,
    VEHICLES: PartnerKind.EV_MAKER,
}
BODY_OF = {SOLAR: solar_body, BATTERIES: battery_body, VEHICLES: vehicle_body}
MODEL_OF: dict[str, type[SolarArray | HomeBattery | ElectricVehicle]] = {
    SOLAR: SolarArray,
    BATTERIES: HomeBattery,
    VEHICLES: ElectricVehicle,
}


@pytest.mark.parametrize(("url", "field", "value", "named"), CASES)
def test_a_bad_value_is_a_400_naming_the_field_and_nothing_is_written(
    url: str, field: str, value: Any, named: str
) -> None:
    partner, client, _key = partner_client(KIND_OF[url])
    household = customer(partner)
    body = (
        BODY_OF[url](household, charger_max_kw=3.7) if url == VEHICLES else BODY_OF[url](household)
    )
    body[field] = value(household) if callable(value) else value
    before = MODEL_OF[url].objects.count()  # a case may arrange an asset of its own
    links = list(Meter.objects.values_list("pk", "solar_array", "home_battery", "electric_vehicle"))
    response = client.post(url, body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid"
    assert named in response.json()["extra"]["fields"]
    assert MODEL_OF[url].objects.count() == before
    assert (
        list(Meter.objects.values_list("pk", "solar_array", "home_battery", "electric_vehicle"))
        == links
    )


def test_an_unknown_meter_and_another_households_meter_read_the_same() -> None:
    partner, client, _key = partner_client()
    household = customer(partner)
    elsewhere = MeterFactory.create(kind=MeterKind.PRODUCTION, meter_id="elsewhere")
    unknown = client.post(SOLAR, solar_body(household, meter_id="nowhere"), format="json")
    other = client.post(SOLAR, solar_body(household, meter_id=elsewhere.meter_id), format="json")
    assert unknown.json()["extra"]["fields"]["meter_id"] == [
        "No meter 'nowhere' at this household."
    ]
    assert other.json()["extra"]["fields"]["meter_id"] == [
        "No meter 'elsewhere' at this household."
    ]


def test_every_bad_field_is_named_at_once() -> None:
    partner, client, _key = partner_client(PartnerKind.BATTERY_SUPPLIER)
    household = customer(partner)
    body = battery_body(household, capacity_kwh=0, efficiency=2, meter_id="nowhere")
    response = client.post(BATTERIES, body, format="json")
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {"capacity_kwh", "efficiency", "meter_id"}
    assert not HomeBattery.objects.exists()


def test_a_missing_required_field_is_named() -> None:
    partner, client, _key = partner_client()
    household = customer(partner)
    response = client.post(SOLAR, {"household": household.pk, "kwp": 4}, format="json")
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {"inverter_kw"}
    assert not SolarArray.objects.exists()


def test_a_bad_patch_changes_nothing() -> None:
    partner, client, _key = partner_client(PartnerKind.BATTERY_SUPPLIER)
    household = customer(partner)
    meter = MeterFactory.create(household=household, kind=MeterKind.BATTERY)
    grid = MeterFactory.create(household=household, kind=MeterKind.GRID)
    battery_id = client.post(
        BATTERIES, battery_body(household, meter_id=meter.meter_id), format="json"
    ).json()["id"]
    url = f"{BATTERIES}{battery_id}"
    for body, field in [
        ({"max_charge_kw": 9.3, "reserve_share": 0.5}, "max_charge_kw"),
        ({"meter_id": grid.meter_id, "capacity_kwh": 12}, "meter_id"),
        ({"household": HouseholdFactory.create().pk}, "household"),
        ({"supplier": partner.pk}, "supplier"),
    ]:
        response = client.patch(url, body, format="json")
        assert response.status_code == 400, body
        assert field in response.json()["extra"]["fields"]
    battery = HomeBattery.objects.get(pk=battery_id)
    assert (battery.max_charge_kw, battery.reserve_share, battery.capacity_kwh) == (
        Decimal(5),
        Decimal("0.2"),
        Decimal(10),
    )
    assert battery.household == household
    assert list(Meter.objects.filter(home_battery=battery)) == [meter]


def test_a_meter_already_measuring_my_other_asset_is_refused_on_patch() -> None:
    partner, client, _key = partner_client()
    household = customer(partner)
    meter = MeterFactory.create(household=household, kind=MeterKind.PRODUCTION)
    first = client.post(SOLAR, solar_body(household, meter_id=meter.meter_id), format="json")
    second = client.post(SOLAR, solar_body(household), format="json").json()
    response = client.patch(f"{SOLAR}{second['id']}", {"meter_id": meter.meter_id}, format="json")
    assert response.status_code == 400
    assert "already measures another asset" in response.json()["extra"]["fields"]["meter_id"][0]
    assert Meter.objects.get(pk=meter.pk).solar_array_id == first.json()["id"]


# --- bodies ---------------------------------------------------------------------------------


def test_malformed_json_wrong_media_type_and_a_body_too_large(settings: Settings) -> None:
    partner, client, _key = partner_client()
    household = customer(partner)
    malformed = client.generic("POST", SOLAR, '{"kwp": ', content_type="application/json")
    assert (malformed.status_code, malformed.json()["code"]) == (400, "malformed_json")
    listed = client.post(SOLAR, [solar_body(household)], format="json")
    assert (listed.status_code, listed.json()["code"]) == (400, "malformed_json")
    form = client.post(SOLAR, solar_body(household))  # multipart
    assert (form.status_code, form.json()["code"]) == (415, "unsupported_media_type")
    settings.PARTNER_MAX_BODY_BYTES = 64
    large = client.post(SOLAR, solar_body(household, name="x" * 100), format="json")
    assert (large.status_code, large.json()["code"]) == (413, "body_too_large")
    assert not SolarArray.objects.exists()


def test_ids_and_numbers_out_of_any_range_are_a_clear_answer_not_a_crash() -> None:
    partner, client, _key = partner_client()
    household = customer(partner)
    huge = client.post(SOLAR, {**solar_body(household), "household": 10**30}, format="json")
    assert huge.status_code == 400  # beyond 64 bits JSON numbers are read as floats
    assert huge.json()["extra"]["fields"] == {"household": ["A valid integer is required."]}
    beyond = client.post(SOLAR, {**solar_body(household), "household": 2**62}, format="json")
    assert (beyond.status_code, beyond.json()["message"]) == (404, "No such household.")
    assert client.get(f"{SOLAR}{10**30}").status_code == 404
    for value in ("1e400", "NaN", "-Infinity"):
        raw = f'{{"household": {household.pk}, "kwp": {value}, "inverter_kw": 3}}'
        response = client.generic("POST", SOLAR, raw, content_type="application/json")
        assert response.status_code == 400, (value, response.json())
    assert not SolarArray.objects.exists()
