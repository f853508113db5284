"""Query parameters of the list endpoints: the filters of the pages, with the same meaning
(the commitments' are applied by `selectors.commitments_filtered`, as on the agreement page)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .. import selectors
from ..models import AgreementStatus, CommitmentStatus, Priority, Stance, Theme

SORTS = [
    ("reference", "Reference"),
    ("due", "Due date, soonest first"),
    ("-due", "Due date, latest first"),
    ("status", "Status"),
    ("priority", "Priority"),
    ("title", "Title"),
]


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.Filter):
    field_class = forms.IntegerField


class AgreementFilter(django_filters.FilterSet):
    party = django_filters.CharFilter(
        field_name="parties__code", help_text="A party's code, such as PAK."
    )
    status = django_filters.ChoiceFilter(choices=AgreementStatus.choices)
    q = django_filters.CharFilter(method="search", max_length=100, help_text="Title or summary.")

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value))


class CommitmentFilter(django_filters.FilterSet):
    agreement = django_filters.CharFilter(help_text="The agreement's slug.")
    status = django_filters.ChoiceFilter(choices=CommitmentStatus.choices)
    party = django_filters.CharFilter(help_text="A responsible party's code, such as PAK.")
    theme = django_filters.ChoiceFilter(choices=Theme.choices)
    priority = django_filters.ChoiceFilter(choices=Priority.choices)
    overdue = django_filters.BooleanFilter(help_text="Flagged overdue by the last scan.")
    due_within = IntegerFilter(
        min_value=0,
        max_value=3650,
        help_text="Open and due from today to today + N days (site time zone).",
    )
    warning = django_filters.ChoiceFilter(
        choices=list(selectors.WARNINGS.items()),
        help_text="At risk, stale, blocked, disputed, or deadline extended.",
    )
    q = django_filters.CharFilter(max_length=100, help_text="Reference, title or description.")
    sort = django_filters.ChoiceFilter(choices=SORTS, help_text="Order; reference by default.")

    def filter_queryset(self, queryset):
        values = {
            name: value
            for name, value in self.form.cleaned_data.items()
            if value is not None and value != ""
        }
        if "overdue" in values:
            values["overdue"] = "yes" if values["overdue"] else "no"
        queryset = selectors.commitments_filtered(
            queryset, today=timezone.localdate(), filters=values
        )
        # The id last: a stable order, so that pages neither repeat nor skip a row.
        return queryset.order_by(*selectors.COMMITMENT_SORTS[values.get("sort", "reference")], "pk")


def _id_filter(**kwargs) -> IntegerFilter:
    return IntegerFilter(min_value=1, max_value=2**63 - 1, **kwargs)


class EvidenceFilter(django_filters.FilterSet):
    commitment = _id_filter(field_name="commitment_id", help_text="The commitment's id.")
    agreement = django_filters.CharFilter(
        field_name="commitment__agreement__slug", help_text="The agreement's slug."
    )
    stance = django_filters.ChoiceFilter(choices=Stance.choices)
    retracted = django_filters.BooleanFilter(
        field_name="retracted_at", lookup_expr="isnull", exclude=True
    )


class StatusChangeFilter(django_filters.FilterSet):
    commitment = _id_filter(field_name="commitment_id", help_text="The commitment's id.")
    agreement = django_filters.CharFilter(
        field_name="commitment__agreement__slug", help_text="The agreement's slug."
    )
    to_status = django_filters.ChoiceFilter(choices=CommitmentStatus.choices)
    since = django_filters.IsoDateTimeFilter(
        field_name="changed_at", lookup_expr="gte", help_text="Changed at or after (ISO 8601)."
    )
