"""The round page's forms: open a round, move its cut-off, reply for a party."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import DATE_INPUT
from ..models import RoundKind
from ..models.limits import REASON, REPLY


class RoundOpenForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RoundKind.choices)
    cutoff = forms.DateField(
        label=_("Cut-off date"),
        widget=DATE_INPUT,
        help_text=_("The round freezes what was recorded by the end of this day."),
    )


class CutoffForm(forms.Form):
    cutoff = forms.DateField(label=_("Cut-off date"), widget=DATE_INPUT)


class ReplyForm(forms.Form):
    """A reply about one commitment; the party is chosen by an editor, fixed (`fixed_party`)
    for a party's representative. The choices come from the round's snapshot."""

    commitment_id = forms.TypedChoiceField(label=_("Commitment"), coerce=int)
    party = forms.TypedChoiceField(label=_("For the party"), coerce=int)
    text = forms.CharField(
        label=_("Reply"), widget=forms.Textarea(attrs={"rows": 4}), max_length=REPLY
    )
    recalibrated_score = forms.TypedChoiceField(
        label=_("Recalibrated score"), coerce=int, empty_value=None, required=False
    )
    recalibration_reason = forms.CharField(
        label=_("Why the score should change"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON,
        required=False,
    )

    def __init__(self, *args, snapshot: dict, fixed_party: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commitment_id"].choices = [
            (item["id"], f"{item['reference']} {item['title']}"[:120])
            for item in snapshot["commitments"]
        ]
        parties = snapshot["agreement"]["parties"]
        self.fields["party"].choices = [(party["id"], party["name"]) for party in parties]
        if fixed_party is not None:
            # A representative's own party; the service refuses any other posted.
            self.fields["party"].widget = forms.HiddenInput()
            self.fields["party"].initial = fixed_party
        scale = snapshot["scale"]
        self.fields["recalibrated_score"].choices = [("", _("No change"))] + [
            (points, str(points)) for points in range(scale["min"], scale["max"] + 1)
        ]
