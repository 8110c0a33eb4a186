from typing import override

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from core.timeslots import local_date
from households.admin import household_inline_contribute
from households.models import Household
from pricing.models import (
    PlanVersion,
    PricePlan,
    RateBand,
    Subscription,
    Supplier,
    WeekdayMultiplier,
)


class SubscriptionInline(admin.TabularInline[Subscription, Household]):
    model = Subscription
    fields = ["price_plan", "valid_from"]
    extra = 0


household_inline_contribute(SubscriptionInline)


class PricePlanInline(admin.TabularInline[PricePlan, Supplier]):
    model = PricePlan
    fields = ["plan_id", "description"]
    extra = 0
    show_change_link = True


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin[Supplier]):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    inlines = [PricePlanInline]


class PlanVersionInline(admin.TabularInline[PlanVersion, PricePlan]):
    """The versions, read here; a version is added or edited on its own page."""

    model = PlanVersion
    fields = ["valid_from", "energy_rate", "standing_charge_per_day", "feed_in_rate", "vat_rate"]
    readonly_fields = [
        "valid_from",
        "energy_rate",
        "standing_charge_per_day",
        "feed_in_rate",
        "vat_rate",
    ]
    extra = 0
    can_delete = False
    show_change_link = True

    @override
    def has_add_permission(self, request: HttpRequest, obj: PricePlan | None = None) -> bool:
        return False


@admin.register(PricePlan)
class PricePlanAdmin(admin.ModelAdmin[PricePlan]):
    list_display = ["plan_id", "supplier", "description"]
    list_filter = ["supplier"]
    search_fields = ["plan_id", "supplier__name", "description"]
    list_select_related = ["supplier"]
    inlines = [PlanVersionInline]


class RateBandInline(admin.TabularInline[RateBand, PlanVersion]):
    model = RateBand
    extra = 0


class WeekdayMultiplierInline(admin.TabularInline[WeekdayMultiplier, PlanVersion]):
    model = WeekdayMultiplier
    extra = 0
    max_num = 7


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin[PlanVersion]):
    """A version that has started is history: prices change by adding a new version."""

    list_display = [
        "plan",
        "valid_from",
        "energy_rate",
        "standing_charge_per_day",
        "feed_in_rate",
        "capacity_rate_per_kw",
        "vat_rate",
    ]
    list_filter = ["plan"]
    search_fields = ["plan__plan_id"]
    list_select_related = ["plan"]
    inlines = [RateBandInline, WeekdayMultiplierInline]

    @override
    def has_change_permission(self, request: HttpRequest, obj: PlanVersion | None = None) -> bool:
        if obj is not None and obj.valid_from <= local_date(timezone.now()):
            return False
        return super().has_change_permission(request, obj)

    @override
    def has_delete_permission(self, request: HttpRequest, obj: PlanVersion | None = None) -> bool:
        return self.has_change_permission(request, obj)


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin[Subscription]):
    list_display = ["household", "price_plan", "valid_from"]
    list_filter = ["price_plan", "household__community"]
    search_fields = ["household__name", "price_plan__plan_id"]
    list_select_related = ["household", "price_plan"]
    autocomplete_fields = ["household"]
    date_hierarchy = "valid_from"
