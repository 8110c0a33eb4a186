"""The portal's pages. A household's pages live under ``households/<id>/`` (its energy, its
invoices, the month's estimate, its installation); the grid operator's under ``operator/``."""

from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("households/<int:household_id>/", views.dashboard, name="dashboard"),
    path("households/<int:household_id>/live", views.live, name="live"),
    path("households/<int:household_id>/invoices/", views.invoices, name="invoices"),
    path(
        "households/<int:household_id>/invoices/<int:invoice_id>/",
        views.invoice,
        name="invoice",
    ),
    path(
        "households/<int:household_id>/invoices/<int:invoice_id>/pdf",
        views.invoice_pdf,
        name="invoice-pdf",
    ),
    path("households/<int:household_id>/estimate/", views.estimate, name="estimate"),
    path("households/<int:household_id>/installation/", views.installation, name="installation"),
    path(
        "households/<int:household_id>/installation/vehicles/<int:vehicle_id>/session",
        views.vehicle_session,
        name="vehicle-session",
    ),
    *(
        path(
            f"households/<int:household_id>/installation/{segment}/<int:asset_id>",
            views.installation_set,
            {"kind": kind},
            name=f"installation-{kind}",
        )
        for kind, segment in (("vehicle", "vehicles"), ("battery", "batteries"), ("load", "loads"))
    ),
    path("notifications/", views.notifications, name="notifications"),
    path(
        "notifications/<int:notification_id>/read",
        views.notification_read,
        name="notification-read",
    ),
    path("notifications/read-all", views.notifications_read_all, name="notifications-read-all"),
    path("operator/grid/", views.operator_grid, name="operator-grid"),
    path("operator/network/", views.operator_network, name="operator-network"),
    path("operator/charging/", views.operator_charging, name="operator-charging"),
]
