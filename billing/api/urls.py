from django.urls import path
from rest_framework.routers import SimpleRouter

from billing.api.views import HouseholdEstimateApi, InvoiceViewSet

app_name = "billing-api"

router = SimpleRouter(trailing_slash=True)
router.register("invoices", InvoiceViewSet, basename="invoice")
urlpatterns = [
    *router.urls,
    path("invoices/<int:pk>/pdf", InvoiceViewSet.as_view({"get": "pdf"}), name="invoice-pdf"),
    path("households/<int:household_id>/estimate", HouseholdEstimateApi.as_view(), name="estimate"),
]
