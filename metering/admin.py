from typing import override

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from households.admin import household_inline_contribute
from households.models import Household
from metering.dsmr.admin import DsmrEquipmentInline, DsmrRefusalInline
from metering.models import DeviceToken, IngestFailure, Meter
from metering.selectors.meters import meter_reading_list
from metering.services.tokens import device_token_create, device_token_revoke

READINGS_PER_PAGE = 200


class MeterInline(admin.TabularInline[Meter, Household]):
    model = Meter
    fields = ["meter_id", "kind"]
    extra = 0
    show_change_link = True


household_inline_contribute(MeterInline)


@admin.register(Meter)
class MeterAdmin(admin.ModelAdmin[Meter]):
    list_display = ["meter_id", "kind", "household", "readings_link", "created_at"]
    list_filter = ["kind", "household__community"]
    search_fields = ["meter_id", "household__name"]
    list_select_related = ["household"]
    autocomplete_fields = ["household"]
    raw_id_fields = ["solar_array", "home_battery", "electric_vehicle", "flexible_load"]
    readonly_fields = ["readings_link"]
    actions = ["create_tokens"]
    inlines = [DsmrEquipmentInline, DsmrRefusalInline]

    @admin.action(description="Create a device token for each selected meter")
    def create_tokens(self, request: HttpRequest, queryset: QuerySet[Meter]) -> None:
        for meter in queryset:
            _token, key = device_token_create(meters=[meter], name=f"{meter.meter_id} (admin)")
            # Shown once, to the person who asked; never logged.
            self.message_user(
                request, f"Token for {meter.meter_id}, shown only now: {key}", messages.WARNING
            )

    # Readings have a composite primary key (meter, time), which the admin cannot register, so
    # the meter offers a read-only page of its readings instead.
    @override
    def get_urls(self) -> list[URLPattern]:
        readings = path(
            "<int:meter_pk>/readings/",
            self.admin_site.admin_view(self.readings_view),
            name="metering_meter_readings",
        )
        return [readings, *super().get_urls()]

    @admin.display(description="readings")
    def readings_link(self, meter: Meter) -> str:
        if meter.pk is None:
            return "-"
        url = reverse("admin:metering_meter_readings", args=[meter.pk])
        return format_html('<a href="{}">readings</a>', url)

    def readings_view(self, request: HttpRequest, meter_pk: int) -> HttpResponse:
        meter = get_object_or_404(Meter, pk=meter_pk)
        if not self.has_view_permission(request, meter):
            raise PermissionDenied
        page = Paginator(meter_reading_list(meter=meter), READINGS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Readings of {meter.meter_id}",
            "opts": self.model._meta,
            "meter": meter,
            "page": page,
        }
        return TemplateResponse(request, "admin/metering/meter_readings.html", context)


@admin.register(DeviceToken)
class DeviceTokenAdmin(admin.ModelAdmin[DeviceToken]):
    """Tokens are created from the meter list (the key is shown once) and revoked here."""

    list_display = ["name", "key_prefix", "is_gateway", "revoked_at", "last_used_at", "created_at"]
    list_filter = ["is_gateway", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "key_prefix", "meters__meter_id"]
    readonly_fields = ["key_prefix", "is_gateway", "revoked_at", "last_used_at", "created_at"]
    filter_horizontal = ["meters"]
    actions = ["revoke"]

    @override
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[DeviceToken]) -> None:
        for token in queryset:
            device_token_revoke(token=token)
        self.message_user(request, f"Revoked {queryset.count()} token(s).")


@admin.register(IngestFailure)
class IngestFailureAdmin(admin.ModelAdmin[IngestFailure]):
    """What the broker and MQTT consumers refused: a ledger, read-only."""

    list_display = ["created_at", "source", "meter_id", "code", "message"]
    list_filter = ["source", "code"]
    search_fields = ["meter_id", "message"]
    date_hierarchy = "created_at"
    readonly_fields = ["source", "meter_id", "code", "message", "payload", "created_at"]

    @override
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @override
    def has_change_permission(self, request: HttpRequest, obj: IngestFailure | None = None) -> bool:
        return False
