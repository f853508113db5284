"""Notifications (issue 23): what each user chose to hear about, where (channels), what was
collected for them (`Notification`, one row per event per channel) and the messages that carry
those rows (`NotificationBatch`, the delivery record of the digest's claim-and-mark protocol).
The code is `tracker.notifications`; docs/operations.md has the protocol."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import TrackerModel
from .secrets import EncryptedTextField, Unreadable


class EventKind(models.TextChoices):
    """What a user may choose to be told about (`tracker.notifications.collect.COLLECTORS`
    has a collector for each)."""

    STATUS_CHANGE = "status", _("A followed commitment changes status")
    EVIDENCE = "evidence", _("New evidence on a followed commitment")
    REMINDER = "reminder", _("A deadline is near (reminders)")
    OVERDUE = "overdue", _("A followed commitment is flagged overdue")
    PROPOSAL = "proposal", _("A proposal waits in the evidence inbox")


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("E-mail to my address")
    APPRISE = "apprise", _("A service (Apprise URL)")


class NotificationSettings(TrackerModel):
    """Which events a user wants; the reminder offsets are `ReminderOffset` rows. No row, no
    notification: the first channel a user adds makes one with every event on but proposals,
    which are asked for (only analysts act on them, and users who chose before they existed
    are not sent a new kind of message unasked)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    on_status_change = models.BooleanField(_("a status changes"), default=True)
    on_evidence = models.BooleanField(_("new evidence"), default=True)
    on_reminder = models.BooleanField(_("a deadline is near"), default=True)
    on_overdue = models.BooleanField(_("flagged overdue"), default=True)
    on_proposal = models.BooleanField(
        _("a proposal waits in the evidence inbox"), default=False, db_default=False
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"notification settings of user {self.user_id}"


class ReminderOffset(TrackerModel):
    """One "N days before the deadline" a user chose; the reminder job joins these rows."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_offsets"
    )
    days = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["user_id", "-days"]
        constraints = [
            models.UniqueConstraint(fields=["user", "days"], name="reminderoffset_unique"),
            models.CheckConstraint(
                condition=Q(days__gte=1, days__lte=365), name="reminderoffset_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.days} days before, for user {self.user_id}"


class NotificationChannel(TrackerModel):
    """Where a user's notifications go: their e-mail address, or an Apprise URL (which holds
    the service's token: encrypted at rest, `models.secrets`; shown masked, never logged,
    `tracker.notifications.channels`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_channels"
    )
    kind = models.CharField(max_length=10, choices=ChannelKind.choices)
    url = EncryptedTextField(max_length=2000, blank=True, editable=False)
    label = models.CharField(_("name"), max_length=100, blank=True)
    created_at = models.DateTimeField()
    # Failed sends in a row; at NOTIFY_PAUSE_AFTER_FAILURES the channel is paused (and the
    # user told) until the user resumes it. A sent message sets it back to 0.
    consecutive_failures = models.PositiveSmallIntegerField(default=0)
    paused_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ChannelKind.values), name="notificationchannel_kind_known"
            ),
            models.CheckConstraint(
                condition=~Q(kind=ChannelKind.APPRISE) | ~Q(url=""),
                name="notificationchannel_apprise_has_url",
            ),
            # One e-mail channel a user: two would send every message twice to one address.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(kind=ChannelKind.EMAIL),
                name="notificationchannel_one_email",
            ),
        ]

    @property
    def url_unreadable(self) -> bool:
        """No key decrypts the stored URL (SECRET_KEY changed without the old one in
        SECRET_KEY_FALLBACKS): the user must add the channel again; sending to it fails."""
        return isinstance(self.url, Unreadable)

    def __str__(self) -> str:
        from ..notifications.channels import channel_display

        return channel_display(self)


class BatchStatus(models.TextChoices):
    """pending → sending → sent | skipped, or → retrying → sending …; a `sending` batch whose
    claim is older than NOTIFY_CLAIM_TIMEOUT_MINUTES belonged to a sender that died."""

    PENDING = "pending", _("Queued")
    SENDING = "sending", _("Being sent")
    RETRYING = "retrying", _("Waiting to retry")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Nothing left to say")


OPEN_BATCH_STATUSES = (BatchStatus.PENDING, BatchStatus.SENDING, BatchStatus.RETRYING)


class NotificationBatch(TrackerModel):
    """One message to one channel, carrying the notifications assigned to it; delivered
    exactly once by `tracker.notifications.deliver` (claim, send, mark sent)."""

    channel = models.ForeignKey(NotificationChannel, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=10, choices=BatchStatus.choices, default=BatchStatus.PENDING
    )
    created_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True, editable=False, default=None)
    claimed_by = models.CharField(max_length=200, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    item_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "notification batches"
        constraints = [
            # One message in flight per channel: planning assigns new events to it alone,
            # and two planners at once cannot both open one.
            models.UniqueConstraint(
                fields=["channel"],
                condition=Q(status__in=OPEN_BATCH_STATUSES),
                name="notificationbatch_one_open",
            ),
            models.CheckConstraint(
                condition=Q(status__in=BatchStatus.values), name="notificationbatch_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status=BatchStatus.SENT) | Q(sent_at__isnull=False),
                name="notificationbatch_sent_has_time",
            ),
        ]
        indexes = [
            # Planning's "a message to this channel in the last NOTIFY_BATCH_MINUTES?".
            models.Index(fields=["channel", "created_at"], name="notificationbatch_recent"),
        ]

    def __str__(self) -> str:
        return f"message {self.pk} to channel {self.channel_id}: {self.get_status_display()}"


class Notification(TrackerModel):
    """One event for one channel. `event_key` names the event (`status:<id>`,
    `reminder:<commitment>:<days>:<due date>` …): the unique (channel, event_key) is what
    makes collection idempotent. Unassigned rows (`batch` null, not withheld) wait for the
    next message; a row withheld at sending time (its agreement became hidden from the user,
    or its proposal was decided meanwhile) is never sent."""

    channel = models.ForeignKey(NotificationChannel, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    event_key = models.CharField(max_length=100)
    commitment = models.ForeignKey("tracker.Commitment", on_delete=models.CASCADE, related_name="+")
    status_change = models.ForeignKey(
        "tracker.StatusChange", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    evidence = models.ForeignKey(
        "tracker.Evidence", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    overdue_flag = models.ForeignKey(
        "tracker.OverdueFlag", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    proposal = models.ForeignKey(
        "tracker.Proposal", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reminder_days = models.PositiveSmallIntegerField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    occurred_at = models.DateTimeField()
    collected_at = models.DateTimeField()
    batch = models.ForeignKey(
        NotificationBatch,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    withheld_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "event_key"], name="notification_once_per_channel"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values), name="notification_kind_known"
            ),
        ]
        indexes = [
            # Planning's "what waits for a message on this channel".
            models.Index(
                fields=["channel"],
                condition=Q(batch__isnull=True, withheld_at__isnull=True),
                name="notification_waiting",
            ),
            # The pruning's "collected before the cutoff" (deliver.notifications_prune).
            models.Index(fields=["collected_at"], name="notification_collected_at"),
        ]

    def __str__(self) -> str:
        return f"{self.event_key} for channel {self.channel_id}"


class NotificationCursor(TrackerModel):
    """Per collector, the time its last run started: the next run looks at rows from a while
    before it (NOTIFY_COLLECT_OVERLAP_MINUTES, for transactions that committed late), and the
    unique (channel, event_key) drops what it had already seen."""

    name = models.CharField(max_length=30, unique=True)
    collected_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} collected until {self.collected_until:%Y-%m-%d %H:%M}"
