"""manage.py market_prices_import FILE: day-ahead prices from ENTSO-E's CSV or 'start,price'."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any, override

from django.core.management.base import BaseCommand, CommandError

from grid.exceptions import MarketPriceFileError
from grid.services.market_prices import market_prices_import


class Command(BaseCommand):
    help = "Imports day-ahead market prices (all or nothing) from an ENTSO-E or start,price CSV."

    @override
    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path}: not UTF-8 text; a CSV export is expected.") from None
        try:
            count = market_prices_import(text=text, source=path.name)
        except MarketPriceFileError as error:
            raise CommandError(f"{path}: {error.message} Nothing was imported.") from None
        self.stdout.write(f"{count} slot prices imported from {path}.")
