"""Query parameters of the list endpoints: the filters of the pages, with the same meaning
(the commitments' are applied by `selectors.commitments_filtered`, as on the agreement page)."""

import datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .. import selectors
from ..models import AgreementStatus, CommitmentStatus, Priority, Stance, Theme


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.Filter):
    field_class = forms.IntegerField


class UtcDateTimeField(IsoDateTimeField):
    """ISO 8601 with any offset Python reads (up to ±23:59), handed to the database in UTC:
    PostgreSQL refuses an offset beyond ±15:59 in a value sent as text (as it is with
    DATABASE_PREPARED_STATEMENTS=0), which was a server error."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError:  # year 1 with a positive offset, 9999 with a negative one
            raise ValidationError(
                "This date and time is out of range in UTC.", code="invalid"
            ) from None


@extend_schema_field(OpenApiTypes.DATETIME)
class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class AgreementFilter(django_filters.FilterSet):
    party = django_filters.CharFilter(
        field_name="parties__code", help_text="A party's code, such as PAK."
    )
    status = django_filters.ChoiceFilter(choices=AgreementStatus.choices)
    q = django_filters.CharFilter(max_length=100, help_text="Title or summary.")
    sort = django_filters.ChoiceFilter(
        choices=selectors.sort_choices(selectors.AGREEMENT_SORTS),
        help_text="Order; newest first by default.",
    )

    def filter_queryset(self, queryset):
        return selectors.agreements_filtered(
            queryset, today=timezone.localdate(), filters=_given(self.form.cleaned_data)
        )


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
    sort = django_filters.ChoiceFilter(
        choices=selectors.sort_choices(selectors.COMMITMENT_SORTS),
        help_text="Order; reference by default.",
    )

    def filter_queryset(self, queryset):
        values = _given(self.form.cleaned_data)
        if "overdue" in values:
            values["overdue"] = "yes" if values["overdue"] else "no"
        return selectors.commitments_filtered(queryset, today=timezone.localdate(), filters=values)


def _given(cleaned_data: dict) -> dict:
    """The parameters given, as the selectors take them (a filter left out is absent)."""
    return {name: value for name, value in cleaned_data.items() if value not in (None, "")}


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
    since = UtcDateTimeFilter(
        field_name="changed_at", lookup_expr="gte", help_text="Changed at or after (ISO 8601)."
    )
