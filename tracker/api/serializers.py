"""What the API shows and accepts. Read serializers expect the selectors' querysets (related
rows selected or prefetched, figures annotated); write serializers only check the shape of
the input: the rules stay in the services."""

from django.conf import settings
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import selectors
from ..models import (
    Agreement,
    AgreementText,
    Commitment,
    CommitmentStatus,
    Criterion,
    Evidence,
    Milestone,
    Party,
    ScoreRule,
    Source,
    StatusChange,
    limits,
)
from ..models.agreements import MAX_GRACE_DAYS
from ..models.commitments import TIMELINE_KINDS
from ..services import EVIDENCE_FIELDS


@extend_schema_field(OpenApiTypes.URI)
class PageUrlField(serializers.Field):
    """The object's page in the app, absolute from SITE_URL."""

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, instance) -> str:
        return settings.SITE_URL + instance.get_absolute_url()


class OptionalUrlField(serializers.URLField):
    """A URL, or null where none was given (the model keeps an empty string)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value) -> str | None:
        return value or None


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = ["code", "name", "kind"]


class MilestoneSerializer(serializers.ModelSerializer):
    date = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="Null while the event has not happened: deadlines counted from it are pending.",
    )

    class Meta:
        model = Milestone
        fields = ["id", "name", "kind", "date", "date_is_estimate", "note"]


class MilestoneDateSerializer(serializers.Serializer):
    """What an editor sends to date a milestone (PATCH): the day it happened, or null."""

    date = serializers.DateField(
        allow_null=True,
        help_text="YYYY-MM-DD; null when the event has not happened (never for the signing).",
    )


class AgreementChangeSerializer(serializers.Serializer):
    """What an editor may change on an agreement through the API (PATCH)."""

    prompt_grace_days = serializers.IntegerField(
        allow_null=True,
        min_value=1,
        max_value=MAX_GRACE_DAYS,
        help_text="Days after its event a prompt commitment is due; null: no fixed date.",
    )


class SourceSerializer(serializers.ModelSerializer):
    url = OptionalUrlField()

    class Meta:
        model = Source
        fields = ["title", "kind", "url", "publisher", "published_on"]


class AgreementSerializer(serializers.ModelSerializer):
    url = PageUrlField()
    parties = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    is_restricted = serializers.BooleanField(read_only=True)
    commitment_count = serializers.IntegerField(read_only=True)
    overdue_count = serializers.IntegerField(read_only=True)
    score = serializers.SerializerMethodField(
        help_text="The score under `score_rule`, of the verifiable commitments: pam, in percent, "
        "100 × points ÷ (3 × commitments), an abandoned one at 0 points (an integer); g7, the "
        "mean of +1 implemented, 0 partly or in progress, -1 not started, stalled or abandoned "
        "(from -1 to 1, two decimals); null when none is scored."
    )
    score_rule = serializers.ChoiceField(
        choices=ScoreRule.choices,
        read_only=True,
        help_text="How `score` is computed: pam (Peace Accords Matrix 0-3, percent) or g7 "
        "(G7/G20 Research Group -1 / 0 / +1, mean).",
    )
    unscored_count = serializers.IntegerField(
        read_only=True,
        help_text="Commitments left out of the score: not verifiable (no deadline, no criterion).",
    )
    next_due_on = serializers.DateField(read_only=True, allow_null=True)
    prompt_grace_days = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text='Days after its event a prompt commitment ("immediately") is due and '
        "flagged; null: prompt commitments have no fixed date.",
    )

    class Meta:
        model = Agreement
        fields = [
            "slug",
            "url",
            "title",
            "parties",
            "signed_on",
            "signed_on_kind",
            "status",
            "summary",
            "prompt_grace_days",
            "is_restricted",
            "commitment_count",
            "overdue_count",
            "score",
            "score_rule",
            "unscored_count",
            "next_due_on",
        ]

    def get_score(self, agreement) -> float | None:
        score = agreement.score
        if score is None:
            return None
        return round(score, 2) if agreement.score_rule == ScoreRule.G7 else round(score)


class AgreementTextSerializer(serializers.ModelSerializer):
    """The agreement's text in one language, as entered (never machine-translated)."""

    source_url = OptionalUrlField()

    class Meta:
        model = AgreementText
        fields = ["language", "title", "is_authentic", "source_url", "text"]


