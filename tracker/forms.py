"""Forms of the app's pages. Validation of input lives here; the rules stay in services."""

import copy
from datetime import date
from functools import cache

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .markup import attributes, escaped
from .models import (
    Agreement,
    AgreementStatus,
    Commitment,
    CommitmentStatus,
    Criterion,
    DigestScope,
    Evidence,
    Milestone,
    Party,
    Priority,
    Theme,
    limits,
)
from .models.validators import web_url
from .selectors import AGREEMENT_SORTS, COMMITMENT_SORTS, WARNINGS, sort_choices
from .services import EVIDENCE_FIELDS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _copied(widget: forms.Widget, memo: dict) -> forms.Widget:
    """What `Widget.__deepcopy__` makes (the widget with its own attributes), by copying the
    instance's dictionary rather than through `copy.copy`'s protocol: every form copies
    each of its widgets."""
    copied = object.__new__(type(widget))
    copied.__dict__.update(widget.__dict__)
    copied.attrs = widget.attrs.copy()
    memo[id(widget)] = copied
    return copied


class FastSelect(forms.Select):
    """A select written out in Python. Django renders every option through a template of its
    own, which costs more than the rest of a page once a list (parties, statuses, gradings)
    has a few dozen entries. Same markup, same attributes (aria-* included)."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        chosen = {str(item) for item in self.format_value(value)}
        options = "".join(
            f'<option value="{escaped(option)}"{" selected" if str(option) in chosen else ""}>'
            f"{escaped(label)}</option>"
            for option, label in self.choices
        )
        return SafeString(f"<select{attributes(final_attrs)}>{options}</select>")

    def __deepcopy__(self, memo):
        """`ChoiceWidget.__deepcopy__`, without checking the choices again: they were
        normalised when set, and a copy of them stays so."""
        copied = _copied(self, memo)
        copied._choices = copy.copy(self._choices)
        return copied


class FastRender:
    """An input or a textarea written out in Python, with the markup of Django's templates
    for them (`django/forms/widgets/input.html`, `textarea.html`): each widget's template
    costs as much to render as a dozen table cells, and a form has a dozen widgets."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        if isinstance(self, forms.CheckboxInput):  # its context adds `checked`
            widget = self.get_context(name, value, attrs)["widget"]
            value, attrs = widget["value"], widget["attrs"]
        else:  # what `Widget.get_context` gives these two
            value, attrs = self.format_value(value), self.build_attrs(self.attrs, attrs)
        name, attrs_html = escaped(name), attributes(attrs)
        if isinstance(self, forms.Textarea):
            text = escaped(value or "")
            return SafeString(f'<textarea name="{name}"{attrs_html}>\n{text}</textarea>')
        shown = "" if value is None else f' value="{escaped(value)}"'
        return SafeString(
            f'<input type="{escaped(self.input_type)}" name="{name}"{shown}{attrs_html}>'
        )

    def __deepcopy__(self, memo):
        return _copied(self, memo)


