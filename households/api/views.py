"""A member's notifications."""

from typing import Any, override

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.pagination import DefaultPagination
from households.exceptions import NotificationNotFoundError
from households.models import Notification
from households.selectors import notification_list
from households.services import notification_mark_read, notifications_mark_all_read


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "household", "created_at", "read_at", "read"]

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class NotificationPagination(DefaultPagination):
    """The page, plus how many of my notifications are unread (NotificationListApi adds it)."""

    @override
    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["unread"] = {"type": "integer", "example": 2}
        paginated["required"] = [*paginated.get("required", []), "unread"]
        return paginated


@extend_schema(
    tags=["Notifications"],
    summary="My notifications, newest first, with the unread count",
    parameters=[OpenApiParameter("unread", bool, description="true: only the unread ones")],
)
class NotificationListApi(ListAPIView[Notification]):
    permission_classes = [IsAuthenticated]
    serializer_class = NotificationSerializer
    pagination_class = NotificationPagination

    @override
    def get_queryset(self) -> QuerySet[Notification]:
        unread = self.request.query_params.get("unread")
        notifications = notification_list(user=self.request.user)
        return notifications.filter(read_at__isnull=True) if unread == "true" else notifications

    @override
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        response.data["unread"] = (
            notification_list(user=request.user).filter(read_at__isnull=True).count()
        )
        return response


class NotificationReadApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["Notifications"], request=None, responses={200: NotificationSerializer})
    def post(self, request: Request, notification_id: int) -> Response:
        notification = notification_list(user=request.user).filter(pk=notification_id).first()
        if notification is None:
            raise NotificationNotFoundError("No such notification.")
        return Response(
            NotificationSerializer(notification_mark_read(notification=notification)).data
        )


class NotificationReadAllApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["Notifications"],
        request=None,
        responses={
            200: inline_serializer("NotificationsMarked", {"marked": serializers.IntegerField()})
        },
    )
    def post(self, request: Request) -> Response:
        marked = notifications_mark_all_read(user_id=request.user.pk or 0)
        return Response({"marked": marked}, status=status.HTTP_200_OK)
