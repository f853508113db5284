import re

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from ..routes import object_url
from . import limits
from .base import TrackerModel
from .limits import limited_text
from .validators import web_url


class Party(TrackerModel):
    """A state or organisation bound by agreements."""

    class Kind(models.TextChoices):
        STATE = "state", pgettext_lazy("kind of party", "State")
        ORGANISATION = "organisation", pgettext_lazy("kind of party", "Organisation")

    name = models.CharField(max_length=200, unique=True)
    code = models.CharField(
        max_length=12, unique=True, help_text="Short code such as PAK or AFG (capitals)."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STATE)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "parties"
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z0-9][A-Z0-9-]*$"), name="party_code_capitals"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def natural_key(self) -> tuple[str]:
        return (self.code,)


# Written by the triggers of migration 0015 alone.
KEPT_FIGURES = (
    "commitment_count",
    "scored_count",
    "score_points",
    "g7_points",
    "overdue_count",
)
# Written by the database alone: the figures, and whether any team restricts the agreement
# (the triggers of migration 0021 on its teams).
KEPT_BY_DATABASE = (*KEPT_FIGURES, "is_restricted")


MAX_GRACE_DAYS = 3650


class ScoreRule(models.TextChoices):
    """How an agreement's score is computed from its scored commitments' statuses (issue 21).

    PAM: the Peace Accords Matrix's 0-3 weights, 100 x points / (3 x commitments), in percent.
    G7: the G7/G20 Research Group's compliance scale, implemented +1, partly or in progress 0,
    not started, stalled or abandoned -1; the score is their mean, from -1 to +1."""

    PAM = "pam", _("Peace Accords Matrix (0–3, in percent)")
    G7 = "g7", _("G7/G20 Research Group (−1 / 0 / +1)")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_FORCE = "in_force", _("In force")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


def slug_from_title(title: str) -> str:
    """The slug a title gives: accented letters lose their accents, and every run of
    punctuation (an en or em dash, a slash) becomes one hyphen. `slugify` alone, like the
    admin's URLify script, drops a dash between words: "India–Bangladesh" would read
    "indiabangladesh"."""
    return slugify(re.sub(r"[\W_]+", " ", title))[:80].strip("-")


