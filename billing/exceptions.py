from core.exceptions import ApplicationError, ConflictError, NotFoundError


class InvoiceImmutableError(ConflictError):
    """An issued invoice never changes; corrections are credit notes."""

    code = "invoice_immutable"


class InvoiceStateError(ApplicationError):
    code = "invoice_state"
    http_status = 409


class InvoiceNotFoundError(NotFoundError):
    """Also what a household gets for another household's invoice (the same 404)."""
