"""A round's frozen data: `build_round_snapshot(agreement, cutoff)`, the one function that
writes it (docs/rounds.md has the schema, `SCHEMA` its version).

Each part is a small function over the whole agreement: each party's own status and its
last change (`party_statuses_as_of`, `last_changes_as_of`: its obligation's history, where a
change naming no party moved every party's), its completion criteria as of the cut-off
(`criteria_as_of`), `verifiable` and the rule's points (`score_of_status`, by the agreement's
score rule). Every part reads a constant number of
queries, whatever the agreement's size.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from .. import scoring
from ..models import (
    Agreement,
    Commitment,
    CommitmentStatus,
    Criterion,
    Evidence,
    ScoreRule,
    StatusChange,
)
from ..models.commitments import MAX_WEIGHT
from ..selectors.obligations import agreement_shares, parties_by_commitment, share_changes

SCHEMA = 1
PAM = "pam"


def day_end(cutoff: date) -> datetime:
    """The first moment after the cut-off day, in the site's time zone: what happened on the
    cut-off day counts."""
    return timezone.make_aware(datetime.combine(cutoff + timedelta(days=1), time.min))


def build_round_snapshot(agreement: Agreement, cutoff: date) -> dict:
    """The agreement as it stood at the end of `cutoff`: each commitment with its wording, its
    criteria, each responsible party's status and score, and its evidence, with the scores."""
    rule = score_rule(agreement)
    parties = list(agreement.parties.order_by("name"))
    commitments = list(
        agreement.commitments.order_by("sort_key", "id")
        .select_related("deadline_milestone")
        .prefetch_related("responsible_parties")
    )
    history = _history(agreement)  # read once for both
    statuses = party_statuses_as_of(agreement, cutoff, history)
    changes = last_changes_as_of(agreement, cutoff, history)
    criteria = criteria_as_of(agreement, cutoff)
    evidence = evidence_as_of(agreement, cutoff)
    items = []
    for commitment in commitments:
        counted = verifiable(commitment)
        items.append(
            {
                "id": commitment.pk,
                "reference": commitment.reference,
                "title": commitment.title,
                "description": commitment.description,
                "theme": commitment.theme,
                "timeline_wording": commitment.timeline_wording,
                "due_on": _day(commitment.due_on),
                "verifiable": counted,
                "criteria": criteria.get(commitment.pk, []),
                "parties": [
                    _party_entry(commitment, party.pk, statuses, changes, rule)
                    for party in sorted(commitment.responsible_parties.all(), key=_by_name)
                ],
                "evidence": evidence.get(commitment.pk, []),
            }
        )
    return {
        "schema": SCHEMA,
        "agreement": {
            "slug": agreement.slug,
            "title": agreement.title,
            "signed_on": _day(agreement.signed_on),
            "parties": [{"id": p.pk, "name": p.name, "short": p.code} for p in parties],
        },
        "cutoff": _day(cutoff),
        "score_rule": rule,
        "scale": scale_of(rule),
        "commitments": items,
        "scores": snapshot_scores(items, [p.pk for p in parties], scale_of(rule)),
    }


def _by_name(party) -> str:
    return party.name


def _party_entry(commitment, party_id: int, statuses: dict, changes: dict, rule: str) -> dict:
    status = statuses.get((commitment.pk, party_id), commitment.status)
    return {
        "party_id": party_id,
        "status": status,
        "score": score_of_status(rule, status),
        "last_change": changes.get((commitment.pk, party_id)),
    }


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def score_rule(agreement: Agreement) -> str:
    """The agreement's score rule (`Agreement.score_rule`): PAM's 0–3 or the G7's -1/0/+1."""
    return agreement.score_rule or PAM


def scale_of(rule: str) -> dict:
    """The rule's levels, points and bounds, for the scores and the methodology appendix."""
    weights = scoring.WEIGHTS[ScoreRule(rule)]
    levels = [
        {"status": status.value, "label": str(status.label), "points": weights[status]}
        for status in CommitmentStatus
    ]
    if rule == ScoreRule.G7:
        return {
            "rule": rule,
            "name": "G7/G20 Research Group",
            "min": -1,
            "max": 1,
            "levels": levels,
        }
    return {
        "rule": rule,
        "name": "Peace Accords Matrix",
        "min": 0,
        "max": MAX_WEIGHT,
        "levels": levels,
    }


def score_of_status(rule: str, status: str) -> int:
    """A status's points on the rule's scale (PAM: `STATUS_WEIGHTS`, 0–3; G7: -1/0/+1)."""
    return scoring.WEIGHTS[ScoreRule(rule)].get(status, 0)


def percent(points: list[int], scale: dict) -> int | None:
    """Scores shown in percent of the scale's range; None when nothing is scored."""
    if not points:
        return None
    low, high = scale["min"], scale["max"]
    return round(100 * sum(p - low for p in points) / ((high - low) * len(points)))


