from simulator.assets import (
    BATTERY_KWH,
    CAR_BATTERY_KWH,
    CHARGER_KW,
    KWP,
    ROUND_TRIP,
    assets_drawn,
)


def test_drawn_assets_lie_in_the_simulators_ranges_and_depend_only_on_seed_and_meter() -> None:
    houses = [
        assets_drawn(1, f"smart-meter-{n}", panels=True, battery=True, car=True) for n in range(200)
    ]
    for house in houses:
        (panel,) = house.panels
        assert KWP[0] <= panel.kwp <= KWP[1]
        assert house.battery is not None
        assert house.battery.capacity_kwh in BATTERY_KWH
        assert ROUND_TRIP[0] <= house.battery.efficiency**2 <= ROUND_TRIP[1]
        assert house.car is not None
        assert house.car.battery_kwh in CAR_BATTERY_KWH
        assert house.car.charger_max_kw in CHARGER_KW
    assert houses[7] == assets_drawn(1, "smart-meter-7", panels=True, battery=True, car=True)
    assert houses[7] != assets_drawn(2, "smart-meter-7", panels=True, battery=True, car=True)
    kinds = [load.kind for house in houses for load in house.flexible]
    assert 30 <= kinds.count("heat_pump") <= 70
    assert 30 <= kinds.count("water_heater") <= 70


def test_a_household_gets_only_the_assets_its_meters_say() -> None:
    house = assets_drawn(1, "smart-meter-3", panels=False, battery=False, car=False)
    assert house.panels == ()
    assert house.battery is None
    assert house.car is None
