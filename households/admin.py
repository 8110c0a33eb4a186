from typing import Any, override

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.http import HttpRequest

from households.models import Community, Household, Membership

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
    list_display = ["name", "address", "community", "created_at"]
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
