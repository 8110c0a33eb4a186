import django_filters

from billing.models import Invoice


class InvoiceFilter(django_filters.FilterSet):
    month = django_filters.DateFilter()
    year = django_filters.NumberFilter(field_name="month", lookup_expr="year")

    class Meta:
        model = Invoice
        fields = ["household", "kind", "state", "month", "year"]
