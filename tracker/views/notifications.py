"""The notifications page: which events, which reminders, which channels (added, tested,
resumed, deleted). One view serves the page and its POST actions: a plain POST redirects
after success (or shows the page with the form's errors); an htmx POST gets the
`notification-channels` fragment back, rebuilt from fresh queries."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ..models import NotificationChannel, NotificationSettings, ReminderOffset, User
from ..notifications import channels
from ..notifications.forms import ChannelForm, NotificationSettingsForm
from ..ratelimit import rate_limit_wait
from .common import member_required, vary_on_htmx

TEMPLATE = "tracker/notifications.html"
# "Send a test" talks to the service while the page waits: a few a minute are enough.
TESTS_PER_MINUTE = 5


def _get_channel_for_user(user: User, pk: str | None) -> NotificationChannel:
    if not pk or not pk.isdigit():
        raise Http404
    return get_object_or_404(NotificationChannel, pk=int(pk), user=user)


def _settings_form(user: User, data=None) -> NotificationSettingsForm:
    chosen = NotificationSettings.objects.filter(user=user).first() or NotificationSettings()
    offsets = ReminderOffset.objects.filter(user=user).order_by("-days")
    initial = {
        "on_status_change": chosen.on_status_change,
        "on_evidence": chosen.on_evidence,
        "on_overdue": chosen.on_overdue,
        "on_reminder": chosen.on_reminder,
        "on_proposal": chosen.on_proposal,
        "reminder_offsets": ", ".join(str(row.days) for row in offsets)
        or ", ".join(str(days) for days in channels.DEFAULT_REMINDER_OFFSETS),
    }
    return NotificationSettingsForm(data, initial=initial, prefix="events")


def _test_send(request: HttpRequest, channel: NotificationChannel) -> None:
    if rate_limit_wait("notify-test", str(request.user.pk), limit=TESTS_PER_MINUTE, seconds=60):
        messages.error(request, _("Too many tests in a minute: wait a little."))
        return
    title = _("Commitment tracker: test message")
    body = _("This is a test from the commitment tracker: this channel works.")
    try:
        channels.channel_send(channel, title=title, body=body, email=request.user.email)
    except channels.ChannelError as error:
        messages.error(request, _("The test was not delivered: %(error)s.") % {"error": error})
        return
    messages.success(request, _("Test sent to %(channel)s.") % {"channel": channel})


def _channel_action(request: HttpRequest, action: str) -> None:
    channel = _get_channel_for_user(request.user, request.POST.get("channel"))
    if action == "test":
        _test_send(request, channel)
    elif action == "resume":
        channels.channel_resume(channel=channel)
        messages.success(request, _("%(channel)s is back in use.") % {"channel": channel})
    else:
        channels.channel_delete(channel=channel)
        messages.success(request, _("%(channel)s is deleted.") % {"channel": channel})


def _add_channel(request: HttpRequest, form: ChannelForm) -> bool:
    if not form.is_valid():
        return False
    try:
        channels.channel_add(user=request.user, **form.cleaned_data)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return False
    messages.success(request, _("The channel is added: try “Send a test”."))
    return True


@member_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    settings_form = _settings_form(user)
    channel_form = ChannelForm(initial={"kind": "apprise"}, prefix="channel")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "settings":
            settings_form = _settings_form(user, request.POST)
            if settings_form.is_valid():
                channels.notification_settings_save(
                    user=user,
                    events=settings_form.events(),
                    offsets=settings_form.cleaned_data["reminder_offsets"],
                )
                messages.success(request, _("Your notification choices are saved."))
                return redirect("tracker:notifications")
        elif action == "add":
            channel_form = ChannelForm(request.POST, prefix="channel")
            if _add_channel(request, channel_form):
                if not request.htmx:
                    return redirect("tracker:notifications")
                channel_form = ChannelForm(initial={"kind": "apprise"}, prefix="channel")
        elif action in ("test", "resume", "delete"):
            _channel_action(request, action)
            if not request.htmx:
                return redirect("tracker:notifications")
        else:
            return HttpResponseBadRequest(_("Unknown action."))
    context = {
        "settings_form": settings_form,
        "channel_form": channel_form,
        "batch_minutes": settings.NOTIFY_BATCH_MINUTES,
        "channels": NotificationChannel.objects.filter(user=user).order_by("created_at", "pk"),
    }
    template = f"{TEMPLATE}#notification-channels" if request.htmx else TEMPLATE
    return vary_on_htmx(render(request, template, context))
