"""The evidence inbox's forms. Accepting asks for what a person must decide (the grade, the
stance, whose claim it is: none has a default) and prefills what the item says (its address,
title, date, excerpt as the quote, the source's default reliability)."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .forms import DATE_INPUT, FastWidgetsMixin
from .models import Credibility, Party, Proposal, Reliability, Stance, limits
from .models.validators import web_url

CHOOSE = [("", _("— choose —"))]
NOBODY = "nobody"


class AcceptForm(FastWidgetsMixin, forms.Form):
    summary = forms.CharField(
        label=_("What was observed"),
        max_length=limits.EVIDENCE_SUMMARY,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In your words; the item's title to start with."),
    )
    occurred_on = forms.DateField(label=_("When it happened"), required=False, widget=DATE_INPUT)
    source_url = forms.URLField(
        label=_("Source URL"), max_length=500, validators=[web_url], assume_scheme="https"
    )
    source_title = forms.CharField(label=_("Source title"), max_length=300, required=False)
    source_publisher = forms.CharField(label=_("Publisher"), max_length=200, required=False)
    source_date = forms.DateField(label=_("Source date"), required=False, widget=DATE_INPUT)
    quote = forms.CharField(
        label=_("Quote"),
        max_length=limits.QUOTE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    stance = forms.ChoiceField(label=_("Stance"), choices=CHOOSE + Stance.choices)
    reliability = forms.ChoiceField(
        label=_("Source reliability"),
        choices=Reliability.choices,
        help_text=_("The source's default grade; change it if this item deserves another."),
    )
    credibility = forms.TypedChoiceField(
        label=_("Information credibility"), choices=CHOOSE + Credibility.choices, coerce=int
    )
    claimed_by = forms.ChoiceField(label=_("Claim made by"))

    def __init__(self, *args, proposal: Proposal, parties: list[Party], **kwargs):
        item = proposal.item
        kwargs.setdefault(
            "initial",
            {
                "summary": item.title,
                "source_url": proposal.canonical_url,
                "source_title": item.title,
                "source_publisher": item.source.name,
                "source_date": item.published_on,
                "occurred_on": item.published_on,
                "quote": item.excerpt,
                "reliability": item.source.reliability,
            },
        )
        kwargs.setdefault("prefix", f"accept-{proposal.pk}")
        super().__init__(*args, **kwargs)
        self.parties = {str(party.pk): party for party in parties}
        self.fields["claimed_by"].choices = (
            CHOOSE
            + [(NOBODY, _("nobody: an independent observation"))]
            + [(str(party.pk), f"{party.name} ({party.code})") for party in parties]
        )

    def _not_in_future(self, name: str) -> date | None:
        value = self.cleaned_data.get(name)
        if value and value > timezone.localdate():
            raise ValidationError(_("This date is in the future."))
        return value

    def clean_occurred_on(self) -> date | None:
        return self._not_in_future("occurred_on")

    def clean_source_date(self) -> date | None:
        return self._not_in_future("source_date")

    def clean_claimed_by(self) -> Party | None:
        value = self.cleaned_data["claimed_by"]
        return None if value == NOBODY else self.parties[value]


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=limits.REASON, required=False)


class RetargetForm(forms.Form):
    commitment = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class BulkRejectForm(forms.Form):
    """The ticked proposals are read by the view (`proposal`, repeated), among those waiting
    that the user may see."""

    reason = forms.CharField(label=_("Reason"), max_length=limits.REASON, required=False)
