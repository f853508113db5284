import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..uploads import validate_attachment
from . import limits
from .base import TrackerModel
from .commitments import Commitment
from .limits import limited_text
from .validators import web_url


class Stance(models.TextChoices):
    PROGRESS = "progress", _("Shows progress")
    SETBACK = "setback", _("Shows a setback")
    CONTEXT = "context", _("Context only")


# The stances that make a party's claim: the dispute flag compares them.
CLAIM_STANCES = (Stance.PROGRESS, Stance.SETBACK)


class Reliability(models.TextChoices):
    """NATO / Admiralty grading of the source."""

    A = "A", _("A: completely reliable")
    B = "B", _("B: usually reliable")
    C = "C", _("C: fairly reliable")
    D = "D", _("D: not usually reliable")
    E = "E", _("E: unreliable")
    F = "F", _("F: reliability cannot be judged")


class Credibility(models.IntegerChoices):
    """NATO / Admiralty grading of the information itself."""

    CONFIRMED = 1, _("1: confirmed by other sources")
    PROBABLE = 2, _("2: probably true")
    POSSIBLE = 3, _("3: possibly true")
    DOUBTFUL = 4, _("4: doubtful")
    IMPROBABLE = 5, _("5: improbable")
    UNKNOWN = 6, _("6: truth cannot be judged")


def attachment_path(instance: "Evidence", filename: str) -> str:
    """Store uploads under a generated name; only the extension of the original survives."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"evidence/{uuid.uuid4().hex}{suffix}"


class Evidence(TrackerModel):
    """An analyst's record bearing on one commitment. Retracted with a reason, never deleted."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="evidence")
    summary = limited_text("what was observed", limit=limits.EVIDENCE_SUMMARY)
    occurred_on = models.DateField("when it happened", null=True, blank=True)
    source_url = models.URLField("source URL", max_length=500, blank=True, validators=[web_url])
    source_publisher = models.CharField("publisher", max_length=200, blank=True)
    source_title = models.CharField("source title", max_length=300, blank=True)
    source_date = models.DateField("source date", null=True, blank=True)
    quote = limited_text(limit=limits.QUOTE, blank=True)
    attachment = models.FileField(
        upload_to=attachment_path, blank=True, max_length=200, validators=[validate_attachment]
    )
    attachment_name = models.CharField(
        max_length=200, blank=True, editable=False, help_text="The uploaded file's own name."
    )
    stance = models.CharField(max_length=12, choices=Stance.choices, default=Stance.CONTEXT)
    claimed_by = models.ForeignKey(
        "tracker.Party",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        help_text="The party whose claim this is (an official statement, say); "
        "empty for independent observations.",
    )
    concerns_party = models.ForeignKey(
        "tracker.Party",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="concerning_evidence",
        verbose_name=_("concerns party"),
        help_text=_(
            "The responsible party whose part of the commitment this shows; empty when it "
            "concerns the commitment as a whole."
        ),
    )
    reliability = models.CharField(
        "source reliability", max_length=1, choices=Reliability.choices, default=Reliability.F
    )
    credibility = models.PositiveSmallIntegerField(
        "information credibility",
        choices=Credibility.choices,
        default=Credibility.UNKNOWN,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
    )
    # Empty when its author was deleted, or for evidence imported from the command line
    # without --user.
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    logged_at = models.DateTimeField()
    retracted_at = models.DateTimeField(null=True, blank=True)
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    retraction_reason = limited_text(limit=limits.REASON, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["logged_at", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=Q(reliability__in=Reliability.values), name="evidence_reliability_a_f"
            ),
            models.CheckConstraint(
                condition=Q(credibility__gte=1, credibility__lte=6),
                name="evidence_credibility_1_6",
            ),
            models.CheckConstraint(
                condition=Q(stance__in=Stance.values), name="evidence_stance_known"
            ),
            models.CheckConstraint(
                condition=Q(retracted_at__isnull=True, retraction_reason="")
                | Q(retracted_at__isnull=False) & ~Q(retraction_reason=""),
                name="evidence_retracted_with_reason",
            ),
        ]
        indexes = [
            # A commitment's history in time order.
            models.Index(fields=["commitment", "logged_at"], name="evidence_history"),
            # The overview's "latest evidence", in its order (the id breaks ties: without it,
            # a day with many entries is sorted in full before the first ten are known).
            models.Index(fields=["-logged_at", "-id"], name="evidence_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.reference}: {self.summary[:60]}"

    @property
    def grading(self) -> str:
        """The Admiralty code, such as B2."""
        return f"{self.reliability}{self.credibility}"

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None

    def delete(self, *args, **kwargs):
        raise PermissionError("Evidence is never deleted: retract it with a reason instead.")
