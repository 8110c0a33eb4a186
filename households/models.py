"""Who and what: communities, households and the people who belong to them."""

from typing import override

from django.conf import settings
from django.db import models

from core.models import BaseModel


class Community(BaseModel):
    """A group of households that share a local grid and whose energy is netted together."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "communities"

    @override
    def __str__(self) -> str:
        return self.name


class Household(BaseModel):
    """A home connected to the grid. Its price plan lives in pricing (a subscription)."""

    name = models.CharField(max_length=120)
    address = models.CharField(max_length=255, blank=True)
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="households", null=True, blank=True
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="households", blank=True
    )

    class Meta:
        ordering = ["name"]

    @override
    def __str__(self) -> str:
        return self.name


class Membership(BaseModel):
    """A user who belongs to a household; two people can share one household."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["household", "user"],
                name="%(app_label)s_%(class)s_unique_member",
                violation_error_message="This person is already a member of this household.",
            )
        ]

    @override
    def __str__(self) -> str:
        return f"{self.user} in {self.household}"


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
