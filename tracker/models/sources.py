"""Watched sources and the evidence inbox (issue 20): feeds an editor registers, the items
read from them, and the proposals the matcher makes, which only an analyst turns into
evidence. Named `WatchedSource` because `Source` is an agreement's own document."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import limits
from .agreements import Agreement
from .base import TrackerModel
from .commitments import Commitment
from .evidence import Evidence, Reliability
from .limits import limited_text
from .validators import web_url

EXCERPT = limits.QUOTE  # an item's excerpt becomes the evidence's quote when accepted
KEYWORDS = 1_000  # a commitment's keyword list in one language


class Language(models.TextChoices):
    """The languages PostgreSQL stems (`FTS_CONFIGS`); any other reads as `simple`."""

    EN = "en", _("English")
    FR = "fr", _("French")
    OTHER = "other", _("Other (words matched as written)")


# The PostgreSQL text search configuration of each language.
FTS_CONFIGS = {Language.EN: "english", Language.FR: "french", Language.OTHER: "simple"}


class WatchedSource(TrackerModel):
    """A feed (RSS or Atom) whose new items are matched against its agreements' commitments."""

    name = models.CharField(max_length=200, unique=True)
    feed_url = models.URLField("feed URL", max_length=500, validators=[web_url])
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.EN)
    reliability = models.CharField(
        "default reliability",
        max_length=1,
        choices=Reliability.choices,
        default=Reliability.F,
        help_text="The grade its items are proposed with; the analyst may change it per item.",
    )
    agreements = models.ManyToManyField(
        Agreement, related_name="watched_sources", blank=True, help_text="What it reports on."
    )
    enabled = models.BooleanField(default=True)
    fetch_pages = models.BooleanField(
        "fetch linked pages",
        default=False,
        help_text="Also fetch each new item's page and match its text (trafilatura).",
    )
    webhook_secret = models.CharField(
        max_length=200,
        blank=True,
        help_text="For a feed reader (Miniflux) pushing entries, HMAC-SHA256 signed.",
    )
    # Conditional GET: what the server said last time, sent back as If-None-Match and
    # If-Modified-Since.
    etag = models.CharField(max_length=300, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_fetched_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_outcome = models.CharField(max_length=20, blank=True, editable=False)
    last_error = models.CharField(max_length=500, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[agreements])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reliability__in=Reliability.values),
                name="watchedsource_reliability_a_f",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WatchRun(TrackerModel):
    """One pass of the watcher over the enabled sources, with its totals."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    sources = models.PositiveIntegerField(default=0)
    fetched = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    proposed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            # /healthz and the admin read the newest run.
            models.Index(fields=["-started_at"], name="watchrun_latest"),
        ]

    def __str__(self) -> str:
        return f"Watch run at {self.started_at:%Y-%m-%d %H:%M}"


class FetchOutcome(models.TextChoices):
    OK = "ok", _("Fetched")
    NOT_MODIFIED = "not_modified", _("Not modified")
    FAILED = "failed", _("Failed")


class SourceFetch(TrackerModel):
    """What one run got from one source: items fetched, new, proposed, skipped, or why it
    failed."""

    run = models.ForeignKey(WatchRun, on_delete=models.CASCADE, related_name="fetches")
    source = models.ForeignKey(WatchedSource, on_delete=models.CASCADE, related_name="fetches")
    outcome = models.CharField(max_length=20, choices=FetchOutcome.choices)
    fetched = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    proposed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["run", "source"]
        constraints = [
            models.UniqueConstraint(fields=["run", "source"], name="sourcefetch_once_per_run"),
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.get_outcome_display()}"


class FeedItem(TrackerModel):
    """An item read from a source, once per source and canonical address: a second source
    giving the same address matches it against its own agreements (the proposals' unique
    constraint keeps a commitment from getting it twice)."""

    source = models.ForeignKey(WatchedSource, on_delete=models.CASCADE, related_name="items")
    canonical_url = models.URLField(max_length=500, validators=[web_url])
    title = models.CharField(max_length=300)
    excerpt = limited_text(limit=EXCERPT, blank=True)
    published_on = models.DateField(null=True, blank=True)
    fetched_at = models.DateTimeField()

    class Meta:
        ordering = ["-fetched_at", "-id"]
        constraints = [
            # Also the index behind the watcher's "which of these addresses are new".
            models.UniqueConstraint(
                fields=["source", "canonical_url"], name="feeditem_once_per_source"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProposalState(models.TextChoices):
    PROPOSED = "proposed", _("Waiting")
    ACCEPTED = "accepted", _("Accepted as evidence")
    REJECTED = "rejected", _("Rejected")


class Proposal(TrackerModel):
    """An item proposed as evidence for one commitment. Once per (commitment, canonical
    address): a rejected one stays, so that the item is never proposed for it again."""

    item = models.ForeignKey(FeedItem, on_delete=models.CASCADE, related_name="proposals")
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="proposals")
    # The item's address again, so that the database itself holds the rule.
    canonical_url = models.URLField(max_length=500, validators=[web_url])
    state = models.CharField(
        max_length=10, choices=ProposalState.choices, default=ProposalState.PROPOSED
    )
    matched_words = models.JSONField(default=list, blank=True)
    score = models.FloatField(default=0)
    reason = limited_text("why rejected", limit=limits.REASON, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    evidence = models.OneToOneField(
        Evidence, on_delete=models.PROTECT, null=True, blank=True, related_name="proposal"
    )
    created_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "canonical_url"], name="proposal_once_per_commitment_url"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ProposalState.values), name="proposal_state_known"
            ),
            models.CheckConstraint(
                condition=Q(state=ProposalState.ACCEPTED, evidence__isnull=False)
                | ~Q(state=ProposalState.ACCEPTED) & Q(evidence__isnull=True),
                name="proposal_accepted_has_evidence",
            ),
        ]
        indexes = [
            # The inbox: waiting proposals of some commitments, newest first; the digest's
            # count of waiting proposals per agreement.
            models.Index(
                fields=["commitment", "-created_at"],
                condition=Q(state=ProposalState.PROPOSED),
                name="proposal_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} → {self.commitment.reference}"


class CommitmentKeywords(TrackerModel):
    """Words an editor adds to a commitment's matching in one language ("Torkham, patrol")."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="keywords")
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.EN)
    words = models.CharField(max_length=KEYWORDS, help_text="Comma-separated words or phrases.")

    class Meta:
        verbose_name_plural = "commitment keywords"
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "language"], name="keywords_once_per_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.reference} ({self.language}): {self.words[:60]}"
