"""Whether a household or community is autarkic, as last evaluated."""

from typing import override

from django.db import models

from core.models import BaseModel
from households.models import Community, Household
from metering.choices import AutarkyLevel


class AutarkyState(BaseModel):
    """Whether a household or a community is autarkic over the trailing window, with
    hysteresis; ``transitions`` counts the changes and keys their notifications."""

    household = models.OneToOneField(
        Household, on_delete=models.CASCADE, null=True, blank=True, related_name="autarky_state"
    )
    community = models.OneToOneField(
        Community, on_delete=models.CASCADE, null=True, blank=True, related_name="autarky_state"
    )
    level = models.CharField(
        max_length=16, choices=AutarkyLevel.choices, default=AutarkyLevel.NOT_AUTARKIC
    )
    ratio = models.FloatField(null=True, blank=True, help_text="Last autarky, 0–1.")
    transitions = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)
    evaluated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(household__isnull=False, community__isnull=True)
                | models.Q(household__isnull=True, community__isnull=False),
                name="%(app_label)s_%(class)s_one_subject",
                violation_error_message="An autarky state is of a household or of a community.",
            )
        ]

    @override
    def __str__(self) -> str:
        return f"{self.household or self.community}: {self.get_level_display()}"
