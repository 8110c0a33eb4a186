"""The native API under /api/v1/: each app contributes its own urls."""

from django.urls import include, path

urlpatterns = [
    path("", include("households.api.urls")),
    path("", include("metering.api.urls")),
    path("", include("pricing.api.urls")),
    path("", include("billing.api.urls")),
    path("", include("grid.api.urls")),
]
