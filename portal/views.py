"""The portal's pages: thin views over the selectors and services of the apps below.

A household's pages answer 404 for a household the user may not see (as if it did not exist);
the operator's pages are for staff.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
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
from grid.models import ChargeSessionSource
from grid.selectors.alerts import alert_list
from grid.selectors.charging import (
    charge_session_open,
    plan_feeder_hours,
    plan_latest,
    vehicles_charging,
)
from grid.selectors.network import network_tree
from grid.selectors.overview import grid_overview
from grid.services.sessions import (
    charge_session_plug_in,
    charge_session_unplug,
    charge_session_update,
)
from households.exceptions import AssetNotFoundError
from households.models import Household
from households.selectors import (
    household_get_of_member,
    household_get_visible,
    household_installation,
    household_is_member,
    household_list_visible_to,
    notification_list,
)
from households.services import (
    battery_preferences_set,
    flexible_load_consent_set,
    notification_mark_read,
    notifications_mark_all_read,
    vehicle_plan_set,
)
from metering.selectors.power import household_power_now
from portal.dashboard import CONSUMPTION, SOLAR, household_dashboard
from portal.forms import (
    BatteryPreferencesForm,
    ChargeSessionForm,
    FlexibleLoadConsentForm,
    VehiclePlanForm,
    form_add_model_errors,
)
from portal.templatetags.portal import percent

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


# Per kind of asset (in the URL): its form, the household's related rows, and what the
# "saved" message says.
INSTALLATION_FORMS: dict[str, type[forms.Form]] = {
    "vehicle": VehiclePlanForm,
    "battery": BatteryPreferencesForm,
    "load": FlexibleLoadConsentForm,
}
INSTALLATION_ASSETS = {
    "vehicle": ("vehicles", "the car's usual departure and energy need"),
    "battery": ("batteries", "the battery's reserve and VPP participation"),
    "load": ("flexible_loads", "the consent to curtailment"),
}


@dataclass(frozen=True, slots=True)
class _Bound:
    """The form a member just posted with errors: shown again in its asset's place."""

    kind: str
    asset_id: int
    form: forms.Form


def _installation_page(
    request: HttpRequest, household: Household, bound: _Bound | None = None, status: int = 200
) -> HttpResponse:
    installation = household_installation(household=household)

    def form_for(kind: str, asset_id: int, initial: dict[str, object]) -> forms.Form:
        if bound is not None and (bound.kind, bound.asset_id) == (kind, asset_id):
            return bound.form
        return INSTALLATION_FORMS[kind](initial=initial, prefix=f"{kind}-{asset_id}")

    charging = vehicles_charging(vehicles=list(installation.vehicles))
    vehicles = [
        (
            vehicle,
            charging.get(vehicle.pk),
            form_for(
                "vehicle",
                vehicle.pk,
                {
                    "usual_departure": vehicle.usual_departure,
                    "usual_energy_need_kwh": vehicle.usual_energy_need_kwh,
                },
            ),
        )
        for vehicle in installation.vehicles
    ]
    batteries = [
        (
            battery,
            form_for(
                "battery",
                battery.pk,
                {
                    "reserve_percent": percent(battery.reserve_share),
                    "vpp_opt_in": battery.vpp_opt_in,
                },
            ),
        )
        for battery in installation.batteries
    ]
    loads = [
        (load, form_for("load", load.pk, {"curtailment_consent": load.curtailment_consent}))
        for load in installation.flexible_loads
    ]
    return render(
        request,
        "portal/installation.html",
        {
            "household": household,
            "installation": installation,
            "vehicles": vehicles,
            "batteries": batteries,
            "loads": loads,
            "bound": bound,
            "can_edit": household_is_member(user=request.user, household=household),
        },
        status=status,
    )


@login_required
def installation(request: HttpRequest, household_id: int) -> HttpResponse:
    """The household's panels, batteries, cars and flexible loads; its members set the car's
    plan, the battery's reserve and VPP participation, and each load's consent."""
    return _installation_page(request, _household(request, household_id))


