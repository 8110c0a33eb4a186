"""My installation: the household's panels, battery, car and flexible loads; its members set
the car's plan, the battery's reserve and VPP participation and each load's consent."""

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.forms.models import model_to_dict
from django.test import Client
from django.test.utils import CaptureQueriesContext

from households.models import (
    ElectricVehicle,
    FlexibleLoad,
    FlexibleLoadKind,
    HomeBattery,
    Household,
    Partner,
    PartnerKind,
)
from tests.households.factories import (
    ElectricVehicleFactory,
    FlexibleLoadFactory,
    HomeBatteryFactory,
    HouseholdFactory,
    MembershipFactory,
    SolarArrayFactory,
    UserFactory,
)
from tests.portal.conftest import client_for

pytestmark = pytest.mark.django_db


@dataclass
class Home:
    household: Household
    member: User
    battery: HomeBattery
    car: ElectricVehicle
    heat_pump: FlexibleLoad
    boiler: FlexibleLoad

    @property
    def url(self) -> str:
        return f"/households/{self.household.pk}/installation/"

    def post_url(self, segment: str, asset_id: int) -> str:
        return f"{self.url}{segment}/{asset_id}"


@pytest.fixture
def home() -> Home:
    household = HouseholdFactory.create(name="Pierre & Marie's home")
    installer = Partner.objects.create(name="Albert Solar", kind=PartnerKind.INSTALLER)
    SolarArrayFactory.create(
        household=household,
        kwp=Decimal("4.20"),
        tilt_degrees=Decimal(30),
        azimuth_degrees=Decimal(165),
        inverter_kw=Decimal("3.60"),
        installed_by=installer,
        commissioned_on=date(2025, 4, 14),
    )
    return Home(
        household=household,
        member=MembershipFactory.create(household=household, user__username="pierre").user,
        battery=HomeBatteryFactory.create(
            household=household,
            capacity_kwh=Decimal("13.50"),
            max_charge_kw=Decimal("5.00"),
            max_discharge_kw=Decimal("4.60"),
            reserve_share=Decimal("0.2000"),
        ),
        car=ElectricVehicleFactory.create(
            household=household,
            name="Zoe",
            battery_kwh=Decimal("52.00"),
            charger_min_kw=Decimal("1.38"),
            charger_max_kw=Decimal("7.40"),
            usual_departure=time(7, 30),
            usual_energy_need_kwh=Decimal("18.00"),
        ),
        heat_pump=FlexibleLoadFactory.create(
            household=household, kind=FlexibleLoadKind.HEAT_PUMP, rated_kw=Decimal("2.50")
        ),
        boiler=FlexibleLoadFactory.create(
            household=household,
            kind=FlexibleLoadKind.WATER_HEATER,
            rated_kw=Decimal("3.00"),
            curtailment_consent=True,
            max_off_minutes_per_day=180,
            max_off_minutes_per_event=60,
        ),
    )


def _rows(home: Home) -> list[dict[str, object]]:
    """Every stored field of the home's battery, car and loads (updated_at included)."""
    return [
        {**model_to_dict(asset), "updated_at": asset.updated_at}
        for asset in (
            HomeBattery.objects.get(pk=home.battery.pk),
            ElectricVehicle.objects.get(pk=home.car.pk),
            FlexibleLoad.objects.get(pk=home.heat_pump.pk),
            FlexibleLoad.objects.get(pk=home.boiler.pk),
        )
    ]


