from django.urls import path
from rest_framework.routers import SimpleRouter

from pricing.api.views import (
    HouseholdDailyTotalsApi,
    HouseholdPlansCompareApi,
    PricePlanViewSet,
)

app_name = "pricing-api"

router = SimpleRouter(trailing_slash=True)
router.register("price-plans", PricePlanViewSet, basename="price-plan")
urlpatterns = [
    *router.urls,
    path(
        "households/<int:household_id>/daily-totals",
        HouseholdDailyTotalsApi.as_view(),
        name="daily-totals",
    ),
    path(
        "households/<int:household_id>/price-plans/compare",
        HouseholdPlansCompareApi.as_view(),
        name="household-plans-compare",
    ),
]