class FastFileInput(forms.ClearableFileInput):
    """A file input written out in Python while it shows no current file (a new piece of
    evidence's attachment): Django's template (`clearable_file_input.html`) then writes the
    input alone, its attributes in their order, with the context's `disabled` and
    `checked`. A current file and its "clear" box go through Django."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        if self.is_initial(value):
            return super().render(name, value, attrs, renderer)
        attrs = self.build_attrs(self.attrs, attrs)
        attrs.setdefault("disabled", False)
        attrs["checked"] = self.checked
        shown = "".join(
            f" {escaped(key)}" if item is True else f' {escaped(key)}="{escaped(item)}"'
            for key, item in attrs.items()
            if item is not False
        )
        return SafeString(
            f'<input type="{escaped(self.input_type)}" name="{escaped(name)}"{shown}>'
        )

    def __deepcopy__(self, memo):
        return _copied(self, memo)


# The widgets whose whole markup FastRender writes (not the clearable file input, whose
# template shows the current file and a "clear" box; not the password input, whose context
# drops the value typed, which FastRender would write back).
_FAST_RENDERED = (
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.HiddenInput,
    forms.DateInput,
    forms.CheckboxInput,
    forms.Textarea,
)


@cache
def _fast_class(widget_class: type) -> type:
    return type(f"Fast{widget_class.__name__}", (FastRender, widget_class), {})


def widget_html(field: forms.BoundField, errors, auto_id: str) -> str:
    """`str(field)`, the field's widget with the attributes `BoundField.as_widget` gives it,
    for a fast widget (`FastSelect`, `FastRender`, `FastFileInput`): without asking the field
    for its errors and id again for each attribute. Any other widget, or a field with what
    the plain case leaves out (a widget's own id or aria-describedby, localize, disabled, a
    fieldset), goes through Django."""
    form, widget = field.form, field.field.widget
    if (
        not isinstance(widget, (FastSelect, FastRender, FastFileInput))
        or field.field.localize
        or field.field.disabled
        or field.field.show_hidden_initial
        or widget.use_fieldset
        or "id" in widget.attrs
        or widget.attrs.get("aria-describedby")
    ):
        return escaped(field)
    attrs = {"id": auto_id} if auto_id else {}
    required = field.field.required and form.use_required_attribute
    if required and widget.use_required_attribute(field.initial):
        attrs["required"] = True
    described = []
    if not widget.is_hidden:
        if errors:
            attrs["aria-invalid"] = "true"
        if auto_id and field.help_text:
            described.append(f"{auto_id}_helptext")
        if auto_id and errors:
            described.append(f"{auto_id}_error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return widget.render(field.html_name, field.value(), attrs, form.renderer)


class FastWidgetsMixin:
    """Every select of the form is a `FastSelect`, every plain input and textarea renders
    through `FastRender`, and the words its fields declare (labels, help texts, choices,
    empty labels) are text in the reader's language: the class's fields are prepared so
    once per language (`_prepared_fields`), and each form copies them as they are, rather
    than building a new select (its choices checked again) and translating every word of
    it again for every form."""

    def __init__(self, *args, **kwargs):
        self.base_fields = _prepared_fields(type(self), translation.get_language())
        super().__init__(*args, **kwargs)


@cache
def _prepared_fields(form_class: type, language: str | None) -> dict[str, forms.Field]:
    """The class's fields with fast widgets and their words translated into `language`:
    the code's words, never data (a choice list that a form builds from data is set by the
    form, on its own copy)."""
    fields = _PreparedFields(copy.deepcopy(form_class.base_fields))
    with translation.override(language):
        for field in fields.values():
            widget = field.widget
            if type(widget) is forms.Select:
                field.widget = FastSelect(attrs=widget.attrs, choices=widget.choices)
            elif type(widget) in _FAST_RENDERED:
                widget.__class__ = _fast_class(type(widget))
            elif type(widget) is forms.ClearableFileInput:
                widget.__class__ = FastFileInput
            field.label = _translated(field.label)
            field.help_text = _translated(field.help_text)
            if isinstance(field, forms.ModelChoiceField):
                field.empty_label = _translated(field.empty_label)
            elif isinstance(field, forms.ChoiceField) and isinstance(field.choices, list):
                field.choices = _translated_choices(field.choices)
    return fields


class _PreparedFields(dict):
    """A form class's prepared fields, which every form of the class copies (a form changes
    its own fields: choices, querysets, labels, attributes). Each is copied as Django's
    `Field.__deepcopy__` copies it (the field, then its own widget, error messages,
    validators, choices or queryset), without `copy.deepcopy` walking through every part of
    every field: a page built four forms of two dozen fields."""

    def __deepcopy__(self, memo) -> dict:
        return {name: _field_copy(field) for name, field in self.items()}


# The copies `_field_copy` makes as Django does; a field of any other kind (one with fields
# of its own, say) goes through its own `__deepcopy__`.
_PLAIN_COPIES = {
    forms.Field.__deepcopy__,
    forms.ChoiceField.__deepcopy__,
    forms.ModelChoiceField.__deepcopy__,
}


def _field_copy(field: forms.Field) -> forms.Field:
    if type(field).__deepcopy__ not in _PLAIN_COPIES:
        return copy.deepcopy(field)
    copied = object.__new__(type(field))
    copied.__dict__.update(field.__dict__)
    copied.widget = field.widget.__deepcopy__({})  # what copy.deepcopy calls
    copied.error_messages = field.error_messages.copy()
    copied.validators = field.validators[:]
    if isinstance(field, forms.ModelChoiceField):
        if field.queryset is not None:
            copied.queryset = field.queryset  # a new queryset, and choices read from it
    elif isinstance(field, forms.ChoiceField):
        copied._choices = copy.copy(field._choices)
    return copied


def _translated(text):
    """A lazy translation as text in the active language; anything else as it is."""
    return str(text) if isinstance(text, Promise) else text


def _translated_choices(choices: list) -> list:
    return [
        (_translated(value), _translated_choices(label))
        if isinstance(label, list)
        else (value, _translated(label))
        for value, label in choices
    ]


# What leaving each party field of the evidence form empty means: its empty choice.
_NO_PARTY = {
    "concerns_party": _("— the whole commitment —"),
    "claimed_by": _("— nobody: an independent observation —"),
}


def _evidence_field(model_field, **kwargs) -> forms.Field | None:
    """The model field's form field; a party's with its empty choice (`_NO_PARTY`)."""
    if model_field.name in _NO_PARTY:
        kwargs["empty_label"] = _NO_PARTY[model_field.name]
    return model_field.formfield(**kwargs)


class EvidenceForm(FastWidgetsMixin, forms.ModelForm):
    class Meta:
        model = Evidence
        fields = list(EVIDENCE_FIELDS)
        formfield_callback = _evidence_field
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "quote": forms.Textarea(attrs={"rows": 2}),
            "occurred_on": DATE_INPUT,
            "source_date": DATE_INPUT,
            "source_url": forms.URLInput(attrs={"placeholder": "https://"}),
        }
        help_texts = {
            "summary": _("What was seen or reported, in your words."),
            "quote": _("A short quote from the source (up to 2,000 characters)."),
            "reliability": _("How far the source has been reliable (NATO / Admiralty scale)."),
            "credibility": _("How far this information is confirmed."),
            "claimed_by": _(
                "The party whose claim this is (an official statement, say); "
                "empty for independent observations."
            ),
        }
        # The models' own names, in the reader's language (marking the models' would change
        # their migrations).
        labels = {
            "summary": _("What was observed"),
            "occurred_on": _("When it happened"),
            "source_url": _("Source URL"),
            "source_publisher": _("Publisher"),
            "source_title": _("Source title"),
            "source_date": _("Source date"),
            "quote": _("Quote"),
            "attachment": _("Attachment"),
            "stance": _("Stance"),
            "reliability": _("Source reliability"),
            "credibility": _("Information credibility"),
            "concerns_party": _("Concerns party"),
            "claimed_by": _("Claim made by"),
        }

    def __init__(self, *args, parties=(), responsible=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_url"].assume_scheme = "https"
        responsible = list(parties if responsible is None else responsible)
        concerns = self.fields["concerns_party"]
        if self.is_bound:  # what a posted choice is checked against; a blank form needs none
            concerns.queryset = Party.objects.filter(pk__in=[party.pk for party in responsible])
        concerns.choices = [("", concerns.empty_label)] + [
            (party.pk, f"{party.name} ({party.code})") for party in responsible
        ]
        claimed_by = self.fields["claimed_by"]
        if self.is_bound:
            claimed_by.queryset = Party.objects.filter(pk__in=[party.pk for party in parties])
        claimed_by.choices = [("", claimed_by.empty_label)] + [
            (party.pk, f"{party.name} ({party.code})") for party in parties
        ]

    def _not_in_future(self, name: str) -> date | None:
        value = self.cleaned_data.get(name)
        if value and value > timezone.localdate():
            raise ValidationError(_("This date is in the future."))
        return value

    def clean_occurred_on(self) -> date | None:
        return self._not_in_future("occurred_on")

    def clean_source_date(self) -> date | None:
        return self._not_in_future("source_date")


class ExtensionForm(FastWidgetsMixin, forms.Form):
    """An editor records a deadline the parties agreed to move."""

    timeline_wording = forms.CharField(
        label=_("New timeline"),
        max_length=200,
        help_text=_("As the parties word it: 'by 30 June 2027', 'within 6 months'."),
    )
    milestone = forms.ModelChoiceField(
        queryset=Milestone.objects.none(),
        required=False,
        label=_("Counted from"),
        empty_label=_("the signing"),
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=limits.REASON
    )
    source_title = forms.CharField(label=_("Source"), max_length=300, required=False)
    source_url = forms.URLField(label=_("Source URL"), max_length=500, required=False)

    def __init__(self, *args, milestones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = milestones
        self.fields["source_url"].assume_scheme = "https"
        self.fields["source_url"].validators.append(web_url)


class StatusChangeForm(FastWidgetsMixin, forms.Form):
    # Every status is listed here; each form offers those it may move to (`__init__`).
    status = forms.ChoiceField(
        label=_("New status"), choices=[("", _("— choose —")), *CommitmentStatus.choices]
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=limits.REASON,
        help_text=_("Why the status moves; it stays in the commitment's history."),
    )
    evidence = forms.ModelChoiceField(
        queryset=Evidence.objects.none(),
        required=False,
        label=_("Cited evidence"),
        empty_label=_("— none —"),
    )
    unmet_criteria_reason = forms.CharField(
        label=_("Why implemented with criteria unmet"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=limits.REASON,
        required=False,
        help_text=_(
            "Only for “Implemented” while a completion criterion is unmet: why it counts as "
            "implemented all the same."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        commitment: Commitment,
        evidence: "CitableEvidence",
        **kwargs,
    ):
        kwargs.setdefault("initial", {"version": commitment.version})
        super().__init__(*args, **kwargs)
        self.commitment = commitment
        status = self.fields["status"]
        self._describe_status(status)
        current = self._current_status()
        status.choices = [choice for choice in status.choices if choice[0] != current]
        evidence.offer(self.fields["evidence"], bound=self.is_bound, shown=self._shown)

    def _current_status(self) -> str:
        """The status the form moves from (not offered in its list)."""
        return self.commitment.status

    def _describe_status(self, field: forms.ChoiceField) -> None:
        if len(self.commitment.responsible_parties.all()) > 1:
            field.help_text = _(
                "Moves every responsible party's status to it, with this reason; to move "
                "one party's, use its form under “Status by party”."
            )

    def _shown(self, item: Evidence) -> bool:
        """Whether the evidence is offered in the list (any standing evidence may be cited)."""
        return True

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give a reason for the change."))
        return reason


class ObligationStatusForm(StatusChangeForm):
    """One party's status on a commitment (`services.obligation_set_status`): the status
    form's fields, prefixed by the party so that each party's form on the page has its own
    ids, with the obligation's version."""

    def __init__(self, *args, obligation, evidence: "CitableEvidence", **kwargs):
        kwargs.setdefault("initial", {"version": obligation.version})
        kwargs.setdefault("prefix", f"party-{obligation.party_id}")
        self.obligation = obligation
        super().__init__(*args, commitment=obligation.commitment, evidence=evidence, **kwargs)

    def _current_status(self) -> str:
        return self.obligation.status

    def _describe_status(self, field: forms.ChoiceField) -> None:
        field.label = _("New status of %(party)s") % {"party": self.obligation.party.code}

    def _shown(self, item: Evidence) -> bool:
        """The evidence about the whole commitment or about this party."""
        return item.concerns_party_id in (None, self.obligation.party_id)


