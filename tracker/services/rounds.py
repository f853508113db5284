"""Assessment rounds (issue 21): open, move the cut-off, send to review, reply, publish.

Each service is one transaction with its history row (simple-history). A round's row is
locked first by every write to it or its replies, so that publishing, which locks it too,
is never overtaken: once published, every write is refused with a `ValidationError`.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Agreement, AssessmentRound, Party, RoundKind, RoundReply, RoundState, User
from ..rounds.snapshot import build_round_snapshot
from .history import history_by


def _check_cutoff(agreement: Agreement, cutoff: date) -> None:
    if cutoff > timezone.localdate():
        raise ValidationError({"cutoff": _("The cut-off cannot be in the future.")})
    if cutoff < agreement.signed_on:
        raise ValidationError({"cutoff": _("The cut-off cannot be before the agreement's date.")})


def _locked(round_: AssessmentRound) -> AssessmentRound:
    """The round's row, locked, read afresh: its state is the one that counts."""
    locked = AssessmentRound.objects.select_for_update(of=("self",)).select_related("agreement")
    return locked.get(pk=round_.pk)


def _refuse_published(round_: AssessmentRound) -> None:
    if round_.state == RoundState.PUBLISHED:
        raise ValidationError(_("This round is published: it can no longer change."))


@transaction.atomic
def round_open(
    *, agreement: Agreement, kind: str, cutoff: date, by: User | None
) -> AssessmentRound:
    """Open the agreement's next round, its data frozen as of `cutoff`. Refused while another
    round of the agreement is not yet published."""
    kind = RoundKind(kind)
    _check_cutoff(agreement, cutoff)
    # The agreement's row orders two editors opening a round at once.
    Agreement.objects.select_for_update().filter(pk=agreement.pk).exists()
    rounds = AssessmentRound.objects.filter(agreement=agreement)
    if rounds.exclude(state=RoundState.PUBLISHED).exists():
        raise ValidationError(_("Publish the round under way before opening another."))
    number = (rounds.aggregate(last=Max("number"))["last"] or 0) + 1
    round_ = AssessmentRound(
        agreement=agreement,
        number=number,
        kind=kind,
        cutoff=cutoff,
        snapshot=build_round_snapshot(agreement, cutoff),
        opened_by=by,
        opened_at=timezone.now(),
    )
    round_.full_clean()
    history_by(round_, by)
    round_.save()
    return round_


@transaction.atomic
def round_set_cutoff(*, round_: AssessmentRound, cutoff: date, by: User | None) -> AssessmentRound:
    """Move an open round's cut-off; its snapshot is built again as of the new date."""
    round_ = _locked(round_)
    _refuse_published(round_)
    if round_.state != RoundState.OPEN:
        raise ValidationError(_("The cut-off moves only while the round is open."))
    _check_cutoff(round_.agreement, cutoff)
    round_.cutoff = cutoff
    round_.snapshot = build_round_snapshot(round_.agreement, cutoff)
    history_by(round_, by)
    round_.save(update_fields=["cutoff", "snapshot"])
    return round_


@transaction.atomic
def round_to_review(*, round_: AssessmentRound, by: User | None) -> AssessmentRound:
    """Send an open round to the parties for review: its snapshot is final from now on."""
    round_ = _locked(round_)
    _refuse_published(round_)
    if round_.state != RoundState.OPEN:
        raise ValidationError(_("This round is already in review."))
    round_.state = RoundState.IN_REVIEW
    round_.reviewed_at = timezone.now()
    history_by(round_, by)
    round_.save(update_fields=["state", "reviewed_at"])
    return round_


@transaction.atomic
def round_publish(*, round_: AssessmentRound, by: User | None) -> AssessmentRound:
    """Publish a round in review: from now on nothing of it changes."""
    round_ = _locked(round_)
    _refuse_published(round_)
    if round_.state != RoundState.IN_REVIEW:
        raise ValidationError(_("Send the round to review before publishing it."))
    round_.state = RoundState.PUBLISHED
    round_.published_by = by
    round_.published_at = timezone.now()
    history_by(round_, by)
    round_.save(update_fields=["state", "published_by", "published_at"])
    return round_


def round_may_reply(round_: AssessmentRound, party: Party, by: User) -> bool:
    """A party's representative replies for that party; an editor for any party."""
    return by.represents_party_id == party.pk or by.has_perm("tracker.add_roundreply")


@transaction.atomic
def round_reply(
    *,
    round_: AssessmentRound,
    commitment_id: int,
    party: Party,
    text: str,
    by: User,
    recalibrated_score: int | None = None,
    recalibration_reason: str = "",
) -> RoundReply:
    """A party's reply about one commitment of a round in review, with a recalibrated score
    (on the round's scale) and its reason if the party contests the frozen one."""
    round_ = _locked(round_)
    _refuse_published(round_)
    if round_.state != RoundState.IN_REVIEW:
        raise ValidationError(_("Replies are taken while the round is in review."))
    if not round_may_reply(round_, party, by):
        raise ValidationError(_("You may reply only for the party you represent."))
    _check_obligation(round_.snapshot, commitment_id, party)
    reason = recalibration_reason.strip()
    if recalibrated_score is not None:
        scale = round_.snapshot["scale"]
        if not scale["min"] <= recalibrated_score <= scale["max"]:
            raise ValidationError(
                {
                    "recalibrated_score": _("A score runs from %(min)s to %(max)s.")
                    % {"min": scale["min"], "max": scale["max"]}
                }
            )
        if not reason:
            raise ValidationError({"recalibration_reason": _("Say why the score should change.")})
    elif reason:
        raise ValidationError({"recalibrated_score": _("Give the score the reason argues for.")})
    reply = RoundReply(
        round=round_,
        commitment_id=commitment_id,
        party=party,
        text=text.strip(),
        recalibrated_score=recalibrated_score,
        recalibration_reason=reason,
        by=by,
        by_editor=by.represents_party_id != party.pk,
        at=timezone.now(),
    )
    reply.full_clean()
    history_by(reply, by)
    reply.save()
    return reply


def _check_obligation(snapshot: dict, commitment_id: int, party: Party) -> None:
    """The party must be responsible for the commitment in the round's snapshot."""
    for item in snapshot.get("commitments", []):
        if item["id"] == commitment_id:
            if any(entry["party_id"] == party.pk for entry in item["parties"]):
                return
            raise ValidationError(
                {"party": _("This party is not responsible for that commitment.")}
            )
    raise ValidationError({"commitment_id": _("That commitment is not in this round.")})
