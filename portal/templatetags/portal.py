"""Template tags of the portal's layout."""

from decimal import Decimal

from django import template
from django.http import HttpRequest

from households.selectors import notification_unread_count

register = template.Library()


@register.simple_tag
def unread_notifications(request: HttpRequest) -> int:
    """How many of the user's notifications are unread (the count in the header)."""
    return notification_unread_count(user=request.user)


@register.filter
def absolute(value: float) -> float:
    """A power without its sign, where the label already says which way it flows."""
    return abs(value)


@register.filter
def percent(fraction: Decimal) -> str:
    """A rate kept as a fraction (0.0600) as people read it (6), to two places at most."""
    return f"{fraction * 100:.2f}".rstrip("0").rstrip(".")
