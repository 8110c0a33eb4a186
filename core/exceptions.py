"""Domain errors. Each carries a stable machine code, a message for people and an HTTP status."""

from typing import Any


class ApplicationError(Exception):
    """Base of every domain error; the API renders it as {"code", "message", "extra"}."""

    code = "invalid_request"
    http_status = 400

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if http_status is not None:
            self.http_status = http_status
        self.extra = extra or {}


class NotFoundError(ApplicationError):
    code = "not_found"
    http_status = 404


class MalformedJsonError(ApplicationError):
    code = "malformed_json"


class BodyTooLargeError(ApplicationError):
    code = "body_too_large"
    http_status = 413


class UnsupportedMediaTypeError(ApplicationError):
    code = "unsupported_media_type"
    http_status = 415


class ConflictError(ApplicationError):
    code = "conflict"
    http_status = 409


class InvalidParameterError(ApplicationError):
    code = "invalid_parameter"


class InvalidPeriodError(InvalidParameterError):
    """Each bound parses, but together they are no period the endpoint answers for."""

    code = "invalid_period"


class DatabaseRoleError(ApplicationError):
    code = "database_role"
