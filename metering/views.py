"""Pages of the metering app alone: the energy company's usage overview."""

from datetime import timedelta

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.api.periods import Period, period_from_query
from core.api.query import parse_id
from core.exceptions import InvalidParameterError
from core.timeslots import local_date, local_day_start
from households.models import Community
from metering.selectors.usage import usage_overview

DEFAULT_DAYS = 30


def _default_period() -> Period:
    """The last DEFAULT_DAYS whole local days."""
    today = local_date(timezone.now())
    return Period(local_day_start(today - timedelta(days=DEFAULT_DAYS)), local_day_start(today))


@staff_member_required
def usage_overview_page(request: HttpRequest) -> HttpResponse:
    """Consumption and production per community and household, peaks, profiles, ranking."""
    params = request.GET.dict()
    errors: list[str] = []
    period = _default_period()
    community = None
    try:
        if params.get("from"):
            period = period_from_query(params, max_days=366)
    except InvalidParameterError as exc:
        errors.append(exc.message)
    try:
        if raw_community := params.get("community"):
            community = Community.objects.filter(pk=parse_id(raw_community, "community")).first()
    except InvalidParameterError as exc:
        errors.append(exc.message)
    overview = usage_overview(period=period, community=community)
    # One chart per community: its average day, kWh per local hour (static/js/charts.js).
    charts = [
        {
            "id": f"profile-{usage.id}",
            "name": usage.name,
            "spec": {
                "type": "bar",
                "unit": "kWh per hour, average day",
                "labels": [f"{hour:02d}:00" for hour in range(24)],
                "series": [
                    {
                        "label": "Consumption",
                        "data": [float(kwh) for kwh in usage.profile_kwh],
                        "color": "#0b4f8a",
                    }
                ],
            },
        }
        for usage in overview.communities
    ]
    return render(
        request,
        "metering/usage_overview.html",
        {
            "title": "Usage overview",
            "overview": overview,
            "charts": charts,
            "communities": Community.objects.all(),
            "community": community,
            "error": " ".join(errors),
            "first_day": local_date(period.start),
            "last_day": local_date(period.end - timedelta(microseconds=1)),
        },
    )