class AgreementDetailSerializer(AgreementSerializer):
    milestones = MilestoneSerializer(many=True, read_only=True)
    texts = AgreementTextSerializer(many=True, read_only=True)
    sources = SourceSerializer(many=True, read_only=True)
    holidays = serializers.SlugRelatedField(
        slug_field="date",
        many=True,
        read_only=True,
        help_text="Public holidays (YYYY-MM-DD) that working days skip, besides weekends.",
    )

    class Meta(AgreementSerializer.Meta):
        fields = [*AgreementSerializer.Meta.fields, "milestones", "holidays", "sources", "texts"]


class ObligationSerializer(serializers.Serializer):
    party = serializers.CharField(help_text="The responsible party's code.")
    status = serializers.ChoiceField(
        choices=CommitmentStatus.choices, help_text="That party's own status."
    )
    version = serializers.IntegerField(
        help_text="Its version: send it back when changing this party's status."
    )
    is_late = serializers.BooleanField(
        help_text="The commitment is flagged overdue and this party's status is still open."
    )


def _obligations(commitment: Commitment) -> list[dict]:
    """Each party's status, from the rows `selectors.with_page_rows` read (by party name)."""
    late = bool(getattr(commitment, "is_overdue", False))
    return [
        {
            "party": party,
            "status": status,
            "version": version,
            "is_late": late and not CommitmentStatus(status).is_closed,
        }
        for party, status, version in commitment.obligation_rows
    ]


class CommitmentSerializer(serializers.ModelSerializer):
    url = PageUrlField()
    agreement = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    responsible_parties = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    timeline = serializers.CharField(source="timeline_wording", read_only=True)
    counted_from = serializers.CharField(
        source="deadline_milestone.name",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="The milestone a relative timeline counts from; null for the signing.",
    )
    recurrence = serializers.SerializerMethodField(
        help_text="How a recurring timeline was read ('every 3 months (quarterly)'); null for "
        "any other."
    )
    period = serializers.SerializerMethodField(
        help_text="The period a recurring commitment owes, the one due on `due_on` "
        "('Q3 2027'); null for any other."
    )
    timeline_kind = serializers.ChoiceField(
        choices=TIMELINE_KINDS,
        read_only=True,
        allow_null=True,
        help_text="How the timeline was read: none, fixed, offset (from an event), prompt or "
        "recurring.",
    )
    reading = serializers.CharField(
        source="deadline_reading",
        read_only=True,
        help_text='How the deadline was read, in words: "3 months after the signing", "due 3 '
        'months after the start of negotiations, which has not happened", "no fixed date, '
        'expected promptly".',
    )
    pending = serializers.BooleanField(
        source="is_pending",
        read_only=True,
        help_text="Counted from an event that has not happened (its milestone has no date): "
        "no due date yet, never overdue.",
    )
    is_overdue = serializers.BooleanField(read_only=True, help_text="Flagged by the overdue scan.")
    original_due_on = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="The first agreed due date, when the deadline was extended; else null.",
    )
    days_overdue = serializers.SerializerMethodField(
        help_text="Days past the current due date (null when not late)."
    )
    days_late_against_original = serializers.SerializerMethodField(
        help_text="Days past the first agreed due date, for an extended commitment."
    )
    is_at_risk = serializers.BooleanField(
        read_only=True, help_text="Not yet due, but its pace will miss the deadline."
    )
    is_stale = serializers.BooleanField(
        read_only=True, help_text="Open with no evidence for STALE_AFTER_DAYS days."
    )
    is_blocked = serializers.BooleanField(
        read_only=True, help_text="A commitment it depends on is overdue."
    )
    is_disputed = serializers.BooleanField(
        read_only=True, help_text="The parties' latest claims about it disagree."
    )
    depends_on = serializers.SlugRelatedField(
        slug_field="reference",
        many=True,
        read_only=True,
        help_text="References of the commitments (same agreement) that must happen first.",
    )
    obligations = serializers.SerializerMethodField(
        help_text="Each responsible party's own status, by party name; `status` is derived "
        "from them (docs/api.md)."
    )
    verifiable = serializers.BooleanField(
        source="is_verifiable",
        read_only=True,
        help_text="It has a deadline (a due date, pending on an event, or recurring) or a "
        "completion criterion; false: it cannot be checked and is left out of the scores.",
    )

    class Meta:
        model = Commitment
        fields = [
            "id",
            "url",
            "agreement",
            "reference",
            "title",
            "description",
            "theme",
            "priority",
            "responsible_parties",
            "timeline",
            "counted_from",
            "recurrence",
            "timeline_kind",
            "reading",
            "pending",
            "due_on",
            "period",
            "status",
            "version",
            "obligations",
            "is_overdue",
            "original_due_on",
            "days_overdue",
            "days_late_against_original",
            "is_at_risk",
            "is_stale",
            "is_blocked",
            "is_disputed",
            "depends_on",
            "verifiable",
        ]

    @extend_schema_field(ObligationSerializer(many=True))
    def get_obligations(self, commitment: Commitment) -> list[dict]:
        return _obligations(commitment)

    def get_recurrence(self, commitment: Commitment) -> str | None:
        return selectors.recurring_reading(commitment) or None

    def get_period(self, commitment: Commitment) -> str | None:
        return selectors.commitment_period_label(commitment, commitment.due_on) or None

    def get_days_overdue(self, commitment: Commitment) -> int | None:
        return commitment.days_overdue(timezone.localdate())

    def get_days_late_against_original(self, commitment: Commitment) -> int | None:
        return commitment.days_late_against_original(timezone.localdate())

    def to_representation(self, commitment: Commitment) -> dict:
        """The fields declared above (which the schema describes), written out directly: DRF's
        field-by-field path cost more than a page's queries for a list of fifty.
        `tests/api/test_commitments.py` holds the two to the same output."""
        today = timezone.localdate()
        milestone = commitment.deadline_milestone
        return {
            "id": commitment.pk,
            "url": settings.SITE_URL + commitment.get_absolute_url(),
            "agreement": commitment.agreement.slug,
            "reference": commitment.reference,
            "title": commitment.title,
            "description": commitment.description,
            "theme": commitment.theme,
            "priority": commitment.priority,
            # The obligations are in step with the responsible parties.
            "responsible_parties": [party for party, _, _ in commitment.obligation_rows],
            "timeline": commitment.timeline_wording,
            "counted_from": milestone.name if milestone is not None else None,
            "recurrence": self.get_recurrence(commitment),
            "timeline_kind": commitment.timeline_kind,
            "reading": commitment.deadline_reading,
            "pending": commitment.is_pending,
            "due_on": _iso(commitment.due_on),
            "period": self.get_period(commitment),
            "status": commitment.status,
            "version": commitment.version,
            "obligations": _obligations(commitment),
            "is_overdue": commitment.is_overdue,
            "original_due_on": _iso(commitment.original_due_on),
            "days_overdue": commitment.days_overdue(today),
            "days_late_against_original": commitment.days_late_against_original(today),
            "is_at_risk": commitment.is_at_risk,
            "is_stale": commitment.is_stale,
            "is_blocked": commitment.is_blocked,
            "is_disputed": commitment.is_disputed,
            "depends_on": commitment.prerequisite_references,
            "verifiable": commitment.is_verifiable,
        }


class PeriodSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="'Q3 2027', 'March 2027', '2027', '1 March 2028'.")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(help_text="The day it is due.")
    state = serializers.ChoiceField(
        choices=["met", "missed", "current", "upcoming"],
        help_text="met: evidence showing progress, or a status change to in progress or "
        "further, is dated inside it; missed: it ended with nothing; current: it holds today.",
    )
    evidence = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of the evidence that met it."
    )
    status_changes = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of the status changes that met it."
    )

    def to_representation(self, entry) -> dict:
        return {
            "label": entry.period.label,
            "starts_on": _iso(entry.period.starts_on),
            "ends_on": _iso(entry.period.ends_on),
            "state": entry.state.value,
            "evidence": [item.pk for kind, item in entry.items if kind == "evidence"],
            "status_changes": [item.pk for kind, item in entry.items if kind == "status"],
        }


class CriterionSerializer(serializers.ModelSerializer):
    met_on = serializers.DateField(
        allow_null=True, read_only=True, help_text="The day it was met; null while it is not."
    )
    evidence = serializers.IntegerField(
        source="evidence_id",
        allow_null=True,
        read_only=True,
        help_text="Id of the evidence that shows it met.",
    )

    class Meta:
        model = Criterion
        fields = ["id", "text", "position", "met_on", "evidence"]
        read_only_fields = fields


class CriterionAddSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=limits.CRITERION, help_text="What must be seen.")


class CriterionMetSerializer(serializers.Serializer):
    met = serializers.BooleanField(
        default=True, help_text="false: mark it not met again (met_on and evidence ignored)."
    )
    met_on = serializers.DateField(required=False, allow_null=True, help_text="The day it was met.")
    evidence = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="Id of evidence logged against this commitment (not retracted) that shows it.",
    )


