"""Errors of the pricing domain."""

from core.exceptions import InvalidParameterError


class InvalidLimitError(InvalidParameterError):
    """The JOI recommend endpoint's ``limit``, under the code the JOI guide documents."""

    code = "invalid_limit"
