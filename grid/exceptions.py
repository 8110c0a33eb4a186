"""The grid's domain errors."""

from core.exceptions import ApplicationError, NotFoundError


class MarketPriceFileError(ApplicationError):
    """A market price file refused whole; ``extra`` names the line."""

    code = "market_price_file"


class PartnerAssetNotFoundError(NotFoundError):
    """Also what a partner gets for another partner's asset (the same 404)."""
