from django.contrib import admin

from households.models import Community, Household, Membership


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
    # Higher apps (metering, pricing) append their own inlines in their admin modules, so the
    # household page shows meters and plan without households importing them.
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "household", "created_at"]
    list_filter = ["household__community"]
    search_fields = ["user__username", "user__email", "household__name"]
    list_select_related = ["user", "household"]
    autocomplete_fields = ["user", "household"]
