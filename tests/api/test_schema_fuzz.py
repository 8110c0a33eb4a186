"""Schemathesis over the whole OpenAPI schema, as a member, as staff, as a meter and as a partner.

Per operation and caller: generated cases aimed at the seeded world's objects (the caller's
household, invoice, notification, meter, solar array), the same with meaningful dates, one valid
body for each write, and free cases (any id). Every answer must be no server error, a status the
schema documents, and a body and content type that conform to it. The run is bounded (CASES_AIMED,
CASES_FREE) and derandomised, so CI is repeatable; its figures are printed even when it passes.
"""

import logging
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from pytest_django.fixtures import Settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from billing.services import credit_note_issue, invoice_issue_for_month
from households.models import PartnerKind, SolarArray
from households.services import NotificationMessage, household_notify, partner_token_create
from metering.choices import MeterKind
from tests.billing.factories import MONTH, household_on_green_plan, month_slots
from tests.households.factories import (
    HouseholdFactory,
    MembershipFactory,
    PartnerGrantFactory,
    UserFactory,
)
from tests.metering.factories import MeterFactory, feed, token_for
from tests.metering.p1 import at
from tests.pricing.factories import RateBandFactory, WeekdayMultiplierFactory

pytestmark = pytest.mark.django_db

CASES_AIMED = 12
CASES_FREE = 4
# Query values that mean something in the seeded world (the invoiced month), for a third pass
# where the rest of the request is generated: random strings are rarely a date.
MEANINGFUL_QUERY = {"from": "2026-06-01", "to": "2026-06-30", "date": "2026-06-15", "year": 2026}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]


@dataclass
class Caller:
    name: str
    headers: dict[str, str]
    cookies: dict[str, str]
    path_parameters: dict[str, Any]


@dataclass
class Tally:
    operations: int = 0
    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    by_operation: dict[str, Counter[int]] = field(default_factory=dict)
    failures: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)


@pytest.fixture
def wsgi_app(settings: Settings) -> Iterator[Any]:
    """The project's WSGI app, called in this thread inside the test's transaction: Django's
    per-request connection clean-up would close that transaction, so it is off meanwhile."""
    settings.JOI_OPEN = False  # production's answer: the JOI endpoints need a token
    settings.METERING_TOKEN_RATE = "1000000/min"  # noqa: S105 - a rate: the fuzzer is no rogue device
    # Each token caller is refused on the other's endpoints (a meter's key on the partner API, a
    # partner's on the meter API): expected refusals, which must not throttle the address.
    settings.METERING_REFUSED_TOKEN_RATE = "1000000/min"  # noqa: S105 - a rate, not a secret
    settings.PARTNER_API_RATE = "1000000/min"
    cache.clear()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _session(user: Any) -> tuple[dict[str, str], dict[str, str]]:
    """Headers and cookies of a logged-in browser, CSRF token included (POSTs need it)."""
    client = Client()
    client.force_login(user)
    csrf = get_random_string(32)
    header = django_settings.CSRF_HEADER_NAME.removeprefix("HTTP_").replace("_", "-")
    cookies = {
        django_settings.SESSION_COOKIE_NAME: client.cookies[
            django_settings.SESSION_COOKIE_NAME
        ].value,
        django_settings.CSRF_COOKIE_NAME: csrf,
    }
    return {header: csrf}, cookies


def seeded_callers() -> list[Caller]:
    """A member's household on a plan with bands and multipliers, a month invoiced and
    credited, a notification, a grid meter with today's readings; staff; the meter's token;
    a solar installer the household is shared with, its array there and its token."""
    household = household_on_green_plan()
    version = household.subscriptions.get().price_plan.versions.get()
    RateBandFactory.create(version=version)
    WeekdayMultiplierFactory.create(version=version)
    member = MembershipFactory.create(household=household).user
    HouseholdFactory.create(community=household.community)  # a neighbour the member cannot see
    month_slots(household)
    invoice = invoice_issue_for_month(household=household, month=MONTH)
    assert invoice is not None
    credit_note_issue(invoice=invoice)
    [notification] = household_notify(
        household=household,
        message=NotificationMessage(kind="autarky", title="Up", body="More sun", dedupe_key="k"),
    )
    meter = MeterFactory.create(household=household, kind=MeterKind.GRID)
    feed(meter, 1.5, timezone.now() - timedelta(hours=2), 60)
    _token, key = token_for(meter)
    staff = UserFactory.create(is_staff=True)
    grant = PartnerGrantFactory.create(household=household, partner__kind=PartnerKind.INSTALLER)
    array = SolarArray.objects.create(
        household=household, kwp=Decimal(4), inverter_kw=Decimal(4), installed_by=grant.partner
    )
    _partner_token, partner_key = partner_token_create(partner=grant.partner, name="fuzz")

    people = {
        "household_id": household.pk,
        "community_id": household.community_id,
        "id": invoice.pk,
        "notification_id": notification.pk,
        "plan_id": "green",
        "meter_id": meter.meter_id,
        "smart_meter_id": meter.meter_id,
        "asset_id": array.pk,
    }
    member_headers, member_cookies = _session(member)
    staff_headers, staff_cookies = _session(staff)
    return [
        Caller("member", member_headers, member_cookies, people),
        Caller("staff", staff_headers, staff_cookies, people),
        Caller("meter", {"Authorization": f"Token {key}"}, {}, people),
        Caller("partner", {"Authorization": f"Token {partner_key}"}, {}, people),
    ]


