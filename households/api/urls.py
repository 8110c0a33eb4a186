from django.urls import path

from households.api.views import NotificationListApi, NotificationReadAllApi, NotificationReadApi

app_name = "households-api"

urlpatterns = [
    path("notifications/", NotificationListApi.as_view(), name="notifications"),
    path("notifications/read-all", NotificationReadAllApi.as_view(), name="notifications-read-all"),
    path(
        "notifications/<int:notification_id>/read",
        NotificationReadApi.as_view(),
        name="notification-read",
    ),
]
