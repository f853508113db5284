"""The forms of the drafting page: paste a text, then review what `drafting` proposes.

`DraftReview` holds one review (the new agreement's form, the commitments' formset and the
source form), validates them together and saves through `services.agreement_accept_draft`.
Validation of input lives here; the rules (parties of the agreement, unique references,
due dates) stay in services and models, and their errors are shown beside the fields.
"""

from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import deadlines, drafting, gazetteer, selectors, services
from .forms import DATE_INPUT
from .models import Agreement, Commitment, Party, Source, Theme, User, limits
from .models.agreements import slug_from_title
from .models.validators import web_url

MAX_PASTE = 100_000


class PasteForm(forms.Form):
    text = forms.CharField(
        label=_("Article or agreement text"),
        max_length=MAX_PASTE,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
        help_text=_(
            "Paste the whole text, stray HTML and all. Nothing is saved until you "
            "accept the commitments on the next page."
        ),
    )
    agreement = forms.ModelChoiceField(
        queryset=Agreement.objects.none(),
        to_field_name="slug",
        required=False,
        label=_("Add the commitments to"),
        empty_label=_("— a new agreement —"),
    )

    def __init__(self, *args, agreements: QuerySet[Agreement], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = agreements.order_by("title")

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if not text.strip():
            raise ValidationError(_("Paste the text of an article or an agreement."))
        return text


class NewAgreementForm(forms.ModelForm):
    parties = forms.MultipleChoiceField(
        label=_("Parties"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ticked: the parties the text names in its headline or most often."),
    )

    class Meta:
        model = Agreement
        fields = ["title", "slug", "signed_on", "signed_on_kind", "status", "summary"]
        widgets = {"signed_on": DATE_INPUT, "summary": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "title": _("Title"),
            "slug": _("Slug"),
            "signed_on": _("Signed or announced on"),
            "signed_on_kind": _("Date is"),
            "status": _("Status"),
            "summary": _("Summary"),
        }
        help_texts = {
            "slug": _("Stable short name used in URLs and imports."),
            "signed_on": _(
                "The day it was signed, or announced if it never was. "
                "Deadlines counted from the signing follow this date."
            ),
        }

    def __init__(self, *args, party_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"].choices = party_choices

    def clean_slug(self) -> str:
        """Before the model's uniqueness check, whose message would confirm that an agreement
        the editor may not see holds the slug."""
        slug = self.cleaned_data["slug"]
        try:
            services.agreement_check_slug(agreement=self.instance, slug=slug)
        except ValidationError as error:
            raise ValidationError(error.message_dict["slug"]) from None
        return slug

    def clean_parties(self) -> list[str]:
        codes = self.cleaned_data["parties"]
        if len(codes) < 2:
            raise ValidationError(_("An agreement binds two or more parties: tick at least two."))
        return codes


class SourceForm(forms.Form):
    title = forms.CharField(
        label=_("Record the article as a source, titled"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to record no source."),
    )
    url = forms.URLField(
        label=_("Its address"),
        max_length=500,
        required=False,
        assume_scheme="https",
        validators=[web_url],
    )


class ProposalForm(forms.Form):
    include = forms.BooleanField(label=_("Accept"), required=False)
    reference = forms.CharField(label=_("Reference"), max_length=30, required=False)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=limits.DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    timeline_wording = forms.CharField(label=_("Timeline"), max_length=200, required=False)
    theme = forms.ChoiceField(label=_("Theme"), choices=Theme.choices, initial=Theme.OTHER)
    responsible_parties = forms.MultipleChoiceField(
        label=_("Responsible"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, party_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_parties"].choices = party_choices
        self.proposal: drafting.Proposal | None = None

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("include"):
            return data  # dropped: nothing else matters
        if not data.get("reference", "").strip():
            self.add_error("reference", _("Give it a reference, such as 2.1."))
        if not data.get("title", "").strip():
            self.add_error("title", _("Give the commitment a title."))
        try:
            deadlines.parse_timeline(data.get("timeline_wording", ""))
        except deadlines.TimelineError as error:
            self.add_error("timeline_wording", str(error))
        return data

    @property
    def is_included(self) -> bool:
        return bool(getattr(self, "cleaned_data", {}).get("include"))


class BaseProposalFormSet(forms.BaseFormSet):
    """Checks across rows: references unique (and free in the agreement), parties known."""

    def __init__(self, *args, taken_references=(), agreement_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.taken_references = set(taken_references)
        self.agreement_codes = set(agreement_codes)

    def clean(self) -> None:
        seen: dict[str, int] = {}
        included = [form for form in self.forms if form.is_included]
        for number, form in enumerate(self.forms, start=1):
            if not form.is_included:
                continue
            reference = form.cleaned_data.get("reference", "").strip()
            if reference in self.taken_references:
                form.add_error(
                    "reference",
                    _("The agreement already has a commitment %(reference)s.")
                    % {"reference": reference},
                )
            elif reference and reference in seen:
                form.add_error(
                    "reference",
                    _("Row %(row)s already uses %(reference)s.")
                    % {"row": seen[reference], "reference": reference},
                )
            seen.setdefault(reference, number)
            outsiders = sorted(
                set(form.cleaned_data.get("responsible_parties", [])) - self.agreement_codes
            )
            if outsiders:
                form.add_error(
                    "responsible_parties",
                    ngettext(
                        "%(parties)s is not a party to this agreement; tick it among the "
                        "agreement's parties first.",
                        "%(parties)s are not a party to this agreement; tick it among the "
                        "agreement's parties first.",
                        len(outsiders),
                    )
                    % {"parties": ", ".join(outsiders)},
                )
        if not included:
            raise ValidationError(_("Tick “Accept” on at least one commitment."))


ProposalFormSet = forms.formset_factory(ProposalForm, formset=BaseProposalFormSet, extra=1)


def _proposal_initial(proposal: drafting.Proposal, agreement_codes: list[str]) -> dict:
    # Parties the item names but the agreement does not are left for the editor to add.
    named = [code for code in proposal.party_codes if code in agreement_codes]
    return {
        "include": proposal.suggested_include,
        "reference": proposal.reference,
        "title": proposal.title,
        "description": proposal.description,
        "timeline_wording": proposal.timeline_wording,
        "theme": proposal.theme,
        "responsible_parties": named or agreement_codes,
    }


class DraftReview:
    """One review of a draft: the forms bound to the POST when accepting, else prefilled."""

    def __init__(self, *, text: str, agreement: Agreement | None, user: User, data=None):
        self.agreement = agreement
        self.user = user
        existing = []
        if agreement is not None:
            existing = list(agreement.commitments.values_list("reference", flat=True))
        self.saved = {party.code: party for party in Party.objects.order_by("name")}
        self.draft = drafting.draft_from_text(
            text,
            first_block=drafting.next_block(existing),
            extra_parties=tuple(
                gazetteer.Entry(party.code, party.name, party.kind) for party in self.saved.values()
            ),
        )
        self.known = self._known_parties()
        if agreement is None:
            choices = [(code, str(party)) for code, party in self.known.items()]
            self.agreement_form = NewAgreementForm(
                data, prefix="new", party_choices=choices, initial=self._agreement_initial()
            )
            codes = self._posted_codes(data) if data else self.draft.suggested_party_codes
            row_codes = list(dict.fromkeys([p.code for p in self.draft.parties] + codes))
        else:
            self.agreement_form = None
            codes = row_codes = [party.code for party in agreement.parties.all()]
        self.source_form = SourceForm(data, prefix="source", initial={"title": self.draft.title})
        self.formset = ProposalFormSet(
            data,
            prefix="c",
            initial=[_proposal_initial(p, codes) for p in self.draft.proposals],
            form_kwargs={"party_choices": [(c, str(self.known[c])) for c in row_codes]},
            taken_references=existing,
            agreement_codes=codes,
        )
        for form, proposal in zip(self.formset.forms, self.draft.proposals, strict=False):
            form.proposal = proposal

    def _known_parties(self) -> dict[str, Party]:
        """The parties the text names (saved ones first, else from the gazetteer), then the
        other saved parties: the choices for a new agreement. A saved party with a named
        one's name is not listed twice; saving matches them by name."""
        saved = self.saved
        known = {}
        for named in self.draft.parties:
            known[named.code] = saved.get(named.code) or Party(
                code=named.code, name=named.name, kind=named.kind
            )
        names = {party.name.lower() for party in known.values()}
        others = {
            code: party
            for code, party in saved.items()
            if code not in known and party.name.lower() not in names
        }
        return known | others

    def _agreement_initial(self) -> dict:
        return {
            "title": self.draft.title,
            "slug": selectors.agreement_free_slug(slug_from_title(self.draft.title)),
            "summary": self.draft.summary,
            "parties": self.draft.suggested_party_codes,
        }

    @cached_property
    def similar_agreements(self) -> list[Agreement]:
        """For a new agreement: those the editor may see with the same parties and a
        near-identical title, which the commitments may belong to instead."""
        form = self.agreement_form
        if form is None:
            return []
        if form.is_bound:
            title = form.data.get(form.add_prefix("title"), "")
            codes = self._posted_codes(form.data)
        else:
            title, codes = form.initial["title"], form.initial["parties"]
        parties = [self.known[code] for code in codes]
        return selectors.agreements_like(self.user, title=title, parties=parties)

    def _posted_codes(self, data) -> list[str]:
        return [code for code in data.getlist("new-parties") if code in self.known]

    def is_valid(self) -> bool:
        forms_valid = [self.formset.is_valid(), self.source_form.is_valid()]
        if self.agreement_form is not None:
            forms_valid.append(self.agreement_form.is_valid())
        return all(forms_valid)

    def save(self) -> Agreement | None:
        """Save through the service; on refusal, put its message beside the field and
        return None (the transaction saved nothing)."""
        agreement = self.agreement or self.agreement_form.instance
        parties = []
        if self.agreement is None:
            parties = [self.known[code] for code in self.agreement_form.cleaned_data["parties"]]
        rows = [form for form in self.formset.forms if form.is_included]
        commitments = [
            (self._commitment(form.cleaned_data), form.cleaned_data["responsible_parties"])
            for form in rows
        ]
        try:
            return services.agreement_accept_draft(
                agreement=agreement,
                parties=parties,
                commitments=commitments,
                source=self._source(),
            )
        except services.DraftRowInvalid as refused:
            _add_error(rows[refused.index], refused.error)
        except ValidationError as error:
            _add_error(self.agreement_form or self.source_form, error)
        if self.agreement is None:
            agreement.pk = None  # the rolled-back row does not exist
        return None

    @staticmethod
    def _commitment(data: dict) -> Commitment:
        return Commitment(
            reference=data["reference"].strip(),
            title=data["title"].strip(),
            description=data["description"].strip(),
            timeline_wording=data["timeline_wording"].strip(),
            theme=data["theme"],
        )

    def _source(self) -> Source | None:
        data = self.source_form.cleaned_data
        if not data["title"].strip():
            return None
        return Source(kind=Source.Kind.ARTICLE, title=data["title"].strip(), url=data["url"])

    @property
    def proposed_count(self) -> int:
        return len(self.draft.proposals)

    @property
    def error_count(self) -> int:
        """Fields (and forms) refused, for the summary at the top of the page."""
        page_forms = [self.source_form, *self.formset.forms]
        if self.agreement_form is not None:
            page_forms.append(self.agreement_form)
        bound = [form for form in page_forms if form.is_bound]
        return sum(len(form.errors) for form in bound) + len(self.formset.non_form_errors())


def _add_error(form: forms.Form, error: ValidationError) -> None:
    """The service's message beside the form's field of that name, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)
