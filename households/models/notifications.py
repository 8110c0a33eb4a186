"""Messages to household members."""

from typing import override

from django.conf import settings
from django.db import models

from core.models import BaseModel
from households.models.households import Household


class Notification(BaseModel):
    """A message to one member: shown in the portal (read/unread) and sent by e-mail once.

    ``dedupe_key`` names the event it tells of; (user, dedupe_key) is unique, so the same event
    never reaches the same person twice however often the job that noticed it runs.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField()
    dedupe_key = models.CharField(max_length=120)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"],
                name="%(app_label)s_%(class)s_once_per_event",
                violation_error_message="This person was already told of this event.",
            )
        ]

    @override
    def __str__(self) -> str:
        return f"{self.user}: {self.title}"
