from django.contrib import admin

from grid.models import (
    Feeder,
    FeederConnection,
    Interconnection,
    InterconnectionLimit,
    MarketPrice,
    Plant,
    PlantAvailability,
)


class FeederConnectionInline(admin.TabularInline[FeederConnection, Feeder]):
    model = FeederConnection
    autocomplete_fields = ["household"]
    extra = 0


@admin.register(Feeder)
class FeederAdmin(admin.ModelAdmin[Feeder]):
    list_display = ["name", "limit_kw", "parent"]
    list_select_related = ["parent"]
    search_fields = ["name"]
    inlines = [FeederConnectionInline]


@admin.register(FeederConnection)
class FeederConnectionAdmin(admin.ModelAdmin[FeederConnection]):
    list_display = ["household", "feeder"]
    list_filter = ["feeder"]
    search_fields = ["household__name"]
    autocomplete_fields = ["household", "feeder"]


@admin.register(Plant)
class PlantAdmin(admin.ModelAdmin[Plant]):
    list_display = ["name", "kind", "capacity_kw", "marginal_cost", "feeder"]
    list_filter = ["kind"]


@admin.register(PlantAvailability)
class PlantAvailabilityAdmin(admin.ModelAdmin[PlantAvailability]):
    list_display = ["plant", "slot_start", "share"]
    list_filter = ["plant"]


class InterconnectionLimitInline(admin.TabularInline[InterconnectionLimit, Interconnection]):
    model = InterconnectionLimit
    extra = 0


@admin.register(Interconnection)
class InterconnectionAdmin(admin.ModelAdmin[Interconnection]):
    list_display = ["name", "feeder"]
    inlines = [InterconnectionLimitInline]


@admin.register(MarketPrice)
class MarketPriceAdmin(admin.ModelAdmin[MarketPrice]):
    list_display = ["slot_start", "price", "source"]
    date_hierarchy = "slot_start"
