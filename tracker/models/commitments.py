import dataclasses
import re
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import deadlines
from ..routes import object_url
from ..timeline_events import event_as_written, matching_milestone
from . import limits
from .agreements import Agreement, Milestone, Party
from .base import TrackerModel
from .limits import limited_text
from .validators import web_url


class CommitmentStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    STALLED = "stalled", _("Stalled")
    PARTIAL = "partial", _("Partially implemented")
    IMPLEMENTED = "implemented", _("Implemented")
    ABANDONED = "abandoned", _("Abandoned / not applicable")

    @property
    def weight(self) -> int:
        """Points on the Peace Accords Matrix 0–3 scale."""
        return STATUS_WEIGHTS[self]

    @property
    def is_closed(self) -> bool:
        """A closed commitment can no longer be overdue."""
        return self in CLOSED_STATUSES


# Every commitment counts in the score: an abandoned one weighs 0, like one never started, as
# a provision not implemented stays at 0 in the Peace Accords Matrix. Leaving abandoned ones
# out of the denominator made reneging read as progress (issue 18).
STATUS_WEIGHTS: dict[str, int] = {
    CommitmentStatus.NOT_STARTED: 0,
    CommitmentStatus.IN_PROGRESS: 1,
    CommitmentStatus.STALLED: 1,
    CommitmentStatus.PARTIAL: 2,
    CommitmentStatus.IMPLEMENTED: 3,
    CommitmentStatus.ABANDONED: 0,
}
MAX_WEIGHT = 3
# The G7/G20 Research Group's compliance scale (issue 21): full compliance +1, partial or
# work under way 0, no compliance (nothing done, stalled, given up) -1.
G7_WEIGHTS: dict[str, int] = {
    CommitmentStatus.NOT_STARTED: -1,
    CommitmentStatus.IN_PROGRESS: 0,
    CommitmentStatus.STALLED: -1,
    CommitmentStatus.PARTIAL: 0,
    CommitmentStatus.IMPLEMENTED: 1,
    CommitmentStatus.ABANDONED: -1,
}
CLOSED_STATUSES = (CommitmentStatus.IMPLEMENTED, CommitmentStatus.ABANDONED)
OPEN_STATUSES = tuple(status for status in CommitmentStatus if status not in CLOSED_STATUSES)


class Theme(models.TextChoices):
    INTELLIGENCE = "intelligence", _("Intelligence sharing")
    JOINT_OPERATIONS = "joint_operations", _("Joint operations")
    BORDER = "border", _("Border management")
    DIALOGUE = "dialogue", _("Dialogue and consultations")
    TRADE = "trade", _("Trade and economy")
    COMMUNITY = "community", _("Community outreach")
    PUBLIC_AWARENESS = "public_awareness", _("Public awareness")
    COMMUNICATIONS = "communications", _("Communications")
    OTHER = "other", _("Other")


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


# How the wording was read (`deadlines.TimelineKind`), kept by `services.commitment_due_date`.
TIMELINE_KINDS = [(kind.value, kind.value.capitalize()) for kind in deadlines.TimelineKind]
# Counted from an event: without the event's date there is no due date yet (pending).
RELATIVE_KINDS = tuple(
    kind.value for kind in deadlines.TimelineKind if deadlines.Timeline(kind).is_relative
)


def pending_condition() -> Q:
    """`Commitment.is_pending` as a filter: counted from an event whose milestone has no date."""
    return Q(
        timeline_kind__in=RELATIVE_KINDS,
        due_on__isnull=True,
        deadline_milestone__isnull=False,
        deadline_milestone__date__isnull=True,
    )


def describe_lateness(*, due_on: date | None, closed: bool, today: date) -> str:
    """'12 days overdue', 'due today', 'due in 3 days', 'closed', or 'no deadline'."""
    if due_on is None:
        return gettext("no deadline")
    if closed:
        return gettext("closed")
    return describe_days_left((due_on - today).days)


def describe_days_left(days: int) -> str:
    """'12 days overdue' (`days` below 0), 'due today' (0) or 'due in 3 days'."""
    if days < 0:
        return ngettext("%(count)s day overdue", "%(count)s days overdue", -days) % {"count": -days}
    if days == 0:
        return gettext("due today")
    return ngettext("due in %(count)s day", "due in %(count)s days", days) % {"count": days}


def natural_sort_key(reference: str) -> str:
    """'2.A.10' sorts after '2.A.9': numbers are zero-padded to eight digits."""
    return re.sub(r"\d+", lambda match: match.group().zfill(8), reference.strip().upper())


