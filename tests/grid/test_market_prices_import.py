from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from grid.models import MarketPrice

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "entsoe_day_ahead_2026-01-15.csv"
HEADER = '"MTU (CET/CEST)","Day-ahead Price [EUR/MWh]","Currency","BZN|BE"\n'


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "prices.csv"
    path.write_text(text)
    return path


def test_the_entsoe_sample_expands_hours_to_four_slots_in_eur_per_kwh() -> None:
    call_command("market_prices_import", str(SAMPLE))
    assert MarketPrice.objects.count() == 96
    first = MarketPrice.objects.first()
    assert first is not None
    # 00:00 CET is 23:00 UTC the day before.
    assert first.slot_start == datetime(2026, 1, 14, 23, 0, tzinfo=UTC)
    assert first.price == Decimal("0.092410")
    assert {p.price for p in MarketPrice.objects.all()[:4]} == {Decimal("0.092410")}
    call_command("market_prices_import", str(SAMPLE))  # again: replaced, not doubled
    assert MarketPrice.objects.count() == 96


def test_a_plain_start_price_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "start,price\n2026-01-15T00:00:00+00:00,0.081\n2026-01-15T00:15:00+00:00,-0.002\n",
    )
    call_command("market_prices_import", str(path))
    assert list(MarketPrice.objects.values_list("price", flat=True)) == [
        Decimal("0.081000"),
        Decimal("-0.002000"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            HEADER + '"15.01.2026 00:00 - 15.01.2026 01:00","90"\n'
            '"15.01.2026 02:00 - 15.01.2026 03:00","91"\n',
            "Line 3: a gap after line 2",
        ),
        (
            HEADER + '"15.01.2026 00:00 - 15.01.2026 01:00","90"\n'
            '"15.01.2026 00:00 - 15.01.2026 01:00","91"\n',
            "Line 3: the slot 2026-01-14 23:00 UTC is already on line 2",
        ),
        (
            "start,price\n2026-01-15T00:00:00+00:00,0.08\n2026-01-15T00:00:00+00:00,0.09\n",
            "Line 3: the slot",
        ),
        (
            HEADER + '"15.01.2026 00:00 - 15.01.2026 01:00","90"\n'
            '"15.01.2026 00:30 - 15.01.2026 00:45","91"\n',
            "Line 3: the period overlaps line 2",
        ),
        (
            HEADER + '"15.01.2026 00:00 - 15.01.2026 01:00","90"\n'
            '"15.01.2026 01:00 - 15.01.2026 02:00","n/e"\n',
            "Line 3: the price 'n/e' is not a number",
        ),
        ("start,price\n2026-01-15T00:00:00+00:00,abc\n", "Line 2: the price 'abc'"),
        ("when,what\n", "Line 1: the header"),
    ],
)
def test_bad_files_are_refused_whole_naming_the_line(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("market_prices_import", str(_write(tmp_path, text)))
    assert message in str(caught.value)
    assert not MarketPrice.objects.exists()


def test_a_missing_file_is_a_command_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("market_prices_import", str(tmp_path / "nope.csv"))


def test_a_file_that_is_not_text_is_a_command_error(tmp_path: Path) -> None:
    binary = tmp_path / "prices.csv"
    binary.write_bytes(b"\xff\xfe\x00not a csv")
    with pytest.raises(CommandError, match="not UTF-8 text"):
        call_command("market_prices_import", str(binary))
    assert not MarketPrice.objects.exists()