@require_POST
@login_required
def installation_set(
    request: HttpRequest, household_id: int, kind: str, asset_id: int
) -> HttpResponse:
    """One asset's settings, by a member of its household only (others: 404, as for a
    household that does not exist). Invalid input: the page again, the error on its field,
    nothing written (400)."""
    try:
        household = household_get_of_member(user=request.user, household_id=household_id)
    except NotFoundError:
        raise Http404("No such household.") from None
    related, what = INSTALLATION_ASSETS[kind]
    if not getattr(household, related).filter(pk=asset_id).exists():
        raise Http404("No such asset.")
    form = INSTALLATION_FORMS[kind](request.POST, prefix=f"{kind}-{asset_id}")
    if form.is_valid():
        try:
            _installation_save(household, asset_id, form)
        except AssetNotFoundError:  # deleted meanwhile
            raise Http404("No such asset.") from None
        except ValidationError as error:
            form_add_model_errors(form, error)
        else:
            messages.success(request, f"Saved {what}.")
            url = reverse("portal:installation", args=[household.pk])
            return redirect(f"{url}#{kind}-{asset_id}")
    return _installation_page(request, household, _Bound(kind, asset_id, form), status=400)


def _installation_save(household: Household, asset_id: int, form: forms.Form) -> None:
    data = form.cleaned_data
    if isinstance(form, VehiclePlanForm):
        vehicle_plan_set(
            household=household,
            vehicle_id=asset_id,
            usual_departure=data["usual_departure"],
            usual_energy_need_kwh=data["usual_energy_need_kwh"],
        )
    elif isinstance(form, BatteryPreferencesForm):
        battery_preferences_set(
            household=household,
            battery_id=asset_id,
            reserve_share=form.reserve_share,
            vpp_opt_in=data["vpp_opt_in"],
        )
    else:
        flexible_load_consent_set(
            household=household,
            load_id=asset_id,
            curtailment_consent=data["curtailment_consent"],
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


@staff_required
def operator_network(request: HttpRequest) -> HttpResponse:
    """The network as a tree: the interconnection and its limits now, the substations and
    feeders under it with their limits and their households' kWp, battery kWh and charger kW,
    and the households on no feeder."""
    now = timezone.now()
    return render(request, "operator/network.html", {"tree": network_tree(now=now), "now": now})


@staff_required
def operator_charging(request: HttpRequest) -> HttpResponse:
    """The charging plan in force: its totals and each feeder's planned load against its limit,
    hour by hour."""
    plan = plan_latest()
    feeders = plan_feeder_hours(plan=plan) if plan else []
    return render(request, "operator/charging.html", {"plan": plan, "feeders": feeders})


@require_POST
@login_required
def vehicle_session(request: HttpRequest, household_id: int, vehicle_id: int) -> HttpResponse:
    """A member plugs the car in (departure, energy needed), changes that, or unplugs it; each
    asks the grid for a new plan. Others: 404. Invalid input: the page, 400, nothing written."""
    try:
        household = household_get_of_member(user=request.user, household_id=household_id)
    except NotFoundError:
        raise Http404("No such household.") from None
    vehicle = household.vehicles.filter(pk=vehicle_id).first()
    if vehicle is None:
        raise Http404("No such car.")
    action = request.POST.get("action", "")
    session = charge_session_open(vehicle=vehicle)
    url = reverse("portal:installation", args=[household.pk]) + f"#vehicle-{vehicle.pk}"
    if action == "unplug" and session is not None:
        charge_session_unplug(session=session)
        messages.success(request, "Unplugged.")
        return redirect(url)
    form = ChargeSessionForm(request.POST, prefix=f"session-{vehicle.pk}")
    if action not in ("plug-in", "change") or not form.is_valid():
        for field, errors in form.errors.items():
            label = form[field].label if field in form.fields else "the request"
            messages.error(request, f"Not saved: {label}: {' '.join(str(e) for e in errors)}")
        if action not in ("plug-in", "change"):
            messages.error(request, "Not saved: unknown action.")
        return _installation_page(request, household, status=400)
    try:
        if action == "plug-in" or session is None:
            charge_session_plug_in(
                vehicle=vehicle,
                departure_at=form.cleaned_data["departure_at"],
                energy_needed_kwh=form.cleaned_data["energy_needed_kwh"],
                source=ChargeSessionSource.PORTAL,
            )
        else:
            charge_session_update(
                session=session,
                departure_at=form.cleaned_data["departure_at"],
                energy_needed_kwh=form.cleaned_data["energy_needed_kwh"],
            )
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            label = form[field].label if field in form.fields else "the car"
            messages.error(request, f"Not saved: {label}: {' '.join(problems)}")
        return _installation_page(request, household, status=400)
    messages.success(request, "Saved: the grid plans the car's charging.")
    return redirect(url)
