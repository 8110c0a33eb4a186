"""Town benchmark: the simulator's town built from the stored assets.

    make bench-town        (or: .venv/bin/python -m bench.town [--quick])

10,000 households (1,000 with --quick) are created by bulk_create with their meters and assets:
panels at two homes in three (a second, east-facing array at one in seven), a battery at half
of those, a car at one home in three (with a usual departure at half of them), a heat pump or a
water heater at half the homes, each asset linked to its meter. Then
``town_build(town_houses(), seed=1)`` is timed (median of 3) beside a same-run reference: the
plain ``values_list`` fetch of the same rows (meters and the four asset tables), which is what
compares across machines.
"""

import argparse
import time
from datetime import time as clock_time
from decimal import Decimal

from bench.common import Row, median, print_table, setup_django

TARGET_S = 10.0


def town_create(households: int) -> dict[str, int]:
    """The households, their meters and their assets, by bulk_create."""
    from households.models import (
        Community,
        ElectricVehicle,
        FlexibleLoad,
        FlexibleLoadKind,
        HomeBattery,
        Household,
        SolarArray,
    )
    from metering.choices import MeterKind
    from metering.models import Meter

    community = Community.objects.create(name="Bench town")
    homes = Household.objects.bulk_create(
        [Household(name=f"Bench household {n}", community=community) for n in range(households)]
    )
    arrays, batteries, cars, loads = [], [], [], []
    links: list[tuple[int, str, object]] = []  # (home, meter kind, asset)
    for n, home in enumerate(homes):
        if n % 3 != 2:
            array = SolarArray(
                household=home, kwp=Decimal(2 + n % 7), inverter_kw=Decimal(2 + n % 6)
            )
            arrays.append(array)
            links.append((n, MeterKind.PRODUCTION, array))
            if n % 7 == 0:
                arrays.append(
                    SolarArray(
                        household=home,
                        kwp=Decimal(2),
                        inverter_kw=Decimal(2),
                        azimuth_degrees=Decimal(90),
                        tilt_degrees=Decimal(20),
                    )
                )
            if n % 2 == 0:
                battery = HomeBattery(
                    household=home,
                    capacity_kwh=Decimal(10),
                    max_charge_kw=Decimal(5),
                    max_discharge_kw=Decimal(4),
                )
                batteries.append(battery)
                links.append((n, MeterKind.BATTERY, battery))
        if n % 3 == 0:
            car = ElectricVehicle(
                household=home,
                battery_kwh=Decimal(64),
                charger_max_kw=Decimal(11),
                charger_min_kw=Decimal("4.14"),
                usual_departure=clock_time(7, 15) if n % 6 == 0 else None,
            )
            if n % 6 == 0:
                car.usual_energy_need_kwh = Decimal(12)
            cars.append(car)
            links.append((n, MeterKind.EV, car))
        if n % 4 < 2:
            kind = FlexibleLoadKind.HEAT_PUMP if n % 4 == 0 else FlexibleLoadKind.WATER_HEATER
            loads.append(FlexibleLoad(household=home, kind=kind, rated_kw=Decimal(3)))
    SolarArray.objects.bulk_create(arrays, batch_size=5000)
    HomeBattery.objects.bulk_create(batteries, batch_size=5000)
    ElectricVehicle.objects.bulk_create(cars, batch_size=5000)
    FlexibleLoad.objects.bulk_create(loads, batch_size=5000)
    field: dict[str, str] = {
        MeterKind.PRODUCTION: "solar_array",
        MeterKind.BATTERY: "home_battery",
        MeterKind.EV: "electric_vehicle",
    }
    meters = [
        Meter(meter_id=f"bench-grid-{n}", kind=MeterKind.GRID, household=home)
        for n, home in enumerate(homes)
    ]
    meters += [
        Meter(meter_id=f"bench-{kind}-{n}", kind=kind, household=homes[n], **{field[kind]: asset})
        for n, kind, asset in links
    ]
    Meter.objects.bulk_create(meters, batch_size=5000)
    return {
        "meters": len(meters),
        "arrays": len(arrays),
        "batteries": len(batteries),
        "cars": len(cars),
        "flexible loads": len(loads),
    }


def reference_fetch() -> int:
    """The same rows, fetched plainly."""
    from households.models import ElectricVehicle, FlexibleLoad, HomeBattery, SolarArray
    from metering.models import Meter

    rows = len(
        list(
            Meter.objects.filter(household__isnull=False).values_list(
                "pk", "meter_id", "kind", "household_id"
            )
        )
    )
    rows += len(
        list(
            SolarArray.objects.values_list(
                "household_id", "kwp", "tilt_degrees", "azimuth_degrees", "inverter_kw"
            )
        )
    )
    rows += len(
        list(
            HomeBattery.objects.values_list(
                "household_id",
                "capacity_kwh",
                "max_charge_kw",
                "max_discharge_kw",
                "efficiency",
                "reserve_share",
            )
        )
    )
    rows += len(
        list(
            ElectricVehicle.objects.values_list(
                "household_id",
                "battery_kwh",
                "charger_max_kw",
                "charger_min_kw",
                "charging_efficiency",
                "usual_departure",
                "usual_energy_need_kwh",
            )
        )
    )
    rows += len(list(FlexibleLoad.objects.values_list("household_id", "kind", "rated_kw")))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1,000 households")
    args = parser.parse_args()
    households = 1000 if args.quick else 10_000
    setup_django()
    from simulator.town import town_build, town_houses

    started = time.perf_counter()
    counts = town_create(households)
    create_s = time.perf_counter() - started
    laps, fetch, build, references = [], [], [], []
    for _ in range(3):
        started = time.perf_counter()
        houses = town_houses()
        fetched = time.perf_counter()
        town = town_build(houses, seed=1)
        done = time.perf_counter()
        laps.append(done - started)
        fetch.append(fetched - started)
        build.append(done - fetched)
        started = time.perf_counter()
        rows = reference_fetch()
        references.append(time.perf_counter() - started)
    if len(town.houses) != households:
        raise SystemExit(f"the town has {len(town.houses)} households, not {households}")
    elapsed, reference = median(laps), median(references)
    made = ", ".join(f"{count:,} {what}" for what, count in counts.items())
    print_table(
        f"Town benchmark: {households:,} households from the database ({made}; created in "
        f"{create_s:.1f} s)",
        [
            Row(
                "town_build(town_houses(), seed=1), median of 3",
                f"{elapsed:.2f} s (read {median(fetch):.2f} s + build {median(build):.2f} s)",
                f"< {TARGET_S:.0f} s",
                elapsed < TARGET_S,
            ),
            Row(
                f"reference: the plain values_list fetch of the same {rows:,} rows",
                f"{reference:.2f} s",
            ),
            Row("town ÷ reference", f"{elapsed / reference:.1f}", "(compare runs by this)"),
        ],
    )


if __name__ == "__main__":
    main()
