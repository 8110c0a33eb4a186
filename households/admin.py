from typing import Any, override

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.http import HttpRequest

from households.models import (
    Community,
    ElectricVehicle,
    FlexibleLoad,
    HomeBattery,
    Household,
    Membership,
    Partner,
    PartnerGrant,
    PartnerToken,
    SolarArray,
)

# Higher apps (metering, pricing) show their rows on the household page without households
# importing them: each hands its inline to `household_inline_contribute` from its admin module.
_contributed_inlines: list[type[InlineModelAdmin[Any, Household]]] = []


def household_inline_contribute(inline: type[InlineModelAdmin[Any, Household]]) -> None:
    _contributed_inlines.append(inline)


class HouseholdInline(admin.TabularInline[Household, Community]):
    model = Household
    fields = ["name", "address"]
    extra = 0
    show_change_link = True


class MembershipInline(admin.TabularInline[Membership, Household]):
    model = Membership
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin[Community]):
    list_display = ["name", "household_count", "created_at"]
    search_fields = ["name", "description"]
    list_filter = ["created_at"]
    inlines = [HouseholdInline]

    @admin.display(description="households")
    def household_count(self, community: Community) -> int:
        return community.households.count()


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin[Household]):
    list_display = ["name", "address", "community", "connection_kw", "created_at"]
    list_filter = ["community"]
    search_fields = ["name", "address", "memberships__user__username"]
    list_select_related = ["community"]
    inlines = [MembershipInline]

    @override
    def get_inlines(
        self, request: HttpRequest, obj: Household | None
    ) -> list[type[InlineModelAdmin[Any, Any]]]:
        return [*self.inlines, *_contributed_inlines]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "household", "created_at"]
    list_filter = ["household__community"]
    search_fields = ["user__username", "user__email", "household__name"]
    list_select_related = ["user", "household"]
    autocomplete_fields = ["user", "household"]


class AssetAdmin[M: (SolarArray, HomeBattery, ElectricVehicle, FlexibleLoad)](admin.ModelAdmin[M]):
    list_filter = ["household__community"]
    search_fields = ["household__name"]
    list_select_related = ["household"]
    autocomplete_fields = ["household"]


@admin.register(SolarArray)
class SolarArrayAdmin(AssetAdmin[SolarArray]):
    list_display = ["household", "kwp", "tilt_degrees", "azimuth_degrees", "installed_by"]


@admin.register(HomeBattery)
class HomeBatteryAdmin(AssetAdmin[HomeBattery]):
    list_display = ["household", "capacity_kwh", "max_charge_kw", "reserve_share", "vpp_opt_in"]


@admin.register(ElectricVehicle)
class ElectricVehicleAdmin(AssetAdmin[ElectricVehicle]):
    list_display = ["household", "battery_kwh", "charger_max_kw", "usual_departure", "maker"]


@admin.register(FlexibleLoad)
class FlexibleLoadAdmin(AssetAdmin[FlexibleLoad]):
    list_display = ["household", "kind", "rated_kw", "curtailment_consent"]


class PartnerGrantInline(admin.TabularInline[PartnerGrant, Partner]):
    model = PartnerGrant
    autocomplete_fields = ["household"]
    extra = 0


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin[Partner]):
    list_display = ["name", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    filter_horizontal = ["staff"]
    inlines = [PartnerGrantInline]


@admin.register(PartnerToken)
class PartnerTokenAdmin(admin.ModelAdmin[PartnerToken]):
    """Tokens are created with their key shown once (a service); here they are read and revoked."""

    list_display = ["partner", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["partner", "name", "key_hash", "last_used_at"]

    @override
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
