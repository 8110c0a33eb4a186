from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from metering.api.joi import JoiReadingReadApi, JoiReadingStoreApi
from metering.views import usage_overview_page
from pricing.api.joi import JoiPricePlanCompareAllApi, JoiPricePlanRecommendApi

# Swagger UI's script as a file of its own (the split view), under a policy of its own.
api_docs = csp_override(settings.API_DOCS_CSP)(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)

# The JOI-compatible interface keeps the reference's paths, at the root.
joi_patterns = [
    path("readings/store", JoiReadingStoreApi.as_view(), name="joi-readings-store"),
    path(
        "readings/read/<str:smart_meter_id>", JoiReadingReadApi.as_view(), name="joi-readings-read"
    ),
    path(
        "price-plans/compare-all/<str:smart_meter_id>",
        JoiPricePlanCompareAllApi.as_view(),
        name="joi-price-plans-compare-all",
    ),
    path(
        "price-plans/recommend/<str:smart_meter_id>",
        JoiPricePlanRecommendApi.as_view(),
        name="joi-price-plans-recommend",
    ),
]

urlpatterns = [
    *joi_patterns,
    path("admin/usage-overview/", usage_overview_page, name="usage-overview"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("accounts/", include("portal.account_urls")),
    path("", include("portal.urls")),
]

handler404 = "core.api.not_found.not_found"
