"""Watched sources and the evidence inbox: registering a source, recording what a watch run
found, and an analyst's decisions on proposals (accept, re-target, reject). Nothing becomes
evidence without a person: `proposal_accept` is the only way, through `evidence_log`."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Agreement,
    Commitment,
    CommitmentKeywords,
    Evidence,
    FeedItem,
    FetchOutcome,
    Proposal,
    ProposalState,
    SourceFetch,
    User,
    WatchedSource,
    WatchRun,
)
from .evidence import evidence_log
from .history import history_by, text_check


@transaction.atomic
def source_save(
    *, source: WatchedSource, agreements: Iterable[Agreement] | None, by: User | None
) -> WatchedSource:
    """Register or edit a source and the agreements it concerns, with its history record."""
    source.full_clean()
    history_by(source, by)
    source.save()
    if agreements is not None:
        source.agreements.set(agreements)
    return source


def keywords_save(*, keywords: CommitmentKeywords) -> CommitmentKeywords:
    """A commitment's keywords in one language, checked (length, NUL, one list a language)."""
    keywords.words = ", ".join(word.strip() for word in keywords.words.split(",") if word.strip())
    keywords.full_clean()
    keywords.save()
    return keywords


@dataclass(frozen=True)
class Match:
    """The matcher's verdict on one item for one commitment."""

    commitment_id: int
    score: float
    matched_words: list[str]


@dataclass(frozen=True)
class NewItem:
    canonical_url: str
    title: str
    excerpt: str
    published_on: date | None
    matches: Sequence[Match]


@transaction.atomic
def items_record(*, source: WatchedSource, item: NewItem, at: datetime) -> tuple[bool, int]:
    """Keep a new item and its proposals, in one transaction: (whether the item was new, how
    many proposals were made). An item this source gave before proposes nothing again, and a
    (commitment, address) that already has a proposal, waiting, accepted or rejected (from any
    source), gets no second one: the database's unique constraints decide, so two runs at
    once agree."""
    feed_item = FeedItem(
        source=source,
        canonical_url=item.canonical_url,
        title=item.title,
        excerpt=item.excerpt,
        published_on=item.published_on,
        fetched_at=at,
    )
    # The database decides uniqueness (two runs at once): an existing item is not an error.
    feed_item.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            feed_item.save()
    except IntegrityError:  # this source gave it before
        return False, 0
    proposals = [
        Proposal(
            item=feed_item,
            commitment_id=match.commitment_id,
            canonical_url=item.canonical_url,
            score=round(match.score, 3),
            matched_words=match.matched_words,
            created_at=at,
        )
        for match in item.matches
    ]
    Proposal.objects.bulk_create(proposals, ignore_conflicts=True)
    made = list(Proposal.objects.filter(item=feed_item))
    Proposal.history.bulk_history_create(made, default_change_reason="Proposed by the watcher")
    return True, len(made)


def _claim(proposal: Proposal, by: User, **changes) -> Proposal:
    """Move a waiting proposal out of the inbox, or refuse: a proposal decided meanwhile (by
    another analyst) is not decided twice."""
    now = timezone.now()
    updated = Proposal.objects.filter(pk=proposal.pk, state=ProposalState.PROPOSED).update(
        decided_by=by, decided_at=now, **changes
    )
    if updated != 1:
        raise ValidationError(_("This proposal was already decided."))
    proposal.refresh_from_db()
    return proposal


def _history(proposal: Proposal, by: User, reason: str) -> None:
    Proposal.history.bulk_history_create(
        [proposal], update=True, default_user=by, default_change_reason=reason
    )


@transaction.atomic
def proposal_accept(*, proposal: Proposal, by: User, **evidence_fields) -> Evidence:
    """Turn a waiting proposal into evidence on its commitment (`evidence_log`, with the
    analyst's grade, stance and claimant), in one transaction with the proposal's history."""
    for required in ("stance", "reliability", "credibility"):
        if not evidence_fields.get(required):
            raise ValidationError({required: _("This field is required.")})
    if "claimed_by" not in evidence_fields:
        raise ValidationError({"claimed_by": _("Say whose claim it is, or nobody's.")})
    _claim(proposal, by, state=ProposalState.PROPOSED)  # locks it as decided by `by`
    evidence = evidence_log(commitment=proposal.commitment, by=by, **evidence_fields)
    Proposal.objects.filter(pk=proposal.pk).update(state=ProposalState.ACCEPTED, evidence=evidence)
    proposal.refresh_from_db()
    _history(proposal, by, "Accepted as evidence")
    return evidence


