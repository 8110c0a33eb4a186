"""An EV maker tells the grid its car is plugged in, changes or ends the session and reads
what the plan gives the car; only for its own cars."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from grid.models import ChargeSession, ChargeSessionSource, ChargeSessionState, Feeder
from grid.services.charging import charging_plan_run
from households.models import ElectricVehicle, PartnerKind
from metering.choices import MeterKind
from metering.models import Meter
from tests.grid.test_partner_api import customer, partner_client

pytestmark = pytest.mark.django_db


def _made_car(partner, household) -> ElectricVehicle:  # type: ignore[no-untyped-def]
    car = ElectricVehicle.objects.create(
        household=household,
        battery_kwh=Decimal(60),
        charger_max_kw=Decimal("7.4"),
        maker=partner,
    )
    Meter.objects.create(meter_id=f"ev-{car.pk}", kind=MeterKind.EV, household=household,
                         electric_vehicle=car)  # fmt: skip
    return car


def test_an_ev_maker_plugs_in_reads_the_plan_changes_and_unplugs() -> None:
    maker, client, _ = partner_client(PartnerKind.EV_MAKER)
    household = customer(maker)
    Feeder.objects.create(name="F1", limit_kw=Decimal(20))
    car = _made_car(maker, household)
    url = f"/api/v1/partners/vehicles/{car.pk}/session"
    departure = (timezone.now() + timedelta(hours=6)).isoformat()

    plugged = client.post(url, {"departure_at": departure, "energy_needed_kwh": 9}, format="json")
    assert plugged.status_code == 201, plugged.content
    session = ChargeSession.objects.get()
    assert session.source == ChargeSessionSource.PARTNER
    assert plugged.json()["state"] == "planned"

    charging_plan_run()
    planned = client.get(url).json()
    assert planned["expected_kwh"] == pytest.approx(9.0)
    assert sum(s["power_kw"] for s in planned["charging"]) * 0.25 * 0.9 == pytest.approx(9.0)

    changed = client.patch(url, {"energy_needed_kwh": 12}, format="json")
    assert changed.status_code == 200
    session.refresh_from_db()
    assert session.energy_needed_kwh == Decimal(12)

    assert client.delete(url).status_code == 204
    session.refresh_from_db()
    assert session.state == ChargeSessionState.DONE
    assert client.get(url).status_code == 404


def test_bad_sessions_are_refused_naming_the_field_and_nothing_is_written() -> None:
    maker, client, _ = partner_client(PartnerKind.EV_MAKER)
    car = _made_car(maker, customer(maker))
    url = f"/api/v1/partners/vehicles/{car.pk}/session"
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    cases = [
        ({"departure_at": past, "energy_needed_kwh": 5}, "departure_at"),
        ({"departure_at": future, "energy_needed_kwh": -1}, "energy_needed_kwh"),
        ({"departure_at": "tomorrow", "energy_needed_kwh": 5}, "departure_at"),
        ({"energy_needed_kwh": 5}, "departure_at"),
        ({"departure_at": future, "energy_needed_kwh": 5, "soc": 80}, "soc"),
    ]
    for body, field in cases:
        refused = client.post(url, body, format="json")
        assert refused.status_code == 400, body
        assert field in str(refused.json()), (body, refused.json())
    assert not ChargeSession.objects.exists()
    client.post(url, {"departure_at": future, "energy_needed_kwh": 5}, format="json")
    again = client.post(url, {"departure_at": future, "energy_needed_kwh": 5}, format="json")
    assert again.status_code == 400
    assert "already plugged in" in str(again.json())
    assert ChargeSession.objects.count() == 1
    assert client.patch(url, "[]", content_type="application/json").status_code == 400


def test_another_makers_car_and_a_non_maker_are_refused() -> None:
    maker, _, _ = partner_client(PartnerKind.EV_MAKER)
    car = _made_car(maker, customer(maker))
    other, other_client, _ = partner_client(PartnerKind.EV_MAKER, name="Other cars")
    url = f"/api/v1/partners/vehicles/{car.pk}/session"
    foreign = other_client.get(url)
    missing = other_client.get("/api/v1/partners/vehicles/999999/session")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    _, installer, _ = partner_client(PartnerKind.INSTALLER)
    assert installer.get(url).status_code == 403
    assert other.pk != maker.pk
