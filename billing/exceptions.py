from core.exceptions import ApplicationError, ConflictError


class InvoiceImmutableError(ConflictError):
    """An issued invoice never changes; corrections are credit notes."""

    code = "invoice_immutable"


class InvoiceStateError(ApplicationError):
    code = "invoice_state"
    http_status = 409