@transaction.atomic
def proposal_reject(*, proposal: Proposal, by: User, reason: str = "") -> Proposal:
    """Reject a waiting proposal: it stays, so its item is never proposed for that
    commitment again."""
    reason = reason.strip()
    text_check(Proposal, "reason", reason)
    _claim(proposal, by, state=ProposalState.REJECTED, reason=reason)
    _history(proposal, by, f"Rejected: {reason}" if reason else "Rejected")
    return proposal


@transaction.atomic
def proposals_reject(*, proposals: Iterable[Proposal], by: User, reason: str = "") -> int:
    """Reject several waiting proposals at once (those decided meanwhile are left alone)."""
    reason = reason.strip()
    text_check(Proposal, "reason", reason)
    ids = [proposal.pk for proposal in proposals]
    waiting = Proposal.objects.filter(pk__in=ids, state=ProposalState.PROPOSED)
    locked = list(waiting.select_for_update().values_list("pk", flat=True))
    Proposal.objects.filter(pk__in=locked).update(
        state=ProposalState.REJECTED, reason=reason, decided_by=by, decided_at=timezone.now()
    )
    rejected = list(Proposal.objects.filter(pk__in=locked))
    Proposal.history.bulk_history_create(
        rejected,
        update=True,
        default_user=by,
        default_change_reason=f"Rejected: {reason}" if reason else "Rejected",
    )
    return len(rejected)


@transaction.atomic
def proposal_retarget(*, proposal: Proposal, commitment: Commitment, by: User) -> Proposal:
    """Propose the item for another commitment of the same agreement instead: this proposal
    is rejected as re-targeted (so it is not made again) and a waiting one made for the other.
    """
    if commitment.pk == proposal.commitment_id:
        raise ValidationError({"commitment": _("It is already proposed for this commitment.")})
    if commitment.agreement_id != proposal.commitment.agreement_id:
        raise ValidationError({"commitment": _("Choose a commitment of the same agreement.")})
    taken = Proposal.objects.filter(commitment=commitment, canonical_url=proposal.canonical_url)
    if taken.exists():
        raise ValidationError(
            {"commitment": _("This item was already proposed for that commitment.")}
        )
    reason = f"Re-targeted to {commitment.reference}"
    _claim(proposal, by, state=ProposalState.REJECTED, reason=reason)
    _history(proposal, by, reason)
    moved = Proposal(
        item_id=proposal.item_id,
        commitment=commitment,
        canonical_url=proposal.canonical_url,
        matched_words=proposal.matched_words,
        score=proposal.score,
        created_at=proposal.created_at,
    )
    history_by(moved, by)
    moved._change_reason = f"Re-targeted from {proposal.commitment.reference}"
    try:
        with transaction.atomic():
            moved.save()
    except IntegrityError:
        raise ValidationError(
            {"commitment": _("This item was already proposed for that commitment.")}
        ) from None
    return moved


def watch_run_start(*, at: datetime) -> WatchRun:
    """The record of one pass of the watcher, its totals filled in by `watch_run_finish`."""
    return WatchRun.objects.create(started_at=at)


@transaction.atomic
def source_fetch_record(
    *,
    run: WatchRun,
    source: WatchedSource,
    outcome: str,
    at: datetime,
    etag: str | None = None,
    last_modified: str | None = None,
    error: str = "",
    **figures: int,
) -> SourceFetch:
    """What one run got from one source, and the source's conditional-GET validators and last
    outcome, together. Validators are kept only from a successful fetch (None leaves them)."""
    fetch = SourceFetch.objects.create(
        run=run, source=source, outcome=outcome, error=error[:500], **figures
    )
    changes = {"last_fetched_at": at, "last_outcome": outcome, "last_error": error[:500]}
    if etag is not None:
        changes["etag"] = etag[:300]
    if last_modified is not None:
        changes["last_modified"] = last_modified[:100]
    WatchedSource.objects.filter(pk=source.pk).update(**changes)
    for name, value in changes.items():
        setattr(source, name, value)
    return fetch


def watch_run_finish(*, run: WatchRun, at: datetime) -> WatchRun:
    """Sum the run's fetches into its totals, in one statement."""
    totals = SourceFetch.objects.filter(run=run).aggregate(
        sources=Count("id"),
        fetched=Coalesce(Sum("fetched"), 0),
        new=Coalesce(Sum("new"), 0),
        proposed=Coalesce(Sum("proposed"), 0),
        skipped=Coalesce(Sum("skipped"), 0),
        failed=Count("id", filter=Q(outcome=FetchOutcome.FAILED)),
    )
    WatchRun.objects.filter(pk=run.pk).update(finished_at=at, **totals)
    run.refresh_from_db()
    return run
