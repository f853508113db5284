"""Writes to agreements and their milestones: the signing follows the agreement's date, due
dates follow their milestones, a reviewed draft is saved whole or not at all."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from .. import series
from ..models import (
    Agreement,
    Commitment,
    Holiday,
    Milestone,
    MilestoneKind,
    Party,
    Source,
    Team,
    User,
)
from ..selectors.recurring import recurring_latest_met
from ..selectors.visibility import agreement_free_slug
from .commitments import agreement_holidays, commitment_due_date, commitment_save
from .criteria import commitments_refresh_verifiable
from .history import history_by

SIGNING_NAME = "Signing"


@transaction.atomic
def agreement_sync_signing(*, agreement: Agreement, by: User | None = None) -> Milestone:
    """Make the signing milestone match the agreement's date; move the deadlines with it."""
    milestone = Milestone.objects.filter(agreement=agreement, kind=MilestoneKind.SIGNING).first()
    if milestone is None:
        milestone = Milestone(
            agreement=agreement,
            kind=MilestoneKind.SIGNING,
            name=SIGNING_NAME,
            date=agreement.signed_on,
        )
        history_by(milestone, by)
        milestone.save()
    elif milestone.date != agreement.signed_on:
        milestone.date = agreement.signed_on
        history_by(milestone, by)
        milestone.save(update_fields=["date"])
        agreement_recompute_due_dates(agreement=agreement, by=by)
    return milestone


@transaction.atomic
def agreement_recompute_due_dates(*, agreement: Agreement, by: User | None = None) -> int:
    """Recompute every due date of one agreement from its wording; returns how many moved.

    Called in the same transaction as any change of a milestone's date, of the agreement's
    grace period or of its holidays, so that every due date counted from them follows. Each
    through `commitment_due_date`, which may also link a commitment to the event its wording
    names (making that milestone, undated, when the agreement has none). The rows are locked
    first, in id order (a recurring due date reads what meets its periods, as
    `commitment_recompute_due` does under the same lock), and what met the recurring ones'
    periods is read for all of them in two queries.
    """
    commitments = list(
        Commitment.objects.filter(agreement=agreement)
        .select_related("deadline_milestone")
        .select_for_update(no_key=True, of=("self",))
        .order_by("pk")
    )
    latest_met = recurring_latest_met(
        c.pk for c in commitments if series.recurrence_with_periods(c.timeline_wording)
    )
    milestones = list(agreement.milestones.all())
    holidays = agreement_holidays(agreement=agreement)
    moved = []
    now = timezone.now()
    for commitment in commitments:
        commitment.agreement = agreement
        before = (commitment.due_on, commitment.timeline_kind, commitment.deadline_milestone_id)
        commitment.due_on = commitment_due_date(
            commitment=commitment,
            signed_on=agreement.signed_on,
            holidays=holidays,
            milestones=milestones,
            create_event=True,
            by=by,
            latest_met=latest_met.get(commitment.pk),
        )
        after = (commitment.due_on, commitment.timeline_kind, commitment.deadline_milestone_id)
        if after != before:
            # A bulk update skips auto_now: the calendar's events say when they last changed.
            commitment.updated_at = now
            moved.append(commitment)
    bulk_update_with_history(
        moved,
        Commitment,
        ["due_on", "timeline_kind", "deadline_milestone", "updated_at"],
        default_user=by,
        default_change_reason="Deadline recomputed",
    )
    commitments_refresh_verifiable(ids=[commitment.pk for commitment in moved])
    return len(moved)


@transaction.atomic
def milestone_set_date(*, milestone: Milestone, date: date | None, by: User | None = None) -> int:
    """Date a milestone (None: it has not happened); every due date counted from it moves
    in the same transaction, and those pending on it get theirs."""
    if milestone.is_signing:
        if date is None:
            raise ValidationError({"date": _("The signing has a date: the agreement's.")})
        agreement = milestone.agreement
        agreement.signed_on = date
        history_by(agreement, by)
        # The commitments' rows before the agreement's, the order in which a status change
        # reaches them (its figures are locked last): the other way round the two deadlock.
        agreement_sync_signing(agreement=agreement, by=by)
        agreement.save(update_fields=["signed_on", "updated_at"])
        return Commitment.objects.filter(agreement=agreement).count()
    milestone.date = date
    milestone.full_clean()
    history_by(milestone, by)
    milestone.save(update_fields=["date"])
    return agreement_recompute_due_dates(agreement=milestone.agreement, by=by)


