"""The admin's forms: each runs the checks of the service its admin saves through, so that
whatever the service would refuse is shown beside its field instead of failing the save."""

from django import forms
from django.core.exceptions import ValidationError

from . import deadlines, selectors, services
from .models import Commitment, Evidence, Party
from .models.agreements import slug_from_title


def add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal beside the form's fields of those names, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


class CommitmentForm(forms.ModelForm):
    """Reads the timeline wording at once, and runs the checks `services.commitment_save`
    makes, so that whatever it would refuse is an error beside its field, never a failed
    save."""

    class Meta:
        model = Commitment
        fields = [
            "agreement",
            "reference",
            "title",
            "description",
            "theme",
            "responsible_parties",
            "timeline_wording",
            "deadline_milestone",
            "priority",
            "depends_on",
        ]

    def clean_timeline_wording(self) -> str:
        wording = self.cleaned_data.get("timeline_wording", "")
        try:
            deadlines.parse_timeline(wording)
        except deadlines.TimelineError as error:
            raise ValidationError(str(error)) from None
        return wording

    def _post_clean(self) -> None:
        # After the instance holds the posted values (a move to another agreement too).
        super()._post_clean()
        if "agreement" not in self.fields or self.instance.agreement_id is None:
            return  # an inline: its formset checks against the parties posted beside it
        responsible = self.cleaned_data.get("responsible_parties")
        prerequisites = self.cleaned_data.get("depends_on")
        try:
            services.commitment_check(
                commitment=self.instance,
                responsible=None if responsible is None else list(responsible),
                prerequisites=None if prerequisites is None else list(prerequisites),
            )
        except ValidationError as error:
            add_errors(self, error)


class CommitmentInlineFormSet(forms.BaseInlineFormSet):
    """Checks responsible parties against the parties chosen on the same page: those of every
    commitment kept, so that a party leaves the agreement only with its last commitment."""

    def clean(self) -> None:
        super().clean()
        if "parties" in self.data:
            agreement_parties = Party.objects.filter(pk__in=self.data.getlist("parties"))
        else:
            agreement_parties = self.instance.parties.all()
        agreement_parties = list(agreement_parties)
        for form in self.forms:
            if self._should_delete_form(form) or not hasattr(form, "cleaned_data"):
                continue
            if form.instance.pk is None and not form.has_changed():
                continue
            try:
                services.commitment_check_parties(
                    agreement_parties=agreement_parties,
                    responsible=form.cleaned_data.get("responsible_parties") or [],
                )
                services.commitment_check_milestone(
                    agreement=self.instance, milestone=form.cleaned_data.get("deadline_milestone")
                )
            except ValidationError as error:
                add_errors(form, error)


class MilestoneInlineFormSet(forms.BaseInlineFormSet):
    """The signing milestone is not among the inline's (it follows the agreement's date), so
    its name is checked here rather than by the formset's own uniqueness check."""

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            if self._should_delete_form(form) or not form.has_changed():
                continue
            if getattr(form, "cleaned_data", {}).get("name") == services.SIGNING_NAME:
                form.add_error(
                    "name",
                    "The signing milestone follows the agreement's date; name this one otherwise.",
                )


SLUG_HELP = "Stable short name used in URLs and imports; left empty, made from the title."


class AgreementForm(forms.ModelForm):
    """The slug, left empty, is made from the title on the server (`slug_from_title`): the
    admin's prepopulating script drops the letters it cannot map, en dashes among them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = SLUG_HELP

    def clean_slug(self) -> str:
        """Before the model's uniqueness check, whose message would confirm that an agreement
        the editor may not see holds the slug. A slug made from the title takes the first
        free one, as the refusal of a typed one would propose."""
        slug = self.cleaned_data["slug"]
        if not slug:
            made = slug_from_title(self.cleaned_data.get("title", ""))
            if not made:
                raise ValidationError("Give a slug: none can be made from this title.")
            return made if made == self.instance.slug else selectors.agreement_free_slug(made)
        try:
            services.agreement_check_slug(agreement=self.instance, slug=slug)
        except ValidationError as error:
            raise ValidationError(error.message_dict["slug"]) from None
        return slug

    def clean_parties(self):
        parties = self.cleaned_data["parties"]
        try:
            services.agreement_check_parties(parties=parties)
        except ValidationError as error:
            raise ValidationError(error.message_dict["parties"]) from None
        return parties

    def clean(self):
        """Public or restricted to teams, never both: refused beside "public"."""
        cleaned = super().clean()
        if "is_public" in self.fields and "teams" in cleaned:
            try:
                services.agreement_restrict_check(
                    is_public=cleaned.get("is_public", False), teams=cleaned["teams"]
                )
            except ValidationError as error:
                self.add_error("is_public", error.message_dict["is_public"])
        return cleaned


class EvidenceAdminForm(forms.ModelForm):
    """Corrections to evidence (the Evidence page and the commitment's inline): the claimant
    must be a party to the commitment's agreement, and nothing is dated in the future."""

    class Meta:
        model = Evidence
        fields = list(services.EVIDENCE_FIELDS)

    def _post_clean(self) -> None:
        super()._post_clean()
        evidence = self.instance
        try:
            commitment = evidence.commitment
        except Commitment.DoesNotExist:
            return
        if commitment.agreement_id is None:
            return  # the commitment's own form reports its agreement
        for check, kwargs in (
            (
                services.evidence_check_claimant,
                {"commitment": commitment, "claimant": evidence.claimed_by},
            ),
            (
                services.evidence_check_dates,
                {"occurred_on": evidence.occurred_on, "source_date": evidence.source_date},
            ),
            *(
                [
                    (
                        services.evidence_check_concerns,
                        {"commitment": commitment, "party": evidence.concerns_party},
                    )
                ]
                if commitment.pk is not None
                else []
            ),
        ):
            try:
                check(**kwargs)
            except ValidationError as error:
                add_errors(self, error)


def evidence_fields(form: forms.ModelForm, *, every: bool = False) -> dict:
    """What the form holds of the fields `services.evidence_log` takes: every one for new
    evidence, the changed ones for a correction (a cleared upload as empty)."""
    names = [
        name
        for name in services.EVIDENCE_FIELDS
        if name in form.cleaned_data and (every or name in form.changed_data)
    ]
    fields = {name: form.cleaned_data[name] for name in names}
    if "attachment" in fields and not fields["attachment"]:
        fields["attachment"] = ""
    return fields
