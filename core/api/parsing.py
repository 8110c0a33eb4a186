"""Request bodies parsed without DRF's per-field serializers, for the hot ingestion paths:
the raw body within a size limit, its media type, JSON decoded with orjson."""

from typing import Any

import orjson
from django.core.exceptions import RequestDataTooBig
from rest_framework.request import Request

from core.exceptions import BodyTooLargeError, MalformedJsonError, UnsupportedMediaTypeError


def request_body(request: Request, *, limit: int) -> bytes:
    """The raw body, refused with 413 beyond ``limit`` bytes before it is read."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    too_large = BodyTooLargeError(f"The body is larger than {limit} bytes.", extra={"limit": limit})
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    try:
        return bytes(request.body)
    except RequestDataTooBig:
        raise too_large from None


def media_type(request: Request) -> str:
    """The request's Content-Type without its parameters, lower case ("" when absent)."""
    return (request.content_type or "").split(";")[0].strip().lower()


def json_body(body: bytes) -> Any:
    """A request body decoded with orjson; a malformed body is a 400 that says so."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise MalformedJsonError(f"The body is not valid JSON: {exc}.") from None


def json_object_body(request: Request, *, limit: int) -> dict[str, Any]:
    """A JSON object body: 415 for another media type, 413 beyond ``limit`` bytes, 400 when it
    is malformed or not an object."""
    content_type = media_type(request)
    if content_type != "application/json":
        raise UnsupportedMediaTypeError(
            f"Send application/json, not {content_type or 'nothing'!r}."
        )
    document = json_body(request_body(request, limit=limit))
    if not isinstance(document, dict):
        raise MalformedJsonError("The body must be a JSON object.")
    return document