def valid_bodies(meter_id: str, household_id: int) -> dict[str, list[tuple[str, Any]]]:
    """A body each write endpoint accepts (generated bodies almost never get past validation)."""
    now = timezone.now().replace(microsecond=0)
    local = timezone.localtime(now - timedelta(minutes=30))
    stamp = local.strftime("%y%m%d%H%M%S") + ("S" if local.dst() else "W")
    return {
        "POST /api/v1/meters/{meter_id}/readings": [
            (
                "application/json",
                {
                    "readings": [
                        {"time": (now - timedelta(minutes=20)).isoformat(), "power_kw": 1.25},
                        {"time": int((now - timedelta(minutes=19)).timestamp()), "power_kw": -0.4},
                    ]
                },
            ),
            ("text/csv", f"time,power_kw\n{int((now - timedelta(minutes=18)).timestamp())},0.5\n"),
        ],
        "POST /api/v1/telegrams": [("text/plain", at(stamp).decode("ascii"))],
        "POST /api/v1/partners/solar-arrays/": [
            ("application/json", {"household": household_id, "kwp": 3.5, "inverter_kw": 3})
        ],
        "PATCH /api/v1/partners/solar-arrays/{asset_id}": [
            ("application/json", {"commissioned_on": "2026-11-30", "tilt_degrees": 25})
        ],
        "POST /readings/store": [
            (
                "application/json",
                {
                    "smartMeterId": meter_id,
                    "electricityReadings": [
                        {"time": int((now - timedelta(minutes=10)).timestamp()), "reading": 0.7}
                    ],
                },
            )
        ],
    }


def _run(operation: Any, caller: Caller, strategy: Any, cases: int, app: Any, tally: Tally) -> None:
    label = f"{operation.method.upper()} {operation.path}"

    @hypothesis_settings(
        max_examples=cases,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        case.headers = {**(case.headers or {}), **caller.headers}
        case.cookies = {**(case.cookies or {}), **caller.cookies}
        # Each case meets the world as seeded: a failed statement cannot poison the next case.
        savepoint = transaction.savepoint()
        try:
            response = case.call(app=app)
        finally:
            transaction.savepoint_rollback(savepoint)
        tally.cases += 1
        tally.statuses[response.status_code] += 1
        tally.by_operation.setdefault(label, Counter())[response.status_code] += 1
        failed: dict[str, FailureGroup] = {}
        for check in CHECKS:
            try:
                case.validate_response(response, checks=[check])
            except FailureGroup as failures:
                failed[check.__name__] = failures
        for name, group in failed.items():
            tally.failures[name] += 1
            if len(tally.examples) < 20:
                first = group.exceptions[0]
                tally.examples.append(
                    f"{name} [{caller.name}] {label} -> {response.status_code}\n"
                    f"  path={case.path_parameters} query={case.query} "
                    f"body={str(case.body)[:200]!r}\n  {first.title}: {str(first.message)[:400]}"
                )

    run()


def test_the_api_answers_as_its_schema_says(
    wsgi_app: Any, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.ERROR, logger="django.request")  # 4xx are the expected answers
    callers = seeded_callers()
    bodies = valid_bodies(
        callers[0].path_parameters["meter_id"], callers[0].path_parameters["household_id"]
    )
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    tally = Tally()
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # every operation of the schema loads
        operation = result.ok()
        tally.operations += 1
        names = re.findall(r"{(\w+)}", operation.path)
        query = {
            parameter.name: MEANINGFUL_QUERY[parameter.name]
            for parameter in operation.query
            if parameter.name in MEANINGFUL_QUERY
        }
        for caller in callers:
            aimed = {name: caller.path_parameters[name] for name in names}
            strategies = [operation.as_strategy(path_parameters=aimed)]
            if query:
                strategies.append(operation.as_strategy(path_parameters=aimed, query=query))
            for strategy in strategies:
                _run(operation, caller, strategy, CASES_AIMED, wsgi_app, tally)
            for media_type, body in bodies.get(f"{operation.method.upper()} {operation.path}", []):
                valid = operation.as_strategy(
                    path_parameters=aimed, media_type=media_type, body=body
                )
                _run(operation, caller, valid, 1, wsgi_app, tally)
            if names:
                _run(operation, caller, operation.as_strategy(), CASES_FREE, wsgi_app, tally)

    with capsys.disabled():  # shown on a pass too: the figures are this test's report
        _report(tally)
    assert not tally.failures, "\n".join(tally.examples)


def _report(tally: Tally) -> None:
    print(  # noqa: T201 - the figures are the point of this test's output
        f"\nschemathesis: {tally.operations} operations, {tally.cases} cases, "
        f"statuses {dict(sorted(tally.statuses.items()))}\n"
        + "".join(
            f"  {check.__name__}: {tally.failures[check.__name__]} failures\n" for check in CHECKS
        )
        + "".join(
            f"  {label}: {dict(sorted(statuses.items()))}\n"
            for label, statuses in sorted(tally.by_operation.items())
        )
    )
