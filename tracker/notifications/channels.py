"""A user's channels and event choices: the writes (each a service, one transaction), the
check of an Apprise URL (Apprise reads it; a private or loopback target is refused unless
NOTIFY_ALLOW_PRIVATE_HOSTS), its masked display (the URL holds the service's token: never
shown back whole, never logged) and the one function that sends a message to a channel."""

import ipaddress
import logging
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

import apprise
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import (
    ChannelKind,
    NotificationChannel,
    NotificationSettings,
    ReminderOffset,
    User,
    secrets,
)

logger = logging.getLogger(__name__)

DEFAULT_REMINDER_OFFSETS = (30, 7, 1)
MAX_REMINDER_OFFSETS = 6
MAX_CHANNELS_PER_USER = 10


class ChannelError(Exception):
    """A message could not be handed to the channel's service; the text never holds the URL."""


UNREADABLE_URL = gettext_lazy(
    "this channel's Apprise URL can no longer be read (the site's secret key was changed): "
    "delete the channel and add it again with its URL"
)


def apprise_target(url: str):
    """The Apprise plugin for `url`, or ValidationError with what is wrong (the URL is not
    repeated: it may hold a token)."""
    url = url.strip()
    if "\x00" in url or any(char.isspace() for char in url):
        raise ValidationError(_("An Apprise URL has no spaces or control characters."))
    if not url:
        raise ValidationError(_("Enter an Apprise URL, such as slack://… or jsons://…"))
    scheme = url.partition("://")[0].lower() if "://" in url else ""
    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if plugin is None:
        if scheme and scheme not in apprise_schemes():
            raise ValidationError(
                _(
                    "“%(scheme)s” is not a service Apprise knows (such as slack, msteams, matrix, "
                    "tgram, json or jsons)."
                )
                % {"scheme": scheme[:20]}
            )
        raise ValidationError(
            _(
                "Apprise cannot read this URL: check it against the service's "
                "page in the Apprise documentation."
            )
        )
    _check_host(getattr(plugin, "host", None))
    # A public host could answer with a redirect to a private one: never followed (a URL's
    # own `redirect=yes` included); a webhook that redirects fails.
    plugin.redirects = False
    return plugin


@cache
def apprise_schemes() -> frozenset[str]:
    """Every scheme an installed Apprise plugin reads (slack, msteams, matrix, tgram, json…)."""
    return frozenset(
        protocol.lower()
        for service in apprise.Apprise().details()["schemas"]
        for protocol in (service.get("protocols") or ()) + (service.get("secure_protocols") or ())
    )


def _check_host(host: str | None) -> None:
    """Refuse a target on a loopback, private, link-local or reserved address. Only hosts that
    look like one (an IP, a dotted name, localhost) are resolved: many services put a token
    where the host would be (slack://TokenA/…)."""
    if not host or settings.NOTIFY_ALLOW_PRIVATE_HOSTS:
        return
    host = host.strip("[]")
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        if "." not in host and host.lower() != "localhost":
            return
        try:
            infos = socket.getaddrinfo(host, None)
        except (OSError, UnicodeError):
            return  # not resolvable now: sending will fail, and check again
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if any(not address.is_global for address in addresses):
        raise ValidationError(
            _("This URL points at a private, loopback or link-local address, which is not allowed.")
        )


