"""Serializer fields shared by the apps' APIs."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?$",
        "example": "22:00:00",
        "description": "local wall-clock time, HH:MM:SS",
    }
)
class LocalTimeField(serializers.TimeField):
    """A time of day in the local zone. OpenAPI's ``time`` format is RFC 3339's full-time,
    which needs an offset; a band's 07:00 has none (it is 07:00 on every local day)."""


def kwh() -> serializers.DecimalField:
    """kWh as a JSON number with 6 decimals."""
    return serializers.DecimalField(max_digits=16, decimal_places=6, coerce_to_string=False)
