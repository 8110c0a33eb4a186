"""django-filter filters over the query parsers of core.api.query, so a FilterSet's parameters
are parsed and bounded like every other query parameter (the same 400 naming the parameter)."""

from collections.abc import Callable
from typing import Any, override

import django_filters
from django.db.models import QuerySet
from django_filters.constants import EMPTY_VALUES


class ParsedFilter(django_filters.CharFilter):
    """Filters on ``parse(raw, param)``: ``param`` is the query parameter's name, which the
    filter itself does not know (it may differ from ``field_name``)."""

    def __init__(self, parse: Callable[[str, str], object], *, param: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.parse = parse
        self.param = param

    @override
    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value in EMPTY_VALUES:
            return qs
        return super().filter(qs, self.parse(value, self.param))