class Commitment(TrackerModel):
    """An action item: what one or more parties promised, by when, and how far it got."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="commitments")
    reference = models.CharField(
        max_length=30, help_text="The agreement's own numbering, such as 2.A.1."
    )
    sort_key = models.CharField(max_length=120, editable=False, default="")
    title = models.CharField(max_length=300)
    description = limited_text(limit=limits.DESCRIPTION, blank=True)
    theme = models.CharField(max_length=30, choices=Theme.choices, default=Theme.OTHER)
    responsible_parties = models.ManyToManyField(
        Party,
        related_name="commitments",
        help_text="Who must act: some or all of the agreement's parties.",
    )
    timeline_wording = models.CharField(
        "timeline",
        max_length=200,
        blank=True,
        help_text="As the agreement words it: 'Within 3 months', 'by 10 March 2020', "
        "'next month'. Empty or 'ongoing' for no deadline.",
    )
    deadline_milestone = models.ForeignKey(
        Milestone,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="counted_commitments",
        help_text="The event a relative timeline counts from (the signing when left empty).",
    )
    # Computed from the wording and the milestone by services; never typed in.
    due_on = models.DateField(null=True, blank=True, editable=False)
    # How the wording was read; written with `due_on` by services.commitment_due_date alone.
    # Nullable (null: not read yet) so that adding it to tracker_commitment is a plain ALTER
    # TABLE on SQLite, where a rebuild would drop the figures' triggers.
    timeline_kind = models.CharField(  # noqa: DJ001
        max_length=12, choices=TIMELINE_KINDS, null=True, blank=True, editable=False
    )
    # The due date before the first extension; empty while the deadline was never extended.
    original_due_on = models.DateField(null=True, blank=True, editable=False)
    depends_on = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="dependents",
        blank=True,
        help_text="Commitments of the same agreement that must happen first.",
    )
    # The parties' latest claims about it disagree (one says progress, another a setback);
    # kept by services.commitment_refresh_dispute whenever its evidence changes.
    is_disputed = models.BooleanField(default=False, editable=False)
    status = models.CharField(
        max_length=20, choices=CommitmentStatus.choices, default=CommitmentStatus.NOT_STARTED
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    # Bumped on every status change so that two analysts editing the same version conflict.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Has a deadline (a due date, pending on an event, or recurring) or a completion
    # criterion; one that has neither is left out of the scores. Derived: written only by
    # services.commitments_refresh_verifiable, read by the figures' triggers (migration 0026).
    is_verifiable = models.BooleanField(default=True, db_default=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[responsible_parties, depends_on])

    class Meta:
        ordering = ["agreement", "sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "reference"],
                name="commitment_unique_reference_per_agreement",
                violation_error_message="This agreement already has a commitment with "
                "this reference.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CommitmentStatus.values), name="commitment_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(reference=""), name="commitment_reference_not_empty"
            ),
        ]
        indexes = [
            # The agreement page's commitments table filters by status within one agreement.
            models.Index(fields=["agreement", "status"], name="commitment_agreement_status"),
            # The same table in its default order (by reference), and the API's commitment
            # list, which pages through every agreement in that order.
            models.Index(fields=["agreement", "sort_key", "id"], name="commitment_reference_order"),
            # The overdue scan and "due in the next N days" read open commitments by due date.
            models.Index(
                fields=["due_on"],
                condition=Q(due_on__isnull=False) & ~Q(status__in=CLOSED_STATUSES),
                name="commitment_open_due_on",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def save(self, *args, **kwargs) -> None:
        self.sort_key = natural_sort_key(self.reference)
        if kwargs.get("update_fields") is not None and "reference" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return object_url("tracker:commitment-detail", self.pk)

    @property
    def status_choice(self) -> CommitmentStatus:
        return CommitmentStatus(self.status)

    @property
    def is_closed(self) -> bool:
        return self.status_choice.is_closed

    @property
    def is_pending(self) -> bool:
        """Counted from an event that has not happened (its milestone has no date): neither
        due nor overdue until it has one (a recurring timeline with its own start date is
        due all the same). Reads `deadline_milestone`: select it."""
        return (
            self.timeline_kind in RELATIVE_KINDS
            and self.due_on is None
            and self.deadline_milestone_id is not None
            and self.deadline_milestone.date is None
        )

    @property
    def deadline_reading(self) -> str:
        """How the deadline was read, in words: "3 months after the signing", "due 3 months
        after the start of negotiations, which has not happened", "no fixed date, expected
        promptly"; empty for wording the engine no longer reads."""
        try:
            timeline = deadlines.parse_timeline(self.timeline_wording)
        except deadlines.TimelineError:
            return ""
        event = self._counted_from_event(timeline)
        if timeline.kind == deadlines.TimelineKind.PROMPT:
            if self.is_pending:
                return f"expected promptly after the {event}, which has not happened"
            if self.due_on is not None:
                return f"expected promptly: due at the end of the grace period after the {event}"
            return timeline.describe()
        words = dataclasses.replace(timeline, event=event).describe()
        return f"due {words}, which has not happened" if self.is_pending else words

    def _counted_from_event(self, timeline: deadlines.Timeline) -> str:
        """The event the deadline counts from, in words: the wording's own when its milestone
        is that event, else the milestone's name, else the signing."""
        milestone = self.deadline_milestone if self.deadline_milestone_id else None
        if milestone is None or milestone.is_signing:
            return "signing" if timeline.event is None else timeline.event
        if timeline.event and matching_milestone(timeline.event, [milestone]) is not None:
            return event_as_written(self.timeline_wording, timeline.event)
        return milestone.name

    def days_overdue(self, today: date) -> int | None:
        """Days past the due date, or None when it is not late (or has no deadline)."""
        if self.due_on is None or self.is_closed or self.due_on >= today:
            return None
        return (today - self.due_on).days

    def days_left(self, today: date) -> int | None:
        if self.due_on is None or self.is_closed or self.due_on < today:
            return None
        return (self.due_on - today).days

    def days_late_against_original(self, today: date) -> int | None:
        """Lateness against the deadline first agreed, for an extended commitment."""
        if self.original_due_on is None or self.is_closed or self.original_due_on >= today:
            return None
        return (today - self.original_due_on).days