@transaction.atomic
def agreement_set_holidays(
    *, agreement: Agreement, holidays: Mapping[date, str], by: User | None = None
) -> bool:
    """Make the agreement's public holidays these (day → name); the due dates counted in
    working days follow in the same transaction. Returns whether the days changed."""
    current = {holiday.date: holiday for holiday in agreement.holidays.all()}
    for day, holiday in current.items():
        if day not in holidays:
            history_by(holiday, by)
            holiday.delete()
    for day, name in holidays.items():
        holiday = current.get(day)
        if holiday is not None and holiday.name == name:
            continue
        holiday = holiday or Holiday(agreement=agreement, date=day)
        holiday.name = name
        holiday.full_clean()
        history_by(holiday, by)
        holiday.save()
    changed = set(current) != set(holidays)
    if changed:
        agreement_recompute_due_dates(agreement=agreement, by=by)
    return changed


class DraftRowInvalid(Exception):
    """One commitment of a reviewed draft was refused; `index` says which (from 0)."""

    def __init__(self, index: int, error: ValidationError):
        self.index = index
        self.error = error
        super().__init__(f"Commitment {index + 1}: {error}")


@transaction.atomic
def party_get_or_create(*, party: Party) -> Party:
    """The saved party with this code, else with this name (any case), else `party` saved."""
    found = (
        Party.objects.filter(code=party.code).first()
        or Party.objects.filter(name__iexact=party.name).first()
    )
    if found is not None:
        return found
    party.full_clean()
    party.save()
    return party


@transaction.atomic
def agreement_accept_draft(
    *,
    agreement: Agreement,
    commitments: Sequence[tuple[Commitment, Sequence[str]]],
    parties: Sequence[Party] = (),
    source: Source | None = None,
    by: User | None = None,
) -> Agreement:
    """Save a reviewed draft in one transaction: if anything is refused, nothing is saved.

    A new (unsaved) `agreement` is created with `parties` (matched to saved ones by code or
    name, created otherwise) and its signing milestone; an existing one keeps its parties.
    Each commitment comes with the codes of its responsible parties (none: all of the
    agreement's) and is saved through `commitment_save`, which computes its due date.
    Raises `ValidationError` about the agreement, `DraftRowInvalid` about a commitment.
    """
    if agreement.pk is None:
        if len({party.code for party in parties}) < 2:
            raise ValidationError({"parties": _("An agreement binds two or more parties.")})
        agreement_check_slug(agreement=agreement, slug=agreement.slug)
        agreement.full_clean(exclude=["parties", "teams"])
        history_by(agreement, by)
        agreement.save()
        by_code = {party.code: party_get_or_create(party=party) for party in parties}
        agreement.parties.set(set(by_code.values()))
    else:
        by_code = {party.code: party for party in agreement.parties.all()}
    agreement_sync_signing(agreement=agreement, by=by)
    everyone = list(dict.fromkeys(by_code.values()))
    for index, (commitment, codes) in enumerate(commitments):
        commitment.agreement = agreement
        # An unknown code stays an unsaved Party so that the service names it in its error.
        responsible = [by_code.get(code) or Party(code=code) for code in codes] or everyone
        try:
            commitment_save(commitment=commitment, responsible=responsible, by=by)
        except ValidationError as error:
            raise DraftRowInvalid(index, error) from None
    if source is not None:
        source.agreement = agreement
        source.full_clean()
        history_by(source, by)
        source.save()
    return agreement


# The importer and the API write agreements and milestones through these.

MIN_PARTIES = 2