def mask_url(url: str) -> str:
    """What the pages and the admin show of an Apprise URL: its scheme, and its host when it
    is a domain or an address; never the tokens, passwords, paths or query."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    shown = host if ("." in host or ":" in host or host == "localhost") else "…"
    port = f":{parts.port}" if shown != "…" and _port(parts) else ""
    return f"{parts.scheme}://{shown}{port}/…"


def _port(parts) -> int | None:
    try:
        return parts.port
    except ValueError:
        return None


def channel_display(channel: NotificationChannel) -> str:
    if channel.kind == ChannelKind.EMAIL:
        return _("E-mail to my address")
    if channel.url_unreadable:
        masked = _("Apprise URL unreadable: add the channel again")
    else:
        masked = mask_url(channel.url)
    return f"{channel.label} ({masked})" if channel.label else masked


# ---------------------------------------------------------------------------------------------
# The writes


def _settings_ensure(user: User) -> None:
    """Every event on and the default offsets, the first time a user adds a channel."""
    _, created = NotificationSettings.objects.get_or_create(user=user)
    if created:
        ReminderOffset.objects.bulk_create(
            [ReminderOffset(user=user, days=days) for days in DEFAULT_REMINDER_OFFSETS],
            ignore_conflicts=True,
        )


@transaction.atomic
def channel_add(*, user: User, kind: str, url: str = "", label: str = "") -> NotificationChannel:
    """Add a channel; ValidationError (by field) on anything wrong, and nothing written."""
    kind = ChannelKind(kind)
    if NotificationChannel.objects.filter(user=user).count() >= MAX_CHANNELS_PER_USER:
        raise ValidationError(_("You have the most channels allowed; delete one first."))
    if kind == ChannelKind.EMAIL:
        if not user.email:
            raise ValidationError({"kind": _("Your account has no e-mail address.")})
        if NotificationChannel.objects.filter(user=user, kind=ChannelKind.EMAIL).exists():
            raise ValidationError({"kind": _("Your e-mail address is already a channel.")})
        url = ""
    else:
        url = url.strip()
        try:
            apprise_target(url)
        except ValidationError as error:
            raise ValidationError({"url": error.messages}) from None
    channel = NotificationChannel(
        user=user, kind=kind, url=url, label=label.strip(), created_at=timezone.now()
    )
    channel.full_clean()
    try:
        with transaction.atomic():
            channel.save()
    except IntegrityError:  # the same e-mail channel added twice at once
        raise ValidationError({"kind": _("Your e-mail address is already a channel.")}) from None
    _settings_ensure(user)
    return channel


def channel_delete(*, channel: NotificationChannel) -> None:
    """Its waiting notifications and messages go with it (cascade)."""
    channel.delete()


@transaction.atomic
def channel_resume(*, channel: NotificationChannel) -> bool:
    """Take a paused channel back into use: its waiting message is tried at the next round."""
    from ..models import NotificationBatch
    from ..models.notifications import OPEN_BATCH_STATUSES

    resumed = NotificationChannel.objects.filter(pk=channel.pk, paused_at__isnull=False).update(
        paused_at=None, consecutive_failures=0
    )
    NotificationBatch.objects.filter(channel=channel, status__in=OPEN_BATCH_STATUSES).update(
        next_attempt_at=timezone.now()
    )
    return resumed == 1


@dataclass(frozen=True)
class Reencrypted:
    reencrypted: int  # every readable Apprise URL, now under the current SECRET_KEY
    from_fallback: int  # of those, how many were under a key of SECRET_KEY_FALLBACKS
    unreadable: int  # under no key of either: their users must add them again


@transaction.atomic
def channels_reencrypt() -> Reencrypted:
    """Encrypt every channel's Apprise URL again with the current SECRET_KEY, after a rotation
    (docs/operations.md), so that the old key can leave SECRET_KEY_FALLBACKS. One read (each
    URL decrypted, and its stored token beside it) and one transaction; an unreadable URL is
    left as it is."""
    rows = list(
        NotificationChannel.objects.exclude(url="")
        .annotate(stored=Cast("url", TextField()))
        .only("pk", "url")
        .order_by("pk")
    )
    readable = [row for row in rows if not row.url_unreadable]
    old_key = sum(not secrets.under_current_key(row.stored) for row in readable)
    NotificationChannel.objects.bulk_update(readable, ["url"], batch_size=500)
    return Reencrypted(len(readable), old_key, len(rows) - len(readable))


@transaction.atomic
def notification_settings_save(
    *, user: User, events: dict[str, bool], offsets: Iterable[int]
) -> NotificationSettings:
    offsets = sorted(set(offsets), reverse=True)
    if len(offsets) > MAX_REMINDER_OFFSETS or any(not 1 <= days <= 365 for days in offsets):
        raise ValidationError(
            _("Choose at most %(count)d reminders, each 1 to 365 days.")
            % {"count": MAX_REMINDER_OFFSETS}
        )
    chosen, _created = NotificationSettings.objects.update_or_create(user=user, defaults=events)
    ReminderOffset.objects.filter(user=user).exclude(days__in=offsets).delete()
    ReminderOffset.objects.bulk_create(
        [ReminderOffset(user=user, days=days) for days in offsets], ignore_conflicts=True
    )
    return chosen


# ---------------------------------------------------------------------------------------------
# Sending


def channel_send(channel: NotificationChannel, *, title: str, body: str, email: str) -> None:
    """Hand one message to the channel's service; ChannelError if it did not take it."""
    if channel.kind == ChannelKind.EMAIL:
        if not email:
            raise ChannelError(_("the account has no e-mail address"))
        message = EmailMessage(subject=title, body=body, to=[email])
        message.extra_headers["Auto-Submitted"] = "auto-generated"
        try:
            message.send()
        except Exception as error:
            raise ChannelError(f"{type(error).__name__}: {error}") from None
        return
    if channel.url_unreadable:
        raise ChannelError(UNREADABLE_URL)
    try:
        plugin = apprise_target(channel.url)  # again: a name may now resolve elsewhere
    except ValidationError as error:
        raise ChannelError(" ".join(error.messages)) from None
    sender = apprise.Apprise()
    sender.add(plugin)
    try:
        accepted = sender.notify(title=title, body=body)
    except Exception as error:  # a plugin's own bug must not leave the message claimed
        raise ChannelError(type(error).__name__) from None
    if not accepted:
        # Apprise reports no reason we could show without the URL; its log has the status.
        raise ChannelError(_("the service did not accept the message"))