def test_the_page_lists_the_homes_assets(home: Home) -> None:
    response = client_for(home.member).get(home.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-current="page">My installation</a>' in html
    for shown in ("4.20", "30.0", "165.0", "3.60", "Albert Solar", "14 April 2025"):
        assert shown in html
    assert 'data-figure="capacity">13.50 kWh' in html
    assert "up to 5.00 kW, up to 4.60 kW" in html
    assert 'data-figure="reserve">20 %' in html
    assert 'data-figure="vpp">Does not take part' in html
    assert "Zoe" in html
    assert 'data-figure="battery">52.00 kWh' in html
    assert 'data-figure="charger">1.38–7.40 kW' in html
    assert 'data-figure="departure">07:30' in html
    assert 'data-figure="need">18.00 kWh' in html
    assert "Heat pump" in html
    assert "Water heater" in html
    assert "180 min a day, 60 min at a time" in html
    assert f'id="load-{home.boiler.pk}"' in html
    assert "installation-missing" not in html
    # The member's forms, filled with what is stored (the reserve as a percentage).
    battery_form = response.context["batteries"][0][1]
    assert battery_form.initial == {"reserve_percent": "20", "vpp_opt_in": False}
    assert f'name="vehicle-{home.car.pk}-usual_departure" value="07:30"' in html
    assert f'name="battery-{home.battery.pk}-reserve_percent" value="20"' in html


def test_an_empty_installation_says_what_is_missing() -> None:
    bare = HouseholdFactory.create()
    member = MembershipFactory.create(household=bare).user
    html = client_for(member).get(f"/households/{bare.pk}/installation/").content.decode()
    assert "Nothing is stored about this home's installation yet" in html
    assert "no solar panels, no home battery, no electric car and no flexible loads" in html

    SolarArrayFactory.create(household=bare)
    html = client_for(member).get(f"/households/{bare.pk}/installation/").content.decode()
    assert "Not stored for this home: a home battery, an electric car, flexible loads." in html


def test_a_member_sets_the_cars_plan(home: Home) -> None:
    client = client_for(home.member)
    prefix = f"vehicle-{home.car.pk}"
    response = client.post(
        home.post_url("vehicles", home.car.pk),
        {f"{prefix}-usual_departure": "06:45", f"{prefix}-usual_energy_need_kwh": "25.5"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{home.url}#{prefix}"
    home.car.refresh_from_db()
    assert home.car.usual_departure == time(6, 45)
    assert home.car.usual_energy_need_kwh == Decimal("25.50")
    page = client.get(home.url).content.decode()
    assert "Saved the car&#x27;s usual departure and energy need." in page
    assert 'data-figure="departure">06:45' in page
    # Both may be cleared.
    client.post(
        home.post_url("vehicles", home.car.pk),
        {f"{prefix}-usual_departure": "", f"{prefix}-usual_energy_need_kwh": ""},
    )
    cleared = ElectricVehicle.objects.values_list("usual_departure", "usual_energy_need_kwh")
    departure, need = cleared.get(pk=home.car.pk)
    assert departure is None
    assert need is None


def test_a_member_sets_the_batterys_reserve_and_vpp(home: Home) -> None:
    client = client_for(home.member)
    prefix = f"battery-{home.battery.pk}"
    url = home.post_url("batteries", home.battery.pk)
    response = client.post(url, {f"{prefix}-reserve_percent": "37.5", f"{prefix}-vpp_opt_in": "on"})

    assert response.status_code == 302
    home.battery.refresh_from_db()
    assert home.battery.reserve_share == Decimal("0.3750")
    assert home.battery.vpp_opt_in is True
    assert "Saved the battery&#x27;s reserve and VPP participation." in (
        client.get(home.url).content.decode()
    )

    client.post(url, {f"{prefix}-reserve_percent": "0"})  # the box unticked: out of the VPP
    home.battery.refresh_from_db()
    assert (home.battery.reserve_share, home.battery.vpp_opt_in) == (Decimal(0), False)


def test_a_member_sets_each_loads_consent(home: Home) -> None:
    client = client_for(home.member)
    pump = f"load-{home.heat_pump.pk}"
    assert (
        client.post(
            home.post_url("loads", home.heat_pump.pk), {f"{pump}-curtailment_consent": "on"}
        ).status_code
        == 302
    )
    client.post(home.post_url("loads", home.boiler.pk), {})
    home.heat_pump.refresh_from_db()
    home.boiler.refresh_from_db()
    assert home.heat_pump.curtailment_consent is True
    assert home.boiler.curtailment_consent is False
    assert "Saved the consent to curtailment." in client.get(home.url).content.decode()


@pytest.mark.parametrize(
    ("segment", "values", "field", "message"),
    [
        ("vehicles", {"usual_departure": "25:00"}, "usual_departure", "Enter a valid time."),
        ("vehicles", {"usual_departure": "soon"}, "usual_departure", "Enter a valid time."),
        (
            "vehicles",
            {"usual_departure": "07:00", "usual_energy_need_kwh": "52.01"},
            "usual_energy_need_kwh",
            "The energy need exceeds the car&#x27;s battery.",
        ),
        ("vehicles", {"usual_energy_need_kwh": "-1"}, "usual_energy_need_kwh", "greater than"),
        ("vehicles", {"usual_energy_need_kwh": "lots"}, "usual_energy_need_kwh", "a number"),
        ("vehicles", {"usual_energy_need_kwh": "1.234"}, "usual_energy_need_kwh", "2 decimal"),
        ("vehicles", {"usual_energy_need_kwh": "NaN"}, "usual_energy_need_kwh", "a number"),
        ("batteries", {"reserve_percent": "100"}, "reserve_percent", "up to (not including) 100"),
        ("batteries", {"reserve_percent": "250"}, "reserve_percent", "up to (not including) 100"),
        ("batteries", {"reserve_percent": "-5"}, "reserve_percent", "greater than"),
        ("batteries", {"reserve_percent": "a fifth"}, "reserve_percent", "a number"),
        ("batteries", {"reserve_percent": ""}, "reserve_percent", "This field is required."),
        ("batteries", {}, "reserve_percent", "This field is required."),
    ],
)
def test_bad_input_is_a_form_error_on_its_field_and_nothing_changes(
    home: Home, segment: str, values: dict[str, str], field: str, message: str
) -> None:
    asset = home.car if segment == "vehicles" else home.battery
    prefix = f"{'vehicle' if segment == 'vehicles' else 'battery'}-{asset.pk}"
    before = _rows(home)

    response = client_for(home.member).post(
        home.post_url(segment, asset.pk),
        {f"{prefix}-{name}": value for name, value in values.items()},
    )

    assert response.status_code == 400
    form = next(
        row[-1]  # (vehicle, its charging, form) or (battery, form)
        for row in response.context["vehicles" if segment == "vehicles" else "batteries"]
        if row[0].pk == asset.pk
    )
    assert list(form.errors) == [field]
    html = response.content.decode()
    assert f'Not saved: <a href="#{prefix}">see the error below</a>' in html
    error_list = f'<ul class="errorlist" id="id_{prefix}-{field}_error"><li>'
    assert error_list in html
    assert message in html.split(error_list, 1)[1].split("</ul>", 1)[0]
    assert _rows(home) == before


def test_a_battery_whose_stored_row_breaks_a_rule_is_refused_whole(home: Home) -> None:
    """The service validates the whole row: a connection lowered below the battery's charging
    power since (an admin's edit) refuses the save, with the reason, and writes nothing."""
    Household.objects.filter(pk=home.household.pk).update(connection_kw=Decimal(3))
    prefix = f"battery-{home.battery.pk}"
    before = _rows(home)
    response = client_for(home.member).post(
        home.post_url("batteries", home.battery.pk),
        {f"{prefix}-reserve_percent": "50", f"{prefix}-vpp_opt_in": "on"},
    )
    assert response.status_code == 400
    assert "The charging power exceeds the household&#x27;s connection" in (
        response.content.decode()
    )
    assert _rows(home) == before


def test_others_get_404_and_anonymous_users_the_login(home: Home, client: Client) -> None:
    neighbour = MembershipFactory.create(user__username="neighbour").user
    staff = UserFactory.create(username="charles", is_staff=True)
    prefix = f"vehicle-{home.car.pk}"
    data = {f"{prefix}-usual_departure": "05:00", f"{prefix}-usual_energy_need_kwh": "10"}
    url = home.post_url("vehicles", home.car.pk)
    before = _rows(home)

    assert client.get(home.url)["Location"] == f"/accounts/login/?next={home.url}"
    assert client.post(url, data)["Location"] == f"/accounts/login/?next={url}"
    assert client_for(neighbour).get(home.url).status_code == 404
    assert client_for(neighbour).post(url, data).status_code == 404
    # Staff see the page (no forms) but only members change the home's settings.
    staff_page = client_for(staff).get(home.url)
    assert staff_page.status_code == 200
    assert "Save the car" not in staff_page.content.decode()
    assert client_for(staff).post(url, data).status_code == 404
    assert client_for(home.member).get(url).status_code == 405
    assert _rows(home) == before


def test_an_asset_of_another_household_is_404_under_ones_own(home: Home) -> None:
    theirs = ElectricVehicleFactory.create()
    their_battery = HomeBatteryFactory.create()
    client = client_for(home.member)
    assert (
        client.post(
            home.post_url("vehicles", theirs.pk),
            {f"vehicle-{theirs.pk}-usual_departure": "05:00"},
        ).status_code
        == 404
    )
    assert (
        client.post(
            home.post_url("batteries", their_battery.pk),
            {f"battery-{their_battery.pk}-reserve_percent": "bad"},
        ).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.usual_departure is None


def test_a_post_without_the_csrf_token_is_refused(home: Home) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(home.member)
    before = _rows(home)
    response = client.post(
        home.post_url("loads", home.heat_pump.pk),
        {f"load-{home.heat_pump.pk}-curtailment_consent": "on"},
    )
    assert response.status_code == 403
    assert _rows(home) == before


def test_the_page_costs_the_same_queries_with_more_assets(home: Home) -> None:
    client = client_for(home.member)
    client.get(home.url)  # the session is warm
    with CaptureQueriesContext(connection) as few:
        client.get(home.url)
    partner = Partner.objects.create(name="Thomas Batteries", kind=PartnerKind.BATTERY_SUPPLIER)
    for _ in range(3):
        SolarArrayFactory.create(household=home.household, installed_by=partner)
        HomeBatteryFactory.create(household=home.household, supplier=partner)
        ElectricVehicleFactory.create(household=home.household, maker=partner)
        FlexibleLoadFactory.create(household=home.household)
    with CaptureQueriesContext(connection) as many:
        response = client.get(home.url)
    assert len(response.context["vehicles"]) == 4
    assert len(many.captured_queries) == len(few.captured_queries)
