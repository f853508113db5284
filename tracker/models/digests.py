from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import TrackerModel


class DigestStatus(models.TextChoices):
    """Where one user's digest for one ISO week stands.

    pending → sending → sent | skipped, or → retrying → sending … → failed after the last try.
    A `sending` row whose claim is older than `DIGEST_CLAIM_TIMEOUT_MINUTES`, or whose
    claiming process is gone from this machine, belongs to a sender that died: the next run
    claims it again.
    """

    PENDING = "pending", _("Queued")
    SENDING = "sending", _("Being sent")
    RETRYING = "retrying", _("Waiting to retry")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Nothing to say")
    FAILED = "failed", _("Failed")


FINAL_DIGEST_STATUSES = (DigestStatus.SENT, DigestStatus.SKIPPED, DigestStatus.FAILED)
ISO_WEEK_PATTERN = r"^[0-9]{4}-W[0-9]{2}$"


class DigestDelivery(TrackerModel):
    """The record that makes one user's weekly digest go out exactly once.

    One row per (user, ISO week), enforced by the database. A worker claims the row with a
    conditional update before it talks to the mail server and marks it sent right after;
    `tracker.digests` holds the protocol and `docs/operations.md` its one window.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_deliveries"
    )
    week = models.CharField(max_length=8, help_text="ISO week, such as 2026-W48.")
    status = models.CharField(
        max_length=10, choices=DigestStatus.choices, default=DigestStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # A fresh token per claim: only the holder of the current claim may mark the row sent.
    claim_token = models.UUIDField(null=True, blank=True, editable=False, default=None)
    # Who holds the claim, "host:pid": a claim whose process is gone from its own machine is
    # taken over at once rather than after the claim timeout.
    claimed_by = models.CharField(max_length=200, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # What the digest held, for the delivery log.
    overdue_count = models.PositiveIntegerField(default=0)
    item_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-week", "user_id"]
        verbose_name = "digest delivery"
        verbose_name_plural = "digest deliveries"
        constraints = [
            # Exactly once: a second run, or a second worker, finds the row and must claim it.
            models.UniqueConstraint(fields=["user", "week"], name="digestdelivery_one_per_week"),
            models.CheckConstraint(
                condition=Q(week__regex=ISO_WEEK_PATTERN), name="digestdelivery_iso_week"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DigestStatus.values), name="digestdelivery_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status=DigestStatus.SENT) | Q(sent_at__isnull=False),
                name="digestdelivery_sent_has_time",
            ),
        ]
        indexes = [
            # The job's "who still needs this week's digest" and the log's filter by week.
            models.Index(fields=["week", "status"], name="digestdelivery_week_status"),
        ]

    def __str__(self) -> str:
        return f"{self.week} digest for user {self.user_id}: {self.get_status_display()}"


class DigestPlan(TrackerModel):
    """A week whose digests were planned: the first run of the plan after the week's digest
    fell due claims it by creating this row (one per week, by the database), so that a tick
    that beat missed is made up by the next, and no week is planned twice."""

    week = models.CharField(max_length=8, unique=True, help_text="ISO week, such as 2026-W48.")
    planned_at = models.DateTimeField()
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-week"]
        constraints = [
            models.CheckConstraint(
                condition=Q(week__regex=ISO_WEEK_PATTERN), name="digestplan_iso_week"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.week} digests planned at {self.planned_at:%Y-%m-%d %H:%M}"