class Agreement(TrackerModel):
    """An agreement between two or more parties, and the commitments it holds them to."""

    class DateKind(models.TextChoices):
        SIGNED = "signed", _("Signed")
        ANNOUNCED = "announced", _("Announced")

    title = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=80, unique=True, help_text="Stable short name used in URLs and imports."
    )
    parties = models.ManyToManyField(Party, related_name="agreements")
    signed_on = models.DateField(
        help_text="The day it was signed, or announced if it never was. "
        "Deadlines counted from the signing follow this date."
    )
    signed_on_kind = models.CharField(
        "date is", max_length=12, choices=DateKind.choices, default=DateKind.SIGNED
    )
    status = models.CharField(
        max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.IN_FORCE
    )
    summary = limited_text(limit=limits.DESCRIPTION, blank=True)
    prompt_grace_days = models.PositiveIntegerField(
        "grace period for prompt commitments (days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_GRACE_DAYS)],
        help_text="A commitment expected “immediately” or “as soon as possible” is due this "
        "many days after its event, and flagged like any deadline; empty: no fixed date.",
    )
    score_rule = models.CharField(
        _("score rule"),
        max_length=8,
        choices=ScoreRule.choices,
        default=ScoreRule.PAM,
        db_default=ScoreRule.PAM,
        help_text=_("How the score is computed from the statuses of the verifiable commitments."),
    )
    # Empty: everyone with a role sees it. Otherwise only members of these teams (and admins).
    teams = models.ManyToManyField(
        "tracker.Team",
        related_name="agreements",
        blank=True,
        help_text="Leave empty for an open agreement; pick teams to restrict it to their members.",
    )
    # Public pages (issue 22). Never together with a team restriction: `services.agreement_save`
    # unpublishes an agreement it restricts, and the database refuses the two together
    # (`agreement_public_never_restricted`, on `is_restricted`, which its teams' triggers keep).
    is_public = models.BooleanField(
        "public",
        default=False,
        db_default=False,
        help_text="Readable without signing in under /public/, with feeds, an embeddable card "
        "and the open dataset. Never for an agreement restricted to teams.",
    )
    is_restricted = models.BooleanField(default=False, db_default=False, editable=False)
    public_analyst_names = models.BooleanField(
        "name analysts on public pages",
        default=False,
        db_default=False,
        help_text="Unticked, public pages say “an analyst” instead of a name.",
    )
    public_milestone_notes = models.BooleanField(
        "publish milestone notes", default=False, db_default=False
    )
    public_retracted_content = models.BooleanField(
        "publish retracted evidence's content",
        default=False,
        db_default=False,
        help_text="Unticked, public pages show that evidence was retracted, when and why, "
        "but not what it said.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Figures kept by the database's triggers (migration 0015) on every change of a
    # commitment or an overdue flag, so that lists of thousands of agreements can be sorted
    # and summed without counting their commitments on every page. save() never writes them.
    commitment_count = models.PositiveIntegerField(default=0, editable=False)
    scored_count = models.PositiveIntegerField(
        default=0, editable=False, help_text="Commitments that count in the score."
    )
    score_points = models.PositiveIntegerField(default=0, editable=False)
    # The sum of the scored commitments' G7 weights (-1, 0, +1; migration 0026).
    g7_points = models.IntegerField(default=0, db_default=0, editable=False)
    overdue_count = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords(
        m2m_fields=[parties, teams],
        excluded_fields=list(KEPT_BY_DATABASE),
    )

    class Meta:
        ordering = ["-signed_on", "title"]
        permissions = [("import_agreements", "Can import agreements from files")]
        indexes = [
            # The agreements list filters by status and sorts by signing date.
            models.Index(fields=["status", "-signed_on"], name="agreement_status_signed"),
            # The overview's cards and the agreements list's "most overdue" sort: the first
            # few by overdue count, read in index order instead of sorting every agreement.
            models.Index(fields=["-overdue_count", "title", "id"], name="agreement_most_overdue"),
            # The public list (`selectors.agreements_public`), newest first.
            models.Index(
                fields=["-signed_on", "title"],
                condition=Q(is_public=True),
                name="agreement_public",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_public=False) | Q(is_restricted=False),
                name="agreement_public_never_restricted",
                violation_error_message="An agreement restricted to teams cannot be public.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        """An update leaves the kept figures and `is_restricted` alone: the values in memory
        may be older than what the triggers have written since this agreement was read."""
        updating = not (self._state.adding or args or kwargs.get("force_insert"))
        if updating and kwargs.get("update_fields") is None:
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.attname not in KEPT_BY_DATABASE
                and field.attname not in deferred
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return object_url("tracker:agreement-detail", self.slug)

    @property
    def score(self) -> float | None:
        """The score under the agreement's rule, from the kept figures: PAM in percent,
        G7 from -1 to +1; None when no commitment is scored."""
        from ..scoring import kept_score

        return kept_score(self)

    @property
    def unscored_count(self) -> int:
        """Commitments left out of the score: not verifiable."""
        return self.commitment_count - self.scored_count

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Source(TrackerModel):
    """A document or article about an agreement: its text, a report, the announcement."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Agreement text or official document")
        ARTICLE = "article", _("Article or report")
        STATEMENT = "statement", _("Official statement")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    title = models.CharField(max_length=300)
    url = models.URLField(max_length=500, blank=True, validators=[web_url])
    publisher = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["published_on", "id"]

    def __str__(self) -> str:
        return self.title


class AgreementText(TrackerModel):
    """The agreement's text in one of the site's languages, as an editor entered it (issue 23):
    never machine-translated. The pages show the reader's language's text, else the original
    (`AgreementText.pick`)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(max_length=300)
    text = limited_text(limit=limits.AGREEMENT_TEXT)
    is_authentic = models.BooleanField(
        "authentic text",
        default=False,
        help_text="The parties signed this language's text as authentic (not a translation).",
    )
    source_url = models.URLField("source", max_length=500, blank=True, validators=[web_url])
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "language"]
        constraints = [
            # Also the index of "an agreement's texts" (the pages' and the API's one query).
            models.UniqueConstraint(
                fields=["agreement", "language"],
                name="agreementtext_one_per_language",
                violation_error_message="The agreement already has a text in this language.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"

    @staticmethod
    def pick(texts: list["AgreementText"], wanted: str | None, reader: str):
        """The text to show of an agreement's `texts`: the one in the `wanted` language (the
        page's `?lang=`), else in the `reader`'s, else the original (an authentic text, the
        first in the site's order of languages), else None when there is none."""
        by_language = {text.language: text for text in texts}
        order = [code for code, _name in settings.LANGUAGES]
        originals = sorted(
            texts,
            key=lambda text: (
                not text.is_authentic,
                order.index(text.language) if text.language in order else len(order),
            ),
        )
        return by_language.get(wanted) or by_language.get(reader) or next(iter(originals), None)


class MilestoneKind(models.TextChoices):
    SIGNING = "signing", _("Signing")
    MEETING = "meeting", _("Meeting")
    NEGOTIATIONS = "negotiations", _("Start of negotiations")
    OTHER = "other", _("Other event")


class Milestone(TrackerModel):
    """An event of an agreement that deadlines can count from; without a date it has not
    happened yet, and the deadlines counted from it are pending.

    Every agreement has exactly one signing milestone, kept on the agreement's `signed_on`
    by `services.agreement_sync_signing`; the others are entered by editors, or made undated
    by `services.commitment_due_date` for an event a timeline's wording names.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(
        max_length=20, choices=MilestoneKind.choices, default=MilestoneKind.MEETING
    )
    name = models.CharField(max_length=200)
    date = models.DateField(
        null=True, blank=True, help_text="Leave empty while the event has not happened."
    )
    date_is_estimate = models.BooleanField(
        default=False, help_text="The event is planned but its date is not confirmed."
    )
    note = limited_text(limit=limits.NOTE, blank=True)
    history = HistoricalRecords()

    class Meta:
        # Undated events (not happened yet) after the dated ones, on every database.
        ordering = [F("date").asc(nulls_last=True), "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(kind=MilestoneKind.SIGNING),
                name="milestone_one_signing_per_agreement",
                violation_error_message="An agreement has exactly one signing milestone.",
            ),
            models.UniqueConstraint(
                fields=["agreement", "name"], name="milestone_unique_name_per_agreement"
            ),
        ]

    def __str__(self) -> str:
        when = f"{self.date:%d %b %Y}" if self.date else "not happened yet"
        return f"{self.name} ({when})"

    @property
    def is_signing(self) -> bool:
        return self.kind == MilestoneKind.SIGNING


class Holiday(TrackerModel):
    """A public holiday an agreement's working days skip (besides weekends)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField()
    name = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "date"],
                name="holiday_unique_date_per_agreement",
                violation_error_message="This day is already a holiday of the agreement.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d %b %Y} {self.name}".strip()
