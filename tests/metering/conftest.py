from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """Device-token rate limits live in the shared cache: every test starts with none used."""
    cache.clear()
    yield
    cache.clear()
