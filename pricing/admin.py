from django.contrib import admin

from households.admin import HouseholdAdmin
from households.models import Household
from pricing.models import PeakTimeMultiplier, PricePlan, Subscription, Supplier


class SubscriptionInline(admin.TabularInline[Subscription, Household]):
    model = Subscription
    fields = ["price_plan", "valid_from"]
    extra = 0


# Households sit below pricing, so pricing contributes the plan inline to the household page.
HouseholdAdmin.inlines = [*HouseholdAdmin.inlines, SubscriptionInline]


class PricePlanInline(admin.TabularInline[PricePlan, Supplier]):
    model = PricePlan
    fields = ["plan_id", "unit_rate", "description"]
    extra = 0
    show_change_link = True


class PeakTimeMultiplierInline(admin.TabularInline[PeakTimeMultiplier, PricePlan]):
    model = PeakTimeMultiplier
    extra = 0
    max_num = 7


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin[Supplier]):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    inlines = [PricePlanInline]


@admin.register(PricePlan)
class PricePlanAdmin(admin.ModelAdmin[PricePlan]):
    list_display = ["plan_id", "supplier", "unit_rate", "description"]
    list_filter = ["supplier"]
    search_fields = ["plan_id", "supplier__name", "description"]
    list_select_related = ["supplier"]
    inlines = [PeakTimeMultiplierInline]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin[Subscription]):
    list_display = ["household", "price_plan", "valid_from"]
    list_filter = ["price_plan", "household__community"]
    search_fields = ["household__name", "price_plan__plan_id"]
    list_select_related = ["household", "price_plan"]
    autocomplete_fields = ["household"]
    date_hierarchy = "valid_from"
