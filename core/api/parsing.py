"""Request bodies parsed without DRF's per-field serializers, for the hot ingestion paths."""

from typing import Any

import orjson
from rest_framework.request import Request

from core.exceptions import ApplicationError


def json_body(request: Request) -> Any:
    """The request body decoded with orjson; a malformed body is a 400 that says so."""
    try:
        return orjson.loads(request.body)
    except orjson.JSONDecodeError as exc:
        raise ApplicationError(
            f"The body is not valid JSON: {exc}.", code="malformed_json"
        ) from None