def agreement_check_slug(*, agreement: Agreement, slug: str) -> None:
    """A slug is unique among every agreement, those restricted to other teams included.
    A taken one is refused in the same words whoever holds it, never naming or confirming
    an agreement the user may not see, with a free one proposed."""
    if Agreement.objects.filter(slug=slug).exclude(pk=agreement.pk).exists():
        raise ValidationError(
            {
                "slug": _("This slug is not available: try “%(slug)s”.")
                % {"slug": agreement_free_slug(slug)}
            }
        )


def agreement_restrict_check(*, is_public: bool, teams: Iterable[Team]) -> None:
    """An agreement is public or restricted to teams, never both: the refusal a form shows
    when both are asked for at once (`agreement_save` itself lets the restriction win)."""
    if is_public and list(teams):
        raise ValidationError(
            {
                "is_public": _(
                    "An agreement restricted to teams cannot be public: "
                    "untick “public” or remove the teams."
                )
            }
        )


def agreement_check_parties(*, parties: Iterable[Party]) -> None:
    if len({party.pk for party in parties}) < MIN_PARTIES:
        raise ValidationError({"parties": _("An agreement has at least two parties.")})


@transaction.atomic
def agreement_save(
    *,
    agreement: Agreement,
    parties: Iterable[Party],
    teams: Iterable[Team] | None = None,
    by: User | None = None,
) -> Agreement:
    """Validate and save an agreement with its parties (two or more) and, if given, the
    teams it is restricted to. The signing milestone follows its date, and the due dates
    counted from the signing with it. A party still responsible for one of its commitments
    cannot leave it. An agreement restricted to teams is never public: restricting a public
    one unpublishes it in the same save (`agreement_restrict_check` is the form's refusal)."""
    parties = list(parties)
    teams = None if teams is None else list(teams)
    agreement_check_parties(parties=parties)
    agreement_check_slug(agreement=agreement, slug=agreement.slug)
    if teams is not None:
        agreement.is_restricted = bool(teams)
    elif agreement.pk is not None:
        agreement.is_restricted = agreement.teams.exists()
    if agreement.is_restricted:
        agreement.is_public = False
    agreement.full_clean(exclude=["parties", "teams"])
    stored_grace = (
        Agreement.objects.filter(pk=agreement.pk).values_list("prompt_grace_days").first()
        if agreement.pk
        else None
    )
    history_by(agreement, by)
    if teams is not None and agreement.pk is not None:
        # Before the row: the teams' triggers open it again, so that it may be made public.
        agreement.teams.set(teams)
    agreement.save()
    leaving = (
        Commitment.responsible_parties.through.objects.filter(commitment__agreement=agreement)
        .exclude(party__in=parties)
        .select_related("party", "commitment")
        .order_by("party__code", "commitment__sort_key")
    )
    if leaving:
        still = sorted({f"{row.party.code} (for {row.commitment.reference})" for row in leaving})
        raise ValidationError(
            {
                "parties": _(
                    "%(parties)s cannot leave the agreement while responsible for its commitments."
                )
                % {"parties": ", ".join(still)}
            }
        )
    agreement.parties.set(parties)
    if teams is not None:
        agreement.teams.set(teams)
    agreement_sync_signing(agreement=agreement, by=by)
    if stored_grace is not None and stored_grace[0] != agreement.prompt_grace_days:
        agreement_recompute_due_dates(agreement=agreement, by=by)
    return agreement


@transaction.atomic
def milestone_save(*, milestone: Milestone, by: User | None = None) -> Milestone:
    """Validate and save a milestone other than the signing (which follows the agreement's
    date); moving its date (dating it, or taking its date away) moves every due date counted
    from it, in the same transaction."""
    if milestone.is_signing:
        raise ValidationError(
            {"kind": _("The signing milestone follows the agreement's date; change that instead.")}
        )
    previous = (
        Milestone.objects.filter(pk=milestone.pk).values_list("date").first()
        if milestone.pk
        else None
    )
    milestone.full_clean()
    history_by(milestone, by)
    milestone.save()
    if previous is not None and previous[0] != milestone.date:
        agreement_recompute_due_dates(agreement=milestone.agreement, by=by)
    return milestone
