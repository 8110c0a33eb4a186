"""The portal's pages: thin views over the selectors and services of the apps below.

A household's pages answer 404 for a household the user may not see (as if it did not exist);
the operator's pages are for staff.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.timezone import localtime
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from billing.documents import invoice_document_get_or_render
from billing.estimate import household_month_estimate
from billing.models import Invoice
from billing.selectors import (
    invoice_get_of_household,
    invoice_list_of_household,
    invoice_plan_versions,
    invoice_savings,
)
from core.api.query import parse_date
from core.exceptions import InvalidParameterError, NotFoundError
from core.timeslots import local_date
from grid.selectors.alerts import alert_list
from grid.selectors.overview import grid_overview
from households.models import Household
from households.selectors import (
    household_get_visible,
    household_list_visible_to,
    notification_list,
)
from households.services import notification_mark_read, notifications_mark_all_read
from metering.selectors.power import household_power_now
from portal.dashboard import CONSUMPTION, SOLAR, household_dashboard

View = Callable[..., HttpResponse]
NOTIFICATIONS_SHOWN = 100
# Two years of monthly invoices a page: the last twelve months even with a credit note each.
INVOICES_PER_PAGE = 24


class MemberRequest(HttpRequest):
    """A request behind ``login_required``, with django-htmx's details."""

    user: User
    htmx: HtmxDetails


def staff_required(view: View) -> View:
    """Anonymous → the login page; a logged-in user who is not staff → 403."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _household(request: HttpRequest, household_id: int) -> Household:
    try:
        return household_get_visible(user=request.user, household_id=household_id)
    except NotFoundError:
        raise Http404("No such household.") from None


def _invoice(request: HttpRequest, household: Household, invoice_id: int) -> Invoice:
    try:
        return invoice_get_of_household(
            user=request.user, household=household, invoice_id=invoice_id
        )
    except NotFoundError:
        raise Http404("No such invoice.") from None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A member of one household goes straight to it; others pick one."""
    households = list(household_list_visible_to(user=request.user))
    if len(households) == 1 and not request.user.is_staff:
        return redirect("portal:dashboard", household_id=households[0].pk)
    return render(request, "portal/household_list.html", {"households": households})


@login_required
def dashboard(request: HttpRequest, household_id: int) -> HttpResponse:
    household = _household(request, household_id)
    now = timezone.now()
    day, error = local_date(now), ""
    if raw := request.GET.get("date"):
        try:
            day = parse_date(raw, "date")
        except InvalidParameterError as exc:
            error = f"{exc.message} Showing today."
    composed = household_dashboard(household=household, day=day, now=now)
    return render(
        request,
        "portal/dashboard.html",
        {
            "dashboard": composed,
            "day_chart": composed.chart.spec(),
            "household": household,
            "live": household_power_now(household=household, now=now),
            "estimate": household_month_estimate(household=household, now=now),
            "refresh_seconds": settings.PORTAL_LIVE_REFRESH_SECONDS,
            "error": error,
        },
    )


@login_required
def live(request: HttpRequest, household_id: int) -> HttpResponse:
    """The live figures alone: what the dashboard polls (htmx) to refresh them."""
    household = _household(request, household_id)
    return render(
        request,
        "portal/_live.html",
        {
            "household": household,
            "live": household_power_now(household=household, now=timezone.now()),
            "refresh_seconds": settings.PORTAL_LIVE_REFRESH_SECONDS,
        },
    )


@login_required
def invoices(request: HttpRequest, household_id: int) -> HttpResponse:
    household = _household(request, household_id)
    listed = invoice_list_of_household(user=request.user, household=household)
    page = Paginator(listed, INVOICES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/invoice_list.html", {"household": household, "page": page})


@login_required
def invoice(request: HttpRequest, household_id: int, invoice_id: int) -> HttpResponse:
    household = _household(request, household_id)
    shown = _invoice(request, household, invoice_id)
    return render(
        request,
        "portal/invoice_detail.html",
        {
            "household": household,
            "invoice": shown,
            "plan_versions": invoice_plan_versions(invoice=shown),
            "savings": invoice_savings(invoice=shown),
        },
    )


@login_required
def invoice_pdf(request: HttpRequest, household_id: int, invoice_id: int) -> FileResponse:
    """The PDF as a download, rendered on its first request, with its SHA-256 in a header."""
    household = _household(request, household_id)
    shown = _invoice(request, household, invoice_id)
    document = invoice_document_get_or_render(invoice=shown)
    response = FileResponse(
        document.pdf.open("rb"),
        as_attachment=True,
        content_type="application/pdf",
        filename=f"{shown.number}.pdf",
    )
    response["X-Content-SHA256"] = document.sha256
    return response


@login_required
def estimate(request: HttpRequest, household_id: int) -> HttpResponse:
    """This month so far and where it is heading, with how far through the month we are."""
    household = _household(request, household_id)
    now = timezone.now()
    return render(
        request,
        "portal/estimate.html",
        {
            "household": household,
            "estimate": household_month_estimate(household=household, now=now),
            "now": now,
        },
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    shown = notification_list(user=request.user)[:NOTIFICATIONS_SHOWN]
    return render(request, "portal/notification_list.html", {"notifications": shown})


@require_POST
@login_required
def notification_read(request: MemberRequest, notification_id: int) -> HttpResponse:
    notification = notification_list(user=request.user).filter(pk=notification_id).first()
    if notification is None:
        raise Http404("No such notification.")
    notification = notification_mark_read(notification=notification)
    if request.htmx:
        return render(request, "portal/_notification.html", {"notification": notification})
    return redirect("portal:notifications")


@require_POST
@login_required
def notifications_read_all(request: MemberRequest) -> HttpResponse:
    notifications_mark_all_read(user_id=request.user.pk)
    return redirect("portal:notifications")


@staff_required
def operator_grid(request: HttpRequest) -> HttpResponse:
    """The grid operator's page: consumption and production now and over the last day, per
    community, and the alerts."""
    now = timezone.now()
    grid = grid_overview(now=now)
    chart = {
        "type": "line",
        "unit": "kWh per hour",
        "labels": [localtime(hour).strftime("%H:%M") for hour in grid.hours],
        "series": [
            {
                "label": "Consumption",
                "data": [float(kwh) for kwh in grid.total.hourly_consumption_kwh],
                "color": CONSUMPTION,
            },
            {
                "label": "Production",
                "data": [float(kwh) for kwh in grid.total.hourly_production_kwh],
                "color": SOLAR,
            },
        ],
    }
    return render(
        request,
        "operator/grid.html",
        {"grid": grid, "chart": chart, "alerts": alert_list(now=now), "now": now},
    )