class CriterionMetForm(FastWidgetsMixin, forms.Form):
    """Mark one of the commitment's criteria met on a day, citing its evidence; or, with
    `unmet`, not met after all. Prefixed: the page's status form has an `evidence` field too."""

    prefix = "criterion"
    criterion = forms.ModelChoiceField(
        queryset=Criterion.objects.none(), label=_("Criterion"), empty_label=_("— choose —")
    )
    met_on = forms.DateField(label=_("Met on"), required=False, widget=DATE_INPUT)
    evidence = forms.ModelChoiceField(
        queryset=Evidence.objects.none(),
        required=False,
        label=_("Evidence that shows it"),
        empty_label=_("— none —"),
    )

    def __init__(self, *args, criteria: list[Criterion], evidence: "CitableEvidence", **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.fields["criterion"].queryset = Criterion.objects.filter(
                pk__in=[criterion.pk for criterion in criteria]
            )
        choose = self.fields["criterion"]
        choose.choices = [("", choose.empty_label)] + [
            (criterion.pk, criterion.text[:90]) for criterion in criteria
        ]
        evidence.offer(self.fields["evidence"], bound=self.is_bound)


class CitableEvidence:
    """The evidence a status change or a criterion may cite: the commitment's, still
    standing, each with its label in a form's list. Built once for all the forms of a page
    (the status form, each party's, the criterion form) from the evidence the page read."""

    def __init__(self, evidence: list[Evidence]) -> None:
        self.items = [
            (item, f"{item.logged_at:%d %b %Y} · {item.grading} · {item.summary[:70]}")
            for item in evidence
            if not item.is_retracted
        ]

    def offer(self, field: forms.ModelChoiceField, *, bound: bool, shown=None) -> None:
        """Offer the evidence (those `shown` approves) in a form's `field`; a posted form
        (`bound`) is checked against all of it."""
        if bound:
            field.queryset = Evidence.objects.filter(pk__in=[item.pk for item, label in self.items])
        field.choices = [("", field.empty_label)] + [
            (item.pk, label) for item, label in self.items if shown is None or shown(item)
        ]


class RetractForm(forms.Form):
    evidence = forms.IntegerField(widget=forms.HiddenInput)
    retraction_reason = forms.CharField(
        label=_("Why is it retracted?"),
        max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_retraction_reason(self) -> str:
        reason = self.cleaned_data["retraction_reason"].strip()
        if not reason:
            raise ValidationError(_("Say why this evidence is retracted."))
        return reason


ANY = [("", _("Any"))]


class FilterChoiceField(forms.ChoiceField):
    """A filter form's choice: each form sets its choices translated (`_filter_words`), so
    its copy of the class's field shares the class's choices rather than copying each label
    deeply first, for a form of a few dozen choices."""

    def __deepcopy__(self, memo):
        copied = forms.Field.__deepcopy__(self, memo)
        copied._choices = self._choices
        return copied


class FilterForm(FastWidgetsMixin, forms.Form):
    """Filters read from the query string. A bad value is reported beside its field and
    ignored; it never fails the page."""

    def __init__(self, *args, parties: list[Party] = (), **kwargs):
        super().__init__(*args, **kwargs)
        labels, choices = _filter_words(type(self), translation.get_language())
        for name, field in self.fields.items():
            field.label = labels[name]
            if name in choices:
                field.choices = choices[name]
        if "party" in self.fields:
            self.fields["party"].choices = choices[""] + [
                (party.code, party.name) for party in parties
            ]

    def filters(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}


@cache
def _filter_words(form_class: type, language: str | None) -> tuple[dict, dict]:
    """A filter form's labels and choices (by field; the choice "Any" alone as `""`) as the
    class declares them, translated into `language` once per process: they are the code's
    words, never data, and a form translated each at every request."""
    with translation.override(language):
        labels = {name: str(field.label) for name, field in form_class.base_fields.items()}
        choices = {
            name: [(value, str(label)) for value, label in field.choices]
            for name, field in form_class.base_fields.items()
            if isinstance(field, forms.ChoiceField) and field.choices
        }
        choices[""] = [(value, str(label)) for value, label in ANY]
    return labels, choices


class CommitmentFilterForm(FilterForm):
    """The agreement page's table filters; they live in the URL so a view can be shared."""

    q = forms.CharField(label=_("Text"), required=False, max_length=100)
    status = FilterChoiceField(
        label=_("Status"), choices=ANY + CommitmentStatus.choices, required=False
    )
    party = FilterChoiceField(label=_("Responsible"), required=False)
    theme = FilterChoiceField(label=_("Theme"), choices=ANY + Theme.choices, required=False)
    overdue = FilterChoiceField(
        label=_("Overdue"),
        choices=[("", _("Any")), ("yes", _("Overdue")), ("no", _("Not overdue"))],
        required=False,
    )
    due_within = forms.IntegerField(
        label=_("Due within (days)"), required=False, min_value=0, max_value=3650
    )
    warning = FilterChoiceField(
        label=_("Warning"),
        choices=ANY + list(WARNINGS.items()),
        required=False,
    )
    sort = FilterChoiceField(
        label=_("Sort"), choices=sort_choices(COMMITMENT_SORTS), required=False
    )


class AgreementFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    party = FilterChoiceField(label=_("Party"), required=False)
    status = FilterChoiceField(
        label=_("Status"), choices=ANY + AgreementStatus.choices, required=False
    )
    sort = FilterChoiceField(label=_("Sort"), choices=sort_choices(AGREEMENT_SORTS), required=False)


class OverdueFilterForm(FilterForm):
    party = FilterChoiceField(label=_("Party"), required=False)
    theme = FilterChoiceField(label=_("Theme"), choices=ANY + Theme.choices, required=False)
    priority = FilterChoiceField(
        label=_("Priority"), choices=ANY + Priority.choices, required=False
    )


class SearchForm(FastWidgetsMixin, forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            ("", _("Everything")),
            ("agreements", _("Agreements")),
            ("commitments", _("Commitments")),
            ("evidence", _("Evidence")),
        ],
        required=False,
    )


class LanguageForm(forms.Form):
    """The preferences page's language: one of the site's, or the browser's."""

    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("Of the pages, the weekly digest and your notifications."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            ("", _("Follow my browser")),
            *settings.LANGUAGES,
        ]


class DigestPreferencesForm(forms.Form):
    """The weekly digest's settings; only agreements the user may see can be followed."""

    digest_enabled = forms.BooleanField(
        label=_("Send me the weekly digest"),
        required=False,
        help_text=_(
            "One e-mail a week: what is overdue, what became overdue or was implemented "
            "since the last one, and what falls due in the next 14 days."
        ),
    )
    digest_scope = forms.ChoiceField(
        label=_("The digest covers"), choices=DigestScope.choices, widget=forms.RadioSelect
    )
    followed_agreements = forms.ModelMultipleChoiceField(
        label=_("Agreements I follow"),
        queryset=Agreement.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["followed_agreements"].queryset = agreements.order_by("title")

    def clean(self) -> dict:
        cleaned = super().clean()
        if (
            cleaned.get("digest_scope") == DigestScope.FOLLOWED
            and cleaned.get("digest_enabled")
            and not cleaned.get("followed_agreements")
        ):
            self.add_error(
                "followed_agreements",
                _("Follow at least one agreement, or let the digest cover all of them."),
            )
        return cleaned
