"""The notifications page's forms: the events and reminder offsets, and a new channel."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import ChannelKind
from .channels import MAX_REMINDER_OFFSETS


class NotificationSettingsForm(forms.Form):
    on_status_change = forms.BooleanField(
        label=gettext_lazy("A commitment I follow changes status"), required=False
    )
    on_evidence = forms.BooleanField(
        label=gettext_lazy("New evidence on a commitment I follow"), required=False
    )
    on_overdue = forms.BooleanField(
        label=gettext_lazy("A commitment I follow is flagged overdue"), required=False
    )
    on_reminder = forms.BooleanField(
        label=gettext_lazy("A deadline of a commitment I follow is near"), required=False
    )
    on_proposal = forms.BooleanField(
        label=gettext_lazy("New proposals wait in the evidence inbox of an agreement I follow"),
        required=False,
    )
    reminder_offsets = forms.CharField(
        label=gettext_lazy("Remind me this many days before a deadline"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Whole days, separated by commas, such as 30, 7, 1."),
    )

    def clean_reminder_offsets(self) -> list[int]:
        text = self.cleaned_data["reminder_offsets"]
        parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
        if not all(part.isascii() and part.isdigit() for part in parts):
            raise ValidationError(_("Write whole numbers of days separated by commas."))
        days = sorted({int(part) for part in parts}, reverse=True)
        if any(not 1 <= day <= 365 for day in days):
            raise ValidationError(_("Each reminder is 1 to 365 days before the deadline."))
        if len(days) > MAX_REMINDER_OFFSETS:
            raise ValidationError(
                _("Choose at most %(count)d reminders.") % {"count": MAX_REMINDER_OFFSETS}
            )
        return days

    def events(self) -> dict[str, bool]:
        names = ("on_status_change", "on_evidence", "on_overdue", "on_reminder", "on_proposal")
        return {name: self.cleaned_data[name] for name in names}


class ChannelForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Send to"), choices=ChannelKind.choices, widget=forms.RadioSelect
    )
    url = forms.CharField(
        label=gettext_lazy("Apprise URL"),
        required=False,
        max_length=2000,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=gettext_lazy(
            "For a service: slack://…, msteams://…, matrix://…, tgram://…, or a webhook "
            "json://… / jsons://… (see the Apprise documentation for each service's form)."
        ),
    )
    label = forms.CharField(label=gettext_lazy("Name (optional)"), required=False, max_length=100)

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("kind") == ChannelKind.APPRISE and not cleaned.get("url"):
            self.add_error("url", _("Enter the service's Apprise URL."))
        return cleaned
