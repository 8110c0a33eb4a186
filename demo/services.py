"""Loads the PowerDale demo world. Idempotent: a second run finds everything and adds nothing."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from demo.installations import assets_seed, partner_staff_seed, partners_seed
from demo.network import network_seed, series_seed
from demo.settle import history_unsettled
from demo.world import (
    COMMUNITIES,
    DEMO_PASSWORD,
    GRID_OPERATORS_GROUP,
    PLANS,
    PRICES_FROM,
    STAFF,
    SUBSCRIPTIONS_START,
    HouseholdSpec,
    town_households,
)
from households.models import Community, Household, Membership
from metering.choices import MeterKind
from metering.models import Meter, Reading
from pricing.models import (
    PlanVersion,
    PricePlan,
    RateBand,
    Subscription,
    Supplier,
    WeekdayMultiplier,
)
from simulator.delivery import ServiceSink
from simulator.engine import TownRun
from simulator.services import town_simulate
from simulator.town import town_build, town_houses

# The town's history: a year of 15-minute readings from the simulator, ending at load time.
HISTORY_DAYS = 365
HISTORY_INTERVAL = timedelta(minutes=15)
SIMULATION_SEED = 1  # the seed `manage.py simulate` uses by default: history and live agree
OPERATOR_APPS = ("households", "metering", "pricing")


@dataclass(frozen=True)
class SeedReport:
    households: int
    meters: int
    readings_added: int
    users_created: bool
    prices_added: int = 0
    availability_added: int = 0


def seed_demo(*, now: datetime | None = None, history_days: int = HISTORY_DAYS) -> SeedReport:
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    with transaction.atomic():
        plans = _seed_plans()
        communities = {
            name: Community.objects.get_or_create(name=name, defaults={"description": text})[0]
            for name, text in COMMUNITIES.items()
        }
        users_created = settings.DEMO_USERS_ALLOWED
        town = town_households()
        partners = partners_seed()
        households = {}
        for spec in town:
            household = _seed_household(
                spec, communities[spec.community], plans[spec.plan_id], users_created
            )
            # Before the history: the simulator produces from the stored assets.
            assets_seed(spec, household, partners, seed=SIMULATION_SEED)
            households[spec.name] = household
        network_seed(households, town, seed=SIMULATION_SEED)
        prices_added, availability_added = series_seed(
            today=timezone.localdate(now), history_days=history_days, seed=SIMULATION_SEED
        )
        if users_created:
            _seed_staff()
            partner_staff_seed(partners, _demo_user)
    readings_added = _load_history(now, history_days)
    if history_unsettled(now=now):
        # Slots and a year of invoices follow in the worker (also what an earlier run left).
        transaction.on_commit(_history_settle_later)
    return SeedReport(
        households=len(town),
        meters=Meter.objects.count(),
        readings_added=readings_added,
        users_created=users_created,
        prices_added=prices_added,
        availability_added=availability_added,
    )


def _history_settle_later() -> None:
    from demo.settle import history_lanes
    from demo.tasks import history_settle as history_settle_task

    for lane in history_lanes():
        history_settle_task.delay(lane)


def _seed_plans() -> dict[str, PricePlan]:
    plans = {}
    for spec in PLANS:
        supplier, _ = Supplier.objects.get_or_create(name=spec.supplier)
        plan, _ = PricePlan.objects.get_or_create(
            plan_id=spec.plan_id, defaults={"supplier": supplier, "description": spec.description}
        )
        version, created = PlanVersion.objects.get_or_create(
            plan=plan,
            valid_from=PRICES_FROM,
            defaults={
                "energy_rate": spec.energy_rate,
                "standing_charge_per_day": spec.standing_charge_per_day,
                "feed_in_rate": spec.feed_in_rate,
                "capacity_rate_per_kw": spec.capacity_rate_per_kw,
                "vat_rate": spec.vat_rate,
            },
        )
        if created:
            for band in spec.bands:
                RateBand.objects.create(
                    version=version,
                    name=band.name,
                    rate=band.rate,
                    weekdays=band.weekdays,
                    starts_at=band.starts_at,
                    ends_at=band.ends_at,
                )
            for weekday, multiplier in spec.multipliers.items():
                WeekdayMultiplier.objects.create(
                    version=version, weekday=weekday, multiplier=multiplier
                )
        plans[spec.plan_id] = plan
    return plans


def _seed_household(
    spec: HouseholdSpec, community: Community, plan: PricePlan, with_users: bool
) -> Household:
    household, _ = Household.objects.get_or_create(
        name=spec.name, defaults={"address": spec.address, "community": community}
    )
    Subscription.objects.get_or_create(
        household=household, valid_from=SUBSCRIPTIONS_START, defaults={"price_plan": plan}
    )
    Meter.objects.get_or_create(
        meter_id=spec.meter_id, defaults={"kind": MeterKind.GRID, "household": household}
    )
    for meter_id, kind in (
        (spec.solar_meter_id, MeterKind.PRODUCTION),
        (spec.battery_meter_id, MeterKind.BATTERY),
        (spec.ev_meter_id, MeterKind.EV),
    ):
        if meter_id:
            Meter.objects.get_or_create(
                meter_id=meter_id, defaults={"kind": kind, "household": household}
            )
    if with_users:
        for username in spec.members:
            user = _demo_user(username, first_name=username.capitalize())
            Membership.objects.get_or_create(household=household, user=user)
    return household


def _seed_staff() -> None:
    operators, _ = Group.objects.get_or_create(name=GRID_OPERATORS_GROUP)
    operators.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=OPERATOR_APPS, codename__startswith="view_"
        )
    )
    for spec in STAFF:
        user = _demo_user(
            spec.username, first_name=spec.first_name, staff=True, superuser=spec.superuser
        )
        if not spec.superuser:
            user.groups.add(operators)


def _demo_user(
    username: str, *, first_name: str, staff: bool = False, superuser: bool = False
) -> User:
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "email": f"{username}@powerdale.example",
            "is_staff": staff or superuser,
            "is_superuser": superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _load_history(now: datetime, days: int) -> int:
    """The simulated town's history up to ``now`` (on the quarter hour), through the ingestion
    service. Each meter resumes after its latest reading (a load stopped half-way, or a demo
    that was down for a while, is completed), a new meter at a home with a history after its
    grid meter's; the history starts ``days`` before ``now``."""
    houses = town_houses()
    if not houses or days <= 0:
        return 0
    step = int(HISTORY_INTERVAL.total_seconds())
    end = int(now.timestamp()) // step * step
    first = end - (days * 86_400 // step - 1) * step
    town = town_build(houses, seed=SIMULATION_SEED)
    latest = _latest_reading_s(town.meters)
    after: dict[Meter, int | None] = {}
    for meter, house in zip(town.meters, town.meter_house.tolist(), strict=True):
        last = latest.get(meter.pk)
        if last is None:
            # A meter added to a home that has a history (Pierre & Marie's battery and car in
            # an older database) starts where the home's grid meter is: the past readings
            # were made without it, and its own past would not add up with theirs.
            last = latest.get(town.houses[house].grid.pk)
        if last is None or last < end:
            after[meter] = last
    if not after:
        return 0
    resume = min(first if s is None else max(first, (s // step + 1) * step) for s in after.values())
    run = TownRun(town, start_s=resume, interval_s=step)
    sink = ServiceSink(town.meters, after=after)
    town_simulate(run=run, steps=(end - resume) // step + 1, sink=sink, progress=True)
    return sink.inserted


def _latest_reading_s(meters: list[Meter]) -> dict[int, int | None]:
    """Each meter's latest reading time in epoch seconds (one index probe per meter)."""
    latest = Reading.objects.filter(meter=OuterRef("pk")).order_by("-time").values("time")[:1]
    return {
        pk: None if time is None else int(time.timestamp())
        for pk, time in Meter.objects.filter(pk__in=[m.pk for m in meters])
        .annotate(latest=Subquery(latest))
        .values_list("pk", "latest")
    }
