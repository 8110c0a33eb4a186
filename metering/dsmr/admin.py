"""DSMR in the admin: equipment links (set here or by the first telegram), read-only registers,
and the inlines the meter's page declares (its equipment, its refused telegrams)."""

from typing import Any, override

from django.contrib import admin
from django.http import HttpRequest

from metering.models import DsmrEquipment, DsmrRefusalCount, DsmrRegister, DsmrVolumeRegister, Meter


class ReadOnlyAdminMixin:
    """Registers and counts are facts written by telegrams: looked at, never edited."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DsmrEquipmentInline(ReadOnlyAdminMixin, admin.TabularInline[DsmrEquipment, Meter]):
    model = DsmrEquipment
    fields = ["equipment_id", "kind", "created_at"]
    readonly_fields = ["equipment_id", "kind", "created_at"]
    extra = 0
    show_change_link = True


class DsmrRefusalInline(ReadOnlyAdminMixin, admin.TabularInline[DsmrRefusalCount, Meter]):
    model = DsmrRefusalCount
    verbose_name_plural = "refused telegrams"
    fields = ["code", "count", "last_at", "last_message"]
    readonly_fields = ["code", "count", "last_at", "last_message"]
    extra = 0


@admin.register(DsmrEquipment)
class DsmrEquipmentAdmin(admin.ModelAdmin[DsmrEquipment]):
    """An equipment id is linked to its meter once; the link is the identity of a register
    series, so it is never moved (a swapped meter is a new equipment)."""

    list_display = ["equipment_id", "kind", "meter", "created_at"]
    list_filter = ["kind"]
    search_fields = ["equipment_id", "meter__meter_id"]
    list_select_related = ["meter"]
    autocomplete_fields = ["meter"]

    @override
    def get_readonly_fields(self, request: HttpRequest, obj: DsmrEquipment | None = None) -> Any:
        return ["equipment_id", "kind", "meter"] if obj is not None else []


@admin.register(DsmrRegister)
class DsmrRegisterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[DsmrRegister]):
    list_display = [
        "meter",
        "equipment",
        "time",
        "import_tariff1_kwh",
        "import_tariff2_kwh",
        "export_tariff1_kwh",
        "export_tariff2_kwh",
        "power_delivered_kw",
        "power_returned_kw",
    ]
    list_select_related = ["meter", "equipment"]
    search_fields = ["meter__meter_id", "equipment__equipment_id"]
    date_hierarchy = "time"
    show_full_result_count = False  # a count of a large ledger costs a table scan


@admin.register(DsmrVolumeRegister)
class DsmrVolumeRegisterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[DsmrVolumeRegister]):
    list_display = ["meter", "equipment", "time", "volume_m3"]
    list_select_related = ["meter", "equipment"]
    search_fields = ["meter__meter_id", "equipment__equipment_id"]
    date_hierarchy = "time"
    show_full_result_count = False


@admin.register(DsmrRefusalCount)
class DsmrRefusalCountAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[DsmrRefusalCount]):
    list_display = ["meter", "code", "count", "last_at", "last_message"]
    list_filter = ["code"]
    list_select_related = ["meter"]
    search_fields = ["meter__meter_id"]
