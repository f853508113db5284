"""Assessment rounds (issue 21): an agreement's compliance frozen as of a cut-off date, the
parties' replies to it, then published and never changed again.

A round's data is its `snapshot`, a JSON document written by `rounds.snapshot.
build_round_snapshot` alone (docs/rounds.md has its schema); the round's page, the
comparison of two rounds and the compliance report read the snapshot and the replies, never
the live agreement, so that a published round reads the same whatever happens after."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import limits
from .agreements import Agreement, Party
from .base import TrackerModel
from .limits import limited_text


class RoundKind(models.TextChoices):
    INTERIM = "interim", _("Interim")
    FINAL = "final", _("Final")


class RoundState(models.TextChoices):
    OPEN = "open", _("Open")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")


class AssessmentRound(TrackerModel):
    """Round `number` of an agreement: interim or final, frozen as of `cutoff`."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=RoundKind.choices, default=RoundKind.INTERIM)
    cutoff = models.DateField(_("cut-off date"))
    state = models.CharField(max_length=10, choices=RoundState.choices, default=RoundState.OPEN)
    # Written by rounds.snapshot.build_round_snapshot alone, through services.round_open and
    # services.round_set_cutoff (while open); never after the round goes to review.
    snapshot = models.JSONField(default=dict, editable=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="round_unique_number_per_agreement"
            ),
            # One round at a time: a new round is opened once the last one is published.
            models.UniqueConstraint(
                fields=["agreement"],
                condition=~Q(state="published"),
                name="round_one_unpublished_per_agreement",
            ),
            models.CheckConstraint(
                condition=Q(state__in=RoundState.values), name="round_state_known"
            ),
            models.CheckConstraint(condition=Q(kind__in=RoundKind.values), name="round_kind_known"),
            models.CheckConstraint(condition=Q(number__gte=1), name="round_number_positive"),
            models.CheckConstraint(
                condition=~Q(state="published")
                | Q(published_at__isnull=False, reviewed_at__isnull=False),
                name="round_published_when_reviewed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement.slug} round {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("tracker:round-detail", args=[self.agreement.slug, self.number])

    @property
    def is_published(self) -> bool:
        return self.state == RoundState.PUBLISHED


class RoundReply(TrackerModel):
    """A party's reply to a round about one commitment, in review: what it says and, if it
    contests the score, the score it claims and why. An editor may reply for a party
    (`by_editor`)."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.PROTECT, related_name="replies")
    # The commitment's id in the snapshot: the round is read from its snapshot, never from the
    # live commitment, which may since have been deleted.
    commitment_id = models.PositiveBigIntegerField()
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    text = limited_text(_("reply"), limit=limits.REPLY)
    recalibrated_score = models.SmallIntegerField(_("recalibrated score"), null=True, blank=True)
    recalibration_reason = limited_text(_("why the score changes"), limit=limits.REASON, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    by_editor = models.BooleanField(
        _("entered by an editor for the party"), default=False, editable=False
    )
    at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "at", "id"]
        verbose_name_plural = "round replies"
        constraints = [
            models.CheckConstraint(
                condition=Q(recalibrated_score__isnull=True, recalibration_reason="")
                | Q(recalibrated_score__isnull=False) & ~Q(recalibration_reason=""),
                name="reply_recalibration_with_reason",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="reply_has_text"),
        ]
        indexes = [
            # A round's replies in time order (its page, the report, the comparison).
            models.Index(fields=["round", "at"], name="reply_round_time"),
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.commitment_id} ({self.party_id})"
