import django_filters

from billing.models import Invoice
from core.api.query import parse_id, parse_month, parse_year
from core.filters import ParsedFilter


class InvoiceFilter(django_filters.FilterSet):
    month = ParsedFilter(parse_month, param="month")
    year = ParsedFilter(parse_year, param="year", field_name="month", lookup_expr="year")
    # By id, not as a choice among every household: another household's id then answers as one
    # that does not exist (an empty list), so the filter tells nothing about which ids exist.
    household = ParsedFilter(parse_id, param="household", field_name="household_id")

    class Meta:
        model = Invoice
        fields = ["household", "kind", "state", "month", "year"]
