"""POST /api/v1/telegrams: the meter's token, statuses, refusals counted, nothing stored on one."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.test import APIClient

from metering.dsmr.services import equipment_link
from metering.models import DsmrRefusalCount, DsmrRegister, DsmrVolumeRegister, Meter
from tests.households.factories import UserFactory
from tests.metering.factories import MeterFactory, stored, token_client, token_for
from tests.metering.p1 import at, corrupted, sample

pytestmark = pytest.mark.django_db

URL = "/api/v1/telegrams"


@pytest.fixture
def grid() -> Meter:
    return MeterFactory.create(meter_id="home")


@pytest.fixture
def client(grid: Meter) -> APIClient:
    return token_client(grid)


def refusals(meter: Meter) -> dict[str, int]:
    return dict(DsmrRefusalCount.objects.filter(meter=meter).values_list("code", "count"))


def test_a_telegram_is_stored_and_summarised(client: APIClient, grid: Meter) -> None:
    response = client.post(URL, data=sample("dsmr5"), content_type="text/plain")
    assert response.status_code == 201
    assert response.json() == {
        "stored": 1,
        "duplicates": 0,
        "equipment_id": "K8EG004046395507",
        "time": "2017-01-02T18:20:02+00:00",
        "registers": {
            "import_tariff1_kwh": "4.426",
            "import_tariff2_kwh": "2.399",
            "export_tariff1_kwh": "2.444",
            "export_tariff2_kwh": "0.000",
            "tariff": 2,
        },
        "power": {"delivered_kw": "0.244", "returned_kw": "0.000", "net_kw": 0.244},
        "volumes": [
            {
                "kind": "gas",
                "equipment_id": "2222ABCD123456789",
                "time": "2017-01-02T15:10:05+00:00",
                "volume_m3": "0.107",
            }
        ],
    }
    row = DsmrRegister.objects.get()
    assert (row.meter, row.import_tariff2_kwh) == (grid, Decimal("2.399"))
    assert stored(grid) == [(datetime(2017, 1, 2, 18, 20, 2, tzinfo=UTC), 0.244)]
    assert DsmrVolumeRegister.objects.get().meter.meter_id == "home-gas"


def test_the_same_telegram_again_is_a_duplicate(client: APIClient, grid: Meter) -> None:
    client.post(URL, data=sample("fluvius"), content_type="text/plain")
    response = client.post(URL, data=sample("fluvius"), content_type="text/plain")
    assert response.status_code == 200
    assert (response.json()["stored"], response.json()["duplicates"]) == (0, 1)
    assert DsmrRegister.objects.count() == 1
    assert DsmrVolumeRegister.objects.count() == 2


def test_a_backlog_of_several_telegrams_is_stored_in_one_request(
    client: APIClient, grid: Meter
) -> None:
    body = at("241120100000W") + at("241120100001W") + at("241120100002W")
    response = client.post(URL, data=body, content_type="text/plain")
    assert response.status_code == 201
    assert (response.json()["stored"], response.json()["time"]) == (3, "2024-11-20T09:00:02+00:00")
    assert len(stored(grid)) == 3


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (corrupted(sample("dsmr5")), "crc_mismatch"),
        (sample("dsmr5")[:400], "telegram_incomplete"),
        (sample("dsmr5") + sample("fluvius")[:400], "telegram_incomplete"),
        (b"", "telegram_incomplete"),
    ],
)
def test_a_bad_telegram_is_400_counted_and_nothing_is_stored(
    client: APIClient, grid: Meter, body: bytes, code: str
) -> None:
    response = client.post(URL, data=body, content_type="text/plain")
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert refusals(grid) == {code: 1}
    assert DsmrRegister.objects.count() == 0
    assert stored(grid) == []


def test_equipment_of_another_meter_is_403_counted_and_nothing_is_stored(
    client: APIClient, grid: Meter
) -> None:
    neighbour = MeterFactory.create(meter_id="neighbour")
    equipment_link(equipment_id="K8EG004046395507", kind="electricity", meter=neighbour)
    response = client.post(URL, data=sample("dsmr5"), content_type="text/plain")
    assert response.status_code == 403
    assert response.json()["code"] == "equipment_mismatch"
    assert refusals(grid) == {"equipment_mismatch": 1}
    assert refusals(neighbour) == {}
    assert DsmrRegister.objects.count() == 0
    assert stored(grid) == stored(neighbour) == []


def test_a_new_equipment_id_on_the_meter_is_a_meter_swap(client: APIClient, grid: Meter) -> None:
    client.post(URL, data=sample("dsmr5"), content_type="text/plain")
    swapped = at("241120100000W", p0_0_96_1_1="(4E4557)", p1_0_1_8_1="(000000.001*kWh)")
    response = client.post(URL, data=swapped, content_type="text/plain")
    assert response.status_code == 201
    series = DsmrRegister.objects.filter(meter=grid).order_by("time")
    assert list(series.values_list("equipment__equipment_id", "import_tariff1_kwh")) == [
        ("K8EG004046395507", Decimal("4.426")),
        ("NEW", Decimal("0.001")),
    ]


def test_a_gateway_token_cannot_post_telegrams(grid: Meter) -> None:
    _token, key = token_for(grid, MeterFactory.create(), gateway=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(URL, data=sample("dsmr5"), content_type="text/plain")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert DsmrRegister.objects.count() == 0


def test_no_token_is_401_and_another_media_type_is_415(client: APIClient, grid: Meter) -> None:
    assert APIClient().post(URL, data=sample("dsmr5"), content_type="text/plain").status_code == 401
    response = client.post(URL, data=sample("dsmr5"), content_type="application/json")
    assert response.status_code == 415
    assert DsmrRegister.objects.count() == 0


def test_the_admin_shows_a_meters_refused_telegrams(client: APIClient, grid: Meter) -> None:
    client.post(URL, data=corrupted(sample("dsmr5")), content_type="text/plain")
    client.post(URL, data=corrupted(sample("dsmr5")), content_type="text/plain")
    admin = UserFactory.create(username="boss", is_staff=True, is_superuser=True)
    browser = Client()
    browser.force_login(admin)
    page = browser.get(f"/admin/metering/meter/{grid.pk}/change/")
    assert page.status_code == 200
    assert b"refused telegrams" in page.content.lower()
    assert b"crc_mismatch" in page.content
    listing = browser.get("/admin/metering/dsmrrefusalcount/")
    assert b"crc_mismatch" in listing.content


def test_the_admin_lists_registers_and_links_equipment(client: APIClient, grid: Meter) -> None:
    client.post(URL, data=sample("fluvius"), content_type="text/plain")
    admin = UserFactory.create(username="boss", is_staff=True, is_superuser=True)
    browser = Client()
    browser.force_login(admin)
    for model in ("dsmrregister", "dsmrvolumeregister", "dsmrequipment"):
        page = browser.get(f"/admin/metering/{model}/")
        assert page.status_code == 200, model
        assert b"1SAG3101021605" in page.content or b"7FLO2119033733" in page.content
    other = MeterFactory.create(meter_id="other")
    response = browser.post(
        "/admin/metering/dsmrequipment/add/",
        {"equipment_id": "E0012345", "kind": "electricity", "meter": other.pk},
    )
    assert response.status_code == 302
    assert other.dsmr_equipment.get().equipment_id == "E0012345"


def test_too_many_telegrams_in_one_body_is_413(
    client: APIClient, grid: Meter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("metering.dsmr.services.MAX_TELEGRAMS_PER_REQUEST", 2)
    body = at("241120100000W") + at("241120100001W") + at("241120100002W")
    response = client.post(URL, data=body, content_type="text/plain")
    assert response.status_code == 413
    assert response.json()["code"] == "too_many_telegrams"
    assert refusals(grid) == {"too_many_telegrams": 1}
    assert stored(grid) == []


def test_a_telegram_without_time_is_unsupported_here(client: APIClient, grid: Meter) -> None:
    dsmr3 = (
        b"/ISk5\\2MT382-1004\r\n\r\n0-0:96.1.1(4B384547303034303436333935353037)\r\n"
        b"1-0:1.8.1(00123.456*kWh)\r\n1-0:1.8.2(00001.000*kWh)\r\n1-0:2.8.1(00000.500*kWh)\r\n"
        b"1-0:2.8.2(00000.000*kWh)\r\n1-0:1.7.0(0001.20*kW)\r\n1-0:2.7.0(0000.00*kW)\r\n!\r\n"
    )
    response = client.post(URL, data=dsmr3, content_type="text/plain")
    assert response.status_code == 400
    assert response.json()["code"] == "telegram_unsupported"
    assert refusals(grid) == {"telegram_unsupported": 1}
    assert DsmrRegister.objects.count() == 0