class CommitmentDetailSerializer(CommitmentSerializer):
    recent_periods = PeriodSerializer(
        many=True,
        read_only=True,
        help_text="A recurring commitment's last eight periods begun and the next one; "
        "empty for any other.",
    )
    criteria = CriterionSerializer(
        many=True, read_only=True, help_text="Its completion criteria, in order."
    )

    class Meta(CommitmentSerializer.Meta):
        fields = [*CommitmentSerializer.Meta.fields, "recent_periods", "criteria"]

    def to_representation(self, commitment: Commitment) -> dict:
        periods = getattr(commitment, "recent_periods", [])
        return super().to_representation(commitment) | {
            "recent_periods": [PeriodSerializer().to_representation(p) for p in periods],
            "criteria": CriterionSerializer(commitment.criteria.all(), many=True).data,
        }


def _iso(day) -> str | None:
    return None if day is None else day.isoformat()


class UsernameField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="username", read_only=True, **kwargs)


class EvidenceSerializer(serializers.ModelSerializer):
    agreement = serializers.CharField(source="commitment.agreement.slug", read_only=True)
    source_url = OptionalUrlField()
    logged_by = UsernameField(allow_null=True)
    retracted_by = UsernameField(allow_null=True)
    is_retracted = serializers.BooleanField(read_only=True)
    grading = serializers.CharField(read_only=True, help_text="Admiralty code, such as B2.")
    claimed_by = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="The party whose claim this is; null for independent observations.",
    )
    concerns_party = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="The responsible party whose part it shows; null for the whole commitment.",
    )

    class Meta:
        model = Evidence
        fields = [
            "id",
            "commitment",
            "agreement",
            *(name for name in EVIDENCE_FIELDS if name != "attachment"),
            "grading",
            "attachment_name",
            "logged_by",
            "logged_at",
            "is_retracted",
            "retracted_at",
            "retracted_by",
            "retraction_reason",
        ]
        read_only_fields = fields


class EvidenceLogSerializer(serializers.ModelSerializer):
    """What an analyst types in when logging evidence (attachments: on the page only)."""

    claimed_by = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Party.objects.all(),
        required=False,
        allow_null=True,
        help_text="The code of the party making this claim, if it is a party's claim.",
    )
    concerns_party = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Party.objects.all(),
        required=False,
        allow_null=True,
        help_text="The code of the responsible party whose part it shows; null or absent for "
        "the whole commitment.",
    )

    class Meta:
        model = Evidence
        fields = [name for name in EVIDENCE_FIELDS if name != "attachment"]
        extra_kwargs = {"summary": {"required": True, "allow_blank": False}}


class RetractSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=limits.REASON, help_text="Why the evidence is retracted."
    )


class StatusChangeSerializer(serializers.ModelSerializer):
    agreement = serializers.CharField(source="commitment.agreement.slug", read_only=True)
    reference = serializers.CharField(source="commitment.reference", read_only=True)
    changed_by = UsernameField(allow_null=True)
    party = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="The party whose status moved; null for a change of the whole commitment "
        "(or one recorded before per-party statuses), which counts for every party.",
    )

    class Meta:
        model = StatusChange
        fields = [
            "id",
            "commitment",
            "agreement",
            "reference",
            "party",
            "from_status",
            "to_status",
            "reason",
            "unmet_criteria_reason",
            "evidence",
            "changed_by",
            "changed_at",
        ]
        read_only_fields = fields


class StatusChangeRequestSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CommitmentStatus.choices)
    reason = serializers.CharField(max_length=limits.REASON, help_text="Why the status moves.")
    evidence = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="Id of evidence logged against this commitment that the change rests on.",
    )
    version = serializers.IntegerField(
        min_value=1,
        help_text="The commitment's version as you read it; if it moved since, the answer is "
        "409 and nothing changes.",
    )
    unmet_criteria_reason = serializers.CharField(
        max_length=limits.REASON,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required for implemented while a completion criterion is unmet: why it "
        "counts as implemented all the same (else 400 on this field).",
    )


class ObligationStatusRequestSerializer(StatusChangeRequestSerializer):
    version = serializers.IntegerField(
        min_value=1,
        help_text="That party's version (`obligations[].version`) as you read it; if it moved "
        "since, the answer is 409 and nothing changes.",
    )


class StatusConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    status = serializers.ChoiceField(choices=CommitmentStatus.choices)
    version = serializers.IntegerField()
