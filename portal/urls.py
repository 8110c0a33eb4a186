"""The portal's pages. A household's pages live under ``households/<id>/`` (invoices will
join them there); the grid operator's under ``operator/``."""

from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("households/<int:household_id>/", views.dashboard, name="dashboard"),
    path("households/<int:household_id>/live", views.live, name="live"),
    path("notifications/", views.notifications, name="notifications"),
    path(
        "notifications/<int:notification_id>/read",
        views.notification_read,
        name="notification-read",
    ),
    path("notifications/read-all", views.notifications_read_all, name="notifications-read-all"),
    path("operator/grid/", views.operator_grid, name="operator-grid"),
]
