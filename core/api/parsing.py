"""Request bodies parsed without DRF's per-field serializers, for the hot ingestion paths."""

from typing import Any

import orjson

from core.exceptions import ApplicationError


def json_body(body: bytes) -> Any:
    """A request body decoded with orjson; a malformed body is a 400 that says so."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ApplicationError(
            f"The body is not valid JSON: {exc}.", code="malformed_json"
        ) from None