class StatusChange(TrackerModel):
    """Who moved a commitment from which status to which, when, why, citing which evidence."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, choices=CommitmentStatus.choices)
    to_status = models.CharField(max_length=20, choices=CommitmentStatus.choices)
    reason = limited_text(limit=limits.REASON)
    evidence = models.ForeignKey(
        "tracker.Evidence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cited_by",
        help_text="The evidence this change rests on.",
    )
    # Which party's obligation moved: the per-party history. Null on a change recorded before
    # obligations existed, which counts for every responsible party
    # (`selectors.obligation_statuses_as_of`).
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, null=True, blank=True, related_name="status_changes"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField()
    # Why "implemented" stands while completion criteria are unmet (required then, else empty:
    # services.criteria_check_implemented).
    unmet_criteria_reason = limited_text(limit=limits.REASON, blank=True, default="", db_default="")

    class Meta:
        ordering = ["changed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=models.F("to_status")), name="statuschange_moves"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="statuschange_has_reason"),
        ]
        indexes = [
            # A commitment's history, and an agreement's score over time, in time order.
            models.Index(fields=["commitment", "changed_at"], name="statuschange_history"),
            # The digest's "implemented since the last digest".
            models.Index(fields=["to_status", "changed_at"], name="statuschange_to_status"),
            # The public feeds' newest status changes (as `evidence_latest` for evidence),
            # read in index order instead of sorting those of every public agreement.
            models.Index(fields=["-changed_at", "-id"], name="statuschange_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.reference}: {self.from_status} → {self.to_status}"


class OverdueFlag(TrackerModel):
    """One period during which a commitment was late: flagged by the scan, cleared later."""

    class ClearReason(models.TextChoices):
        CLOSED = "closed", _("Implemented or abandoned")
        DEADLINE_MOVED = "deadline_moved", _("Deadline moved or removed")

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="overdue_flags"
    )
    due_on = models.DateField(help_text="The due date that was missed.")
    flagged_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)
    clear_reason = models.CharField(max_length=20, choices=ClearReason.choices, blank=True)

    class Meta:
        ordering = ["flagged_at", "id"]
        constraints = [
            # Two scans at once cannot both flag one commitment; also the index behind
            # every "is it overdue now" lookup.
            models.UniqueConstraint(
                fields=["commitment"],
                condition=Q(cleared_at__isnull=True),
                name="overdueflag_one_open_per_commitment",
            ),
            models.CheckConstraint(
                condition=Q(cleared_at__isnull=True, clear_reason="")
                | Q(cleared_at__isnull=False) & ~Q(clear_reason=""),
                name="overdueflag_cleared_with_reason",
            ),
        ]
        indexes = [
            # The digest's "became overdue since the last digest".
            models.Index(fields=["flagged_at"], name="overdueflag_flagged_at"),
            # `flag_overdue -v 2` lists the flags a run cleared (with flagged_at above).
            models.Index(
                fields=["cleared_at"],
                condition=Q(cleared_at__isnull=False),
                name="overdueflag_cleared_at",
            ),
        ]

    def __str__(self) -> str:
        state = f"cleared {self.cleared_at:%Y-%m-%d}" if self.cleared_at else "open"
        return f"{self.commitment.reference} overdue since {self.flagged_at:%Y-%m-%d} ({state})"


class DeadlineExtension(TrackerModel):
    """The parties agreed a new deadline: the old and new wording and dates, why, and where it
    was reported. The first due date stays on the commitment as `original_due_on`."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="extensions")
    previous_wording = models.CharField(max_length=200, blank=True)
    previous_milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    previous_due_on = models.DateField(null=True, blank=True)
    new_wording = models.CharField("new timeline", max_length=200)
    new_milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    new_due_on = models.DateField()
    reason = limited_text(limit=limits.REASON)
    source_title = models.CharField(max_length=300, blank=True)
    source_url = models.URLField(max_length=500, blank=True, validators=[web_url])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="extension_has_reason"),
        ]
        indexes = [
            # A commitment's history lists its extensions in time order.
            models.Index(fields=["commitment", "recorded_at"], name="extension_history"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment.reference}: {self.previous_due_on} → {self.new_due_on}"
