"""The grid's domain errors."""

from core.exceptions import ApplicationError


class MarketPriceFileError(ApplicationError):
    """A market price file refused whole; ``extra`` names the line."""

    code = "market_price_file"