def snapshot_scores(items: list[dict], party_ids: list[int], scale: dict, overrides=None) -> dict:
    """The overall score and each party's, over the verifiable commitments' obligations; a
    recalibrated score (`overrides[(commitment_id, party_id)]`) replaces the frozen one."""
    overrides = overrides or {}
    by_party: dict[int, list[int]] = {party_id: [] for party_id in party_ids}
    overall = []
    for item in items:
        if not item["verifiable"]:
            continue
        for entry in item["parties"]:
            score = overrides.get((item["id"], entry["party_id"]), entry["score"])
            overall.append(score)
            by_party.setdefault(entry["party_id"], []).append(score)
    return {
        "overall": percent(overall, scale),
        "by_party": {
            str(party_id): percent(scores, scale) for party_id, scores in by_party.items()
        },
    }


def verifiable(commitment: Commitment) -> bool:
    """Whether the commitment can be checked (`Commitment.is_verifiable`, kept by
    `services.commitments_refresh_verifiable`: a deadline, pending or recurring, or a
    completion criterion)."""
    return commitment.is_verifiable


def _history(agreement: Agreement) -> tuple[dict[tuple[int, int], str], dict[tuple, list]]:
    """Every obligation's status now, and each obligation's status changes in time order
    (`selectors.obligations.share_changes`: a change naming no party moved every party's).
    Two queries."""
    shares = agreement_shares([agreement.pk])
    rows = [
        (change.commitment_id, change.party_id, change, change.from_status, change.to_status)
        for change in StatusChange.objects.filter(commitment__agreement=agreement)
        .order_by("changed_at", "id")
        .only(
            "commitment_id",
            "party_id",
            "from_status",
            "to_status",
            "changed_at",
            "reason",
            "evidence_id",
        )
    ]
    history: dict[tuple, list] = {}
    for key, change, _, _ in share_changes(rows, parties_by_commitment(shares)):
        history.setdefault(key, []).append(change)
    return shares, history


def _status_as_of(changes: list, current: str, end: datetime) -> str:
    before = [change for change in changes if change.changed_at < end]
    if before:
        return before[-1].to_status
    if changes:
        return changes[0].from_status
    return current


def party_statuses_as_of(
    agreement: Agreement, cutoff: date, history: tuple | None = None
) -> dict[tuple[int, int], str]:
    """{(commitment id, party id): that party's own status (its obligation's) at the end of
    the cut-off day}, replayed from its history: the last change by then, else where the
    first later change started, else its status now."""
    end = day_end(cutoff)
    shares, history = history or _history(agreement)
    return {key: _status_as_of(history.get(key, []), status, end) for key, status in shares.items()}


def last_changes_as_of(
    agreement: Agreement, cutoff: date, history: tuple | None = None
) -> dict[tuple[int, int], dict]:
    """{(commitment id, party id): the last change of that party's status by the cut-off
    day}, as {"on", "reason", "evidence_id"}; absent when there was none."""
    end = day_end(cutoff)
    shares, history = history or _history(agreement)
    found = {}
    for key in shares:
        before = [change for change in history.get(key, []) if change.changed_at < end]
        if before:
            change = before[-1]
            found[key] = {
                "on": timezone.localdate(change.changed_at).isoformat(),
                "reason": change.reason,
                "evidence_id": change.evidence_id,
            }
    return found


def criteria_as_of(agreement: Agreement, cutoff: date) -> dict[int, list[dict]]:
    """{commitment id: [{"text", "met_on", "evidence_id"}]}, in the commitment's order: each
    criterion as it stands, met only if it was met on or before the cut-off day (met later,
    it was not met yet). One query."""
    found: dict[int, list[dict]] = {}
    rows = (
        Criterion.objects.filter(commitment__agreement=agreement)
        .order_by("commitment_id", "position", "id")
        .values_list("commitment_id", "text", "met_on", "evidence_id")
    )
    for commitment_id, text, met_on, evidence_id in rows:
        met = met_on is not None and met_on <= cutoff
        found.setdefault(commitment_id, []).append(
            {
                "text": text,
                "met_on": _day(met_on) if met else None,
                "evidence_id": evidence_id if met else None,
            }
        )
    return found


def evidence_as_of(agreement: Agreement, cutoff: date) -> dict[int, list[dict]]:
    """{commitment id: its evidence as it stood at the cut-off}: logged by the end of the day
    and not retracted by then (retracted later, it counts as it was)."""
    end = day_end(cutoff)
    rows = (
        Evidence.objects.filter(commitment__agreement=agreement, logged_at__lt=end)
        .exclude(retracted_at__lt=end)
        .order_by("logged_at", "id")
    )
    found: dict[int, list[dict]] = {}
    for evidence in rows:
        found.setdefault(evidence.commitment_id, []).append(
            {
                "id": evidence.pk,
                "happened_on": _day(evidence.occurred_on),
                "logged_on": timezone.localdate(evidence.logged_at).isoformat(),
                "summary": evidence.summary,
                "grade": evidence.grading,
                "reliability": evidence.reliability,
                "credibility": evidence.credibility,
                "source_title": evidence.source_title,
                "source_url": evidence.source_url,
                "claimed_by": evidence.claimed_by_id,
                "concerns_party": evidence.concerns_party_id,
                "stance": evidence.stance,
                "retracted": False,
            }
        )
    return found
