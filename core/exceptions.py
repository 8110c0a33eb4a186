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


class ConflictError(ApplicationError):
    code = "conflict"
    http_status = 409
