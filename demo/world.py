"""What PowerDale is made of: plain data, read by demo.services.seed_demo."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from pricing.choices import Weekday

DEMO_PASSWORD = "powerdale"  # noqa: S105 - printed by `make run`; never created in production
# Subscriptions start long before any history the demo loads, so every reading has a plan.
SUBSCRIPTIONS_START = datetime(2020, 1, 1, tzinfo=UTC)
TOWN_SIZE = 100  # households, trial accounts included
SOLAR_EVERY = 3  # one household in three has a solar production meter
BATTERY_EVERY = 6  # one in six (every other solar home) also has a home battery
EV_EVERY = 5  # one in five charges an electric car at home (EV meter)


@dataclass(frozen=True)
class PlanSpec:
    plan_id: str
    supplier: str
    unit_rate: Decimal
    description: str
    multipliers: dict[Weekday, Decimal] = field(default_factory=dict)


PLANS = [
    PlanSpec("price-plan-0", "Dr Evil's Dark Energy", Decimal("0.450000"), "Fossil, flat rate"),
    PlanSpec(
        "price-plan-1",
        "The Green Eco",
        Decimal("0.330000"),
        "Renewable, cheaper at weekends",
        {Weekday.SATURDAY: Decimal("0.85"), Weekday.SUNDAY: Decimal("0.85")},
    ),
    PlanSpec("price-plan-2", "Power for Everyone", Decimal("0.270000"), "Flat rate, no frills"),
]


@dataclass(frozen=True)
class HouseholdSpec:
    name: str
    address: str
    community: str
    meter_id: str
    plan_id: str
    members: tuple[str, ...] = ()
    solar_meter_id: str | None = None
    battery_meter_id: str | None = None
    ev_meter_id: str | None = None


COMMUNITIES = {
    "Riverside": "Terraced houses along the river, many with solar roofs.",
    "Hilltop": "Detached houses on the hill, the first EVs of PowerDale.",
}

# The JOI reference's trial accounts, then Pierre & Marie who share one home.
TRIAL_HOUSEHOLDS = [
    HouseholdSpec(
        "Sarah's home", "1 Mill Street", "Riverside", "smart-meter-0", "price-plan-0", ("sarah",)
    ),
    HouseholdSpec(
        "Peter's home", "2 Mill Street", "Riverside", "smart-meter-1", "price-plan-1", ("peter",)
    ),
    HouseholdSpec(
        "Charlie's home", "3 Hill Road", "Hilltop", "smart-meter-2", "price-plan-0", ("charlie",)
    ),
    HouseholdSpec(
        "Andrea's home", "4 Hill Road", "Hilltop", "smart-meter-3", "price-plan-2", ("andrea",)
    ),
    HouseholdSpec(
        "Alex's home", "5 Mill Street", "Riverside", "smart-meter-4", "price-plan-1", ("alex",)
    ),
    HouseholdSpec(
        "Pierre & Marie's home",
        "6 Curie Lane",
        "Hilltop",
        "smart-meter-5",
        "price-plan-1",
        ("pierre", "marie"),
        solar_meter_id="solar-meter-5",
    ),
]

_STREETS = {
    "Riverside": ["Mill Street", "Quay Side", "Willow Row"],
    "Hilltop": ["Hill Road", "Oak Avenue", "Summit Close"],
}


def town_households() -> list[HouseholdSpec]:
    """The trial households and the rest of the town, deterministic."""
    town = list(TRIAL_HOUSEHOLDS)
    communities = list(COMMUNITIES)
    for number in range(len(TRIAL_HOUSEHOLDS), TOWN_SIZE):
        community = communities[number % len(communities)]
        street = _STREETS[community][number % 3]
        town.append(
            HouseholdSpec(
                name=f"Household {number}",
                address=f"{number + 10} {street}",
                community=community,
                meter_id=f"smart-meter-{number}",
                plan_id=PLANS[number % len(PLANS)].plan_id,
                solar_meter_id=f"solar-meter-{number}" if number % SOLAR_EVERY == 0 else None,
                battery_meter_id=(
                    f"battery-meter-{number}" if number % BATTERY_EVERY == 0 else None
                ),
                ev_meter_id=f"ev-meter-{number}" if number % EV_EVERY == 2 else None,
            )
        )
    return town


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    role: str
    superuser: bool


STAFF = [
    StaffSpec("charles", "Charles", "energy company", superuser=True),
    StaffSpec("nikola", "Nikola", "grid operator", superuser=False),
]
GRID_OPERATORS_GROUP = "Grid operators"
