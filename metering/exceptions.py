"""Errors of the metering domain."""

from core.exceptions import ApplicationError, ConflictError, NotFoundError


class MeterNotFoundError(NotFoundError):
    code = "meter_not_found"


class NoReadingsError(NotFoundError):
    code = "no_readings"


class InvalidReadingError(ApplicationError):
    """A sample or the batch around it breaks a rule; the message names the index and field."""

    code = "invalid_reading"


class BatchTooLargeError(ApplicationError):
    code = "batch_too_large"
    http_status = 413


class ConflictingReadingError(ConflictError):
    """A sample repeats a stored (meter, time) with a different value."""

    code = "conflicting_reading"


class NoMetersError(ApplicationError):
    code = "no_meters"


class MeterTokenScopeError(ApplicationError):
    """A meter token lists exactly one meter; a gateway token lists several."""

    code = "meter_token_scope"
