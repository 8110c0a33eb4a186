"""The portal in a real browser: Playwright driving Debian's Chromium (never a downloaded one)
against pytest-django's live server, with a household fed real readings through the rollup.

Screenshots of every page land in test-artifacts/.
"""

import os
import re
from collections.abc import Callable, Iterator
from datetime import time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connections
from django.utils import timezone
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, expect, sync_playwright
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from billing.services import invoice_issue_for_month
from core.timeslots import local_date, local_day_start, month_start, next_month
from households.models import Household, Notification
from metering.choices import MeterKind
from metering.services.rollup import slots_rollup
from tests.billing.factories import month_slots
from tests.grid.factories import FeederConnectionFactory, FeederFactory, InterconnectionLimitFactory
from tests.households.factories import (
    CommunityFactory,
    ElectricVehicleFactory,
    HouseholdFactory,
    MembershipFactory,
    SolarArrayFactory,
    UserFactory,
)
from tests.metering.factories import MeterFactory, feed
from tests.pricing.factories import SubscriptionFactory
from tests.services import unavailable

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Debian's Chromium (Playwright never downloads one); SMARTRIX_CHROMIUM names another.
CHROMIUM = Path(os.environ.get("SMARTRIX_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "powerdale"  # noqa: S105 - the demo's password


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        unavailable(f"Chromium is missing at {CHROMIUM}: apt-get install chromium (.ci/run does)")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous ones.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        # The ORM calls made while Playwright's loop runs got connections of their own.
        connections.close_all()
        browser.close()


def watch(page: Page, violations: list[str], unprotected: list[str]) -> Page:
    """Notes the page's Content Security Policy violations (its console reports them) and the
    documents it loaded without a policy."""

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    def on_response(response: Response) -> None:
        if response.request.resource_type == "document" and not response.headers.get(
            "content-security-policy"
        ):
            unprotected.append(response.url)

    page.on("console", on_console)
    page.on("response", on_response)
    return page


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Opens pages under watch: every document carries the policy and none violates it (an
    inline script or style, an eval, a foreign host would)."""
    violations: list[str] = []
    unprotected: list[str] = []
    yield lambda **options: watch(browser.new_page(**options), violations, unprotected)
    assert violations == []
    assert unprotected == []


def test_the_watch_sees_a_violation(browser: Browser, live_server: LiveServer) -> None:
    violations: list[str] = []
    unprotected: list[str] = []
    page = watch(browser.new_page(), violations, unprotected)
    page.route(
        "**/csp-probe",
        lambda route: route.fulfill(
            status=200,
            headers={"Content-Security-Policy": "script-src 'self'"},
            content_type="text/html",
            body="<script>document.title = 'ran'</script>",
        ),
    )
    page.goto(f"{live_server.url}/csp-probe")
    expect(page).not_to_have_title("ran")
    assert violations
    assert unprotected == []


@pytest.fixture
def home() -> Household:
    """Pierre & Marie's home: grid and solar meters read every minute since yesterday's local
    midnight, through ingestion and the rollup; an unread notification."""
    now = timezone.now().replace(second=0, microsecond=0)
    household = HouseholdFactory.create(
        name="Pierre & Marie's home", community=CommunityFactory.create(name="Hilltop")
    )
    SubscriptionFactory.create(household=household)
    grid = MeterFactory.create(household=household, kind=MeterKind.GRID)
    solar = MeterFactory.create(household=household, kind=MeterKind.PRODUCTION)
    start = local_day_start(local_date(now) - timedelta(days=1))
    minutes = int((now - start) / timedelta(minutes=1))
    feed(grid, 0.8, start, minutes)
    feed(solar, 1.5, start, minutes)
    slots_rollup(now=now)
    for username in ("pierre", "marie"):
        user = UserFactory.create(username=username, password=PASSWORD)
        MembershipFactory.create(household=household, user=user)
    Notification.objects.create(
        user=User.objects.get(username="pierre"),
        household=household,
        kind="autarky",
        title="Your home is autarkic",
        body="Over the last 7 days your home made 96 % of what it used.",
        dedupe_key="autarky-household-1",
    )
    return household


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_household_uses_the_portal(
    new_page: Callable[..., Page], live_server: LiveServer, home: Household, settings: Settings
) -> None:
    settings.PORTAL_LIVE_REFRESH_SECONDS = 1
    other = HouseholdFactory.create(name="The neighbours")
    page = new_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_server.url, "pierre")

    # Today's graph, with data, drawn by the vendored Chart.js.
    expect(page).to_have_url(f"{live_server.url}/households/{home.pk}/")
    expect(page.get_by_role("heading", name="Pierre & Marie's home")).to_be_visible()
    expect(page.locator("#day-chart")).to_have_attribute("data-drawn", "true")
    expect(page.locator('[data-total="solar"]')).not_to_have_text("0.00 kWh")
    expect(page.locator('[data-figure="grid"]')).to_have_text("0.80 kW")
    shot(page, "portal-dashboard-today")

    # The live figures follow a new reading without a reload.
    grid = home.meters.get(kind=MeterKind.GRID)
    feed(grid, -1.75, timezone.now(), 0)
    expect(page.locator('[data-figure="grid"]')).to_have_text("1.75 kW", timeout=10_000)
    expect(page.get_by_text("Fed to the grid")).to_be_visible()

    # The previous day.
    yesterday = local_date(timezone.now()) - timedelta(days=1)
    page.get_by_role("link", name="← Previous day").click()
    expect(page).to_have_url(f"{live_server.url}/households/{home.pk}/?date={yesterday}")
    expect(page.locator("#day-chart")).to_have_attribute("data-drawn", "true")
    expect(page.get_by_role("heading", name=f"{yesterday:%A} {yesterday.day}")).to_be_visible()
    shot(page, "portal-dashboard-previous-day")

    # A notification: read it, and the unread count drops.
    badge = page.locator("#unread-count")
    expect(badge).to_have_text("1")
    page.get_by_role("link", name="Notifications").click()
    expect(page.get_by_text("Your home is autarkic", exact=True)).to_be_visible()
    page.get_by_role("button", name="Mark as read").click()
    expect(badge).to_have_text("0")
    expect(page.locator("#notifications").get_by_text(re.compile(r"^Read \d"))).to_be_visible()
    shot(page, "portal-notifications")

    # Another household's page is 404.
    response = page.goto(f"{live_server.url}/households/{other.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    shot(page, "portal-404")

    # A phone sees the same page, readable.
    phone = new_page(viewport={"width": 390, "height": 844})
    log_in(phone, live_server.url, "marie")
    expect(phone.locator("#day-chart")).to_have_attribute("data-drawn", "true")
    shot(phone, "portal-dashboard-phone")


def test_a_household_reads_its_invoices_and_the_months_estimate(
    new_page: Callable[..., Page], live_server: LiveServer, home: Household
) -> None:
    # The month before last, billed from a full month of slots (clear of the readings since
    # yesterday); the neighbours have their own invoice for it.
    billed = month_start(month_start(local_date(timezone.now())) - timedelta(days=40))
    days = (next_month(billed) - billed).days
    month_slots(home, kwh="0.2", export="0.05", first=billed, days=days)
    invoice = invoice_issue_for_month(household=home, month=billed)
    other = HouseholdFactory.create(name="The neighbours")
    SubscriptionFactory.create(household=other)
    theirs = invoice_issue_for_month(household=other, month=billed)
    assert invoice is not None
    assert theirs is not None
    page = new_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_server.url, "pierre")

    # The dashboard says how the month is going and leads to the invoices.
    expect(page.locator("#month-teaser")).to_contain_text("This month so far")
    page.get_by_role("link", name="Invoices").click()
    expect(page.get_by_role("heading", name="Invoices")).to_be_visible()
    row = page.locator(f'[data-invoice="{invoice.pk}"]')
    expect(row).to_contain_text(f"{billed:%B %Y}")
    expect(row.locator("[data-total]")).to_have_text(f"€ {invoice.total:.2f}")
    shot(page, "portal-invoices")

    # One invoice, and its PDF as a download.
    row.get_by_role("link", name=str(invoice.number), exact=True).click()
    expect(page.get_by_role("heading", name=f"Invoice {invoice.number}")).to_be_visible()
    expect(page.locator('[data-figure="total"]')).to_have_text(f"€ {invoice.total:.2f}")
    expect(page.locator('[data-figure="saved"]')).to_be_visible()
    shot(page, "portal-invoice")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"{invoice.number}.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    # This month's estimate, with how far through the month we are.
    page.get_by_role("link", name="This month").click()
    expect(page.get_by_role("heading", name=re.compile(r"so far$"))).to_be_visible()
    expect(page.get_by_role("progressbar")).to_be_visible()
    expect(page.locator('[data-figure="projected"]')).to_have_text(re.compile(r"^€ \d+\.\d\d$"))
    shot(page, "portal-estimate")

    # The neighbours' invoice, even under our own household's URL, does not exist for us.
    for url in (
        f"/households/{home.pk}/invoices/{theirs.pk}/",
        f"/households/{other.pk}/invoices/{theirs.pk}/",
    ):
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None
        assert response.status == 404
        expect(page.get_by_role("heading", name="Not found")).to_be_visible()


def test_staff_reach_the_usage_overview_and_the_grid(
    new_page: Callable[..., Page], live_server: LiveServer, home: Household
) -> None:
    UserFactory.create(username="charles", password=PASSWORD, is_staff=True, is_superuser=True)
    page = new_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_server.url, "charles")
    expect(page.get_by_role("heading", name="Households")).to_be_visible()
    shot(page, "portal-staff-households")

    page.get_by_role("link", name="Usage overview").click()
    expect(page.get_by_role("heading", name="Average day per community")).to_be_visible()
    expect(page.locator("canvas[data-chart]").first).to_have_attribute("data-drawn", "true")
    shot(page, "admin-usage-overview")

    page.get_by_role("link", name="Grid", exact=True).click()
    expect(page.get_by_role("heading", name="The grid")).to_be_visible()
    expect(page.locator("#grid-chart")).to_have_attribute("data-drawn", "true")
    expect(page.locator("#grid-communities")).to_contain_text("Hilltop")
    expect(page.locator('[data-grid="meters"]')).to_have_text("2")
    shot(page, "operator-grid")


def test_a_member_sets_the_cars_departure_and_the_operator_sees_the_network(
    new_page: Callable[..., Page], live_server: LiveServer
) -> None:
    household = HouseholdFactory.create(name="Pierre & Marie's home")
    MembershipFactory.create(
        household=household, user=UserFactory.create(username="pierre", password=PASSWORD)
    )
    SolarArrayFactory.create(household=household, kwp=Decimal("4.20"))
    car = ElectricVehicleFactory.create(
        household=household, name="Zoe", battery_kwh=Decimal(52), usual_departure=time(7, 30)
    )
    substation = FeederFactory.create(name="Riverside substation", limit_kw=Decimal(900))
    feeder = FeederFactory.create(name="Mill Lane", limit_kw=Decimal(180), parent=substation)
    FeederConnectionFactory.create(feeder=feeder, household=household)
    InterconnectionLimitFactory.create(
        interconnection__name="PowerDale–national",
        interconnection__feeder=substation,
        valid_from=timezone.now() - timedelta(days=1),
    )
    UserFactory.create(username="nikola", password=PASSWORD, is_staff=True)

    page = new_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_server.url, "pierre")
    page.get_by_role("link", name="My installation").click()
    expect(page.get_by_role("heading", name="Zoe")).to_be_visible()
    car_card = page.locator(f"#vehicle-{car.pk}")
    expect(car_card.locator('[data-figure="departure"]')).to_have_text("07:30")
    car_card.get_by_label("Usual departure").fill("06:45")
    car_card.get_by_label("Energy usually needed by then (kWh)").fill("21")
    car_card.get_by_role("button", name="Save the car's plan").click()
    expect(page.get_by_role("status")).to_contain_text("Saved the car's usual departure")
    expect(car_card.locator('[data-figure="departure"]')).to_have_text("06:45")
    expect(car_card.locator('[data-figure="need"]')).to_have_text("21.00 kWh")
    shot(page, "portal-installation")
    car.refresh_from_db()
    assert car.usual_departure == time(6, 45)

    # A need above the car's battery: the error on its field, nothing saved.
    car_card.get_by_label("Energy usually needed by then (kWh)").fill("60")
    car_card.get_by_role("button", name="Save the car's plan").click()
    expect(page.get_by_text("The energy need exceeds the car's battery.")).to_be_visible()
    car.refresh_from_db()
    assert car.usual_energy_need_kwh == Decimal(21)

    operator = new_page(viewport={"width": 1280, "height": 900})
    log_in(operator, live_server.url, "nikola")
    operator.get_by_role("link", name="Grid", exact=True).click()
    operator.get_by_role("link", name="The network").click()
    expect(operator.get_by_role("heading", name="The network")).to_be_visible()
    row = operator.locator('tr[data-node="Mill Lane"]')
    expect(row.locator('[data-figure="limit"]')).to_have_text("180")
    expect(row.locator('[data-figure="kwp"]')).to_have_text("4.2")
    expect(operator.locator('[data-figure="import-kw"]')).to_have_text("2000 kW")
    shot(operator, "operator-network")
