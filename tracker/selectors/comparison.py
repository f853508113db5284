"""Two or three agreements side by side (issue 21, item 5): their scores over time, by theme
and by party, the share of commitments met on time and the median delay, in a number of
queries that does not grow with the data (docs/comparison.md has the definitions).

Scores follow each agreement's rule (`Agreement.score_rule`: PAM in percent, G7 from -1 to
+1, `pages.score_of`) and count only its verifiable commitments (`Commitment.is_verifiable`),
as every other score in the app; over time too, in the agreement's own scale. Met on time and
the median delay are about deadlines and count every commitment with one.

The lookups that say which statuses count for a theme or a party are small named functions
(`theme_of`, `party_statuses`, `derived_changes`): each responsible party counts with its own
status (its obligation) and history; a commitment with the status the services derive from
its parties'.
"""

import re
import statistics
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from ..deadlines import TimelineKind
from ..models import Agreement, Commitment, Obligation, ScoreRule, StatusChange, User
from ..models.commitments import OPEN_STATUSES, CommitmentStatus, Theme
from .agreement_page import ScorePoint, statuses_before_changes
from .obligations import commitment_changes
from .pages import score_of
from .visibility import agreements_visible_to

MIN_COMPARED = 2
MAX_COMPARED = 3
# An agreement's address as its URLs take it (`slug` in tracker/urls.py), no longer than the
# field: anything else cannot name an agreement, and is refused before any query.
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")


class ComparisonRefused(ValueError):
    """The agreements asked for cannot be compared; the message says why, in the reader's
    words, and never names an agreement the reader may not see."""


def compared_slugs(values: Iterable[str]) -> list[str]:
    """The addresses of the agreements to compare, from the `a` parameters as given: empty
    ones (an unused choice of the form) are skipped; there must be two or three, different,
    each an address an agreement could have. Raises `ComparisonRefused`."""
    slugs = [value.strip() for value in values if value.strip()]
    if len(slugs) < MIN_COMPARED:
        raise ComparisonRefused(_("Choose two or three agreements to compare."))
    if len(slugs) > MAX_COMPARED:
        raise ComparisonRefused(_("Choose at most three agreements to compare."))
    for slug in slugs:
        if not SLUG.fullmatch(slug):
            raise ComparisonRefused(_("An agreement asked for is not an agreement's address."))
    if len(set(slugs)) != len(slugs):
        raise ComparisonRefused(_("The same agreement was chosen twice: choose different ones."))
    return slugs


def comparison_agreements(user: User, slugs: list[str]) -> list[Agreement]:
    """The agreements of `slugs` that `user` may see, in that order, in one query. An unknown
    address and one of a hidden agreement are refused with the same message."""
    found = {
        agreement.slug: agreement
        for agreement in agreements_visible_to(user)
        .filter(slug__in=slugs)
        .only("id", "slug", "title", "signed_on", "score_rule")
    }
    for slug in slugs:
        if slug not in found:
            raise ComparisonRefused(
                _("No agreement you may see has the address “%(slug)s”.") % {"slug": slug}
            )
    return [found[slug] for slug in slugs]


def comparison_choices(user: User) -> list[tuple[str, str]]:
    """(slug, title) of every agreement `user` may see, by title: what the form offers."""
    return list(agreements_visible_to(user).order_by("title", "slug").values_list("slug", "title"))


# ---------------------------------------------------------------------------------------------
# What the figures read: three queries whatever the number of commitments and changes.


@dataclass(frozen=True)
class CommitmentFacts:
    id: int
    agreement_id: int
    theme: str
    status: str
    deadline: date | None  # the deadline first agreed (`first_deadline`)
    implemented_at: datetime | None  # the change that made it implemented, if it is
    verifiable: bool  # a deadline or a criterion (`is_verifiable`): only these are scored


def first_deadline():
    """The deadline first agreed: the due date before any extension, else the due date.
    Extensions do not make a late commitment timely; recurring commitments, whose deadlines
    are periods, have none here."""
    return Coalesce("original_due_on", "due_on")


def commitment_facts(agreement_ids: list[int]) -> list[CommitmentFacts]:
    """Each commitment of the agreements with its theme, status, first deadline, whether it is
    verifiable and, when it is implemented, the moment of the latest change to implemented
    (the one that stands)."""
    implemented = (
        StatusChange.objects.filter(
            commitment_id=OuterRef("pk"), to_status=CommitmentStatus.IMPLEMENTED
        )
        .order_by()
        .values("commitment_id")
        .annotate(at=Max("changed_at"))
        .values("at")
    )
    rows = (
        Commitment.objects.filter(agreement_id__in=agreement_ids)
        .annotate(
            deadline=first_deadline(),
            implemented_at=Subquery(implemented),
        )
        .order_by()
        .values_list(
            "id",
            "agreement_id",
            "theme",
            "status",
            "deadline",
            "implemented_at",
            "timeline_kind",
            "is_verifiable",
        )
    )
    return [
        CommitmentFacts(
            id=pk,
            agreement_id=agreement_id,
            theme=theme,
            status=status,
            deadline=None if kind == TimelineKind.RECURRING else deadline,
            implemented_at=implemented_at if status == CommitmentStatus.IMPLEMENTED else None,
            verifiable=verifiable,
        )
        for pk, agreement_id, theme, status, deadline, implemented_at, kind, verifiable in rows
    ]


@dataclass(frozen=True, order=True)
class PartyKey:
    name: str
    code: str


def commitment_parties(agreement_ids: list[int]) -> dict[int, dict[int, tuple[PartyKey, str]]]:
    """Each commitment's obligations: party id → (the party, its status now). One query."""
    rows = (
        Obligation.objects.filter(commitment__agreement_id__in=agreement_ids)
        .order_by()
        .values_list("commitment_id", "party_id", "party__code", "party__name", "status")
    )
    parties: dict[int, dict[int, tuple[PartyKey, str]]] = {}
    for commitment_id, party_id, code, name, status in rows:
        parties.setdefault(commitment_id, {})[party_id] = (PartyKey(name, code), status)
    return parties


def status_changes(agreement_ids: list[int]) -> list[tuple[int, int | None, datetime, str, str]]:
    """Every recorded status change of the agreements' commitments, in time order:
    (commitment id, party id or None, changed_at, from_status, to_status)."""
    return list(
        StatusChange.objects.filter(commitment__agreement_id__in=agreement_ids)
        .order_by("changed_at", "id")
        .values_list("commitment_id", "party_id", "changed_at", "from_status", "to_status")
    )


def theme_of(fact: CommitmentFacts) -> str:
    """The theme a commitment's status counts for."""
    return fact.theme


def party_statuses(
    facts: list[CommitmentFacts], parties: dict[int, dict[int, tuple[PartyKey, str]]]
) -> dict[tuple[int, PartyKey], str]:
    """Each responsible party's own status on each commitment (its obligation's)."""
    return {
        (fact.id, party): status
        for fact in facts
        for party, status in parties.get(fact.id, {}).values()
    }


def derived_changes(
    facts: list[CommitmentFacts],
    parties: dict[int, dict[int, tuple[PartyKey, str]]],
    changes: list[tuple[int, int | None, datetime, str, str]],
) -> tuple[
    list[tuple[int, datetime, str, str]], list[tuple[tuple[int, PartyKey], datetime, str, str]]
]:
    """The commitments' changes as the services derive their statuses, and each party's
    own changes keyed by (commitment id, party) (`obligations.commitment_changes`)."""
    shares = {
        (commitment_id, party_id): status
        for commitment_id, by_party in parties.items()
        for party_id, (_, status) in by_party.items()
    }
    current = {fact.id: fact.status for fact in facts}
    commitment_level, share_level = commitment_changes(changes, shares, current)
    by_party = [
        ((commitment_id, parties[commitment_id][party_id][0]), at, from_status, to_status)
        for (commitment_id, party_id), at, from_status, to_status in share_level
        if party_id is not None
    ]
    return commitment_level, by_party


# ---------------------------------------------------------------------------------------------
# The figures, computed from what was read.


def month_ends(start: date, today: date) -> list[date]:
    """The last day of each month from `start`'s to today's, the current month's cut at
    today (none when `start` is after today)."""
    ends, year, month = [], start.year, start.month
    while date(year, month, 1) <= today:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        ends.append(min(date(year, month, 1) - timedelta(days=1), today))
    return ends


def scores_by_month(
    *,
    start: date,
    today: date,
    current: dict[Hashable, str],
    changes: list[tuple],
    groups_of: Callable[[Hashable], Iterable[Hashable]],
    rule: str = ScoreRule.PAM,
) -> dict[Hashable, list[ScorePoint]]:
    """Each group's score under `rule` at `start` (before any recorded change), then at the
    end of every month to today: the status history replayed (`statuses_before_changes`, as
    the agreement page's chart), each key (a commitment, or a party's share of one) counting
    for the groups `groups_of` names. Only the keys of `current` count: changes of others
    are passed over."""
    changes = [change for change in changes if change[0] in current]
    status = statuses_before_changes(current, changes)
    counts: dict[Hashable, dict[str, int]] = {}
    for key, value in status.items():
        for group in groups_of(key):
            by_status = counts.setdefault(group, {})
            by_status[value] = by_status.get(value, 0) + 1
    series = {group: [ScorePoint(start, score_of(c, rule) or 0)] for group, c in counts.items()}
    upcoming = iter(changes)
    change = next(upcoming, None)
    for end in month_ends(start, today):
        while change is not None and timezone.localtime(change[1]).date() <= end:
            key, _, _, to_status = change
            change = next(upcoming, None)
            for group in groups_of(key):
                counts[group][status[key]] -= 1
                counts[group][to_status] = counts[group].get(to_status, 0) + 1
            status[key] = to_status
        for group, by_status in counts.items():
            points = series[group]
            if points[-1].day == end:  # signed on the last day of a month
                points.pop()
            points.append(ScorePoint(end, score_of(by_status, rule) or 0))
    return series


@dataclass(frozen=True)
class Timeliness:
    """Whether commitments with a deadline were met on it (docs/comparison.md)."""

    dated: int  # commitments with a first-agreed deadline (recurring ones aside)
    decided: int  # of those: implemented, abandoned, or still open after the deadline
    met: int  # implemented on or before the deadline
    undated: int  # implemented without a recorded change to implemented: left out
    late_implemented: tuple[int, ...]  # days late of those implemented after the deadline
    open_overdue: tuple[int, ...]  # days late, as of today, of those open after it

    @property
    def share(self) -> int | None:
        return round(100 * self.met / self.decided) if self.decided else None

    @property
    def median_delay(self) -> float | None:
        return _median(self.late_implemented + self.open_overdue)

    @property
    def median_late_implemented(self) -> float | None:
        return _median(self.late_implemented)

    @property
    def median_open_overdue(self) -> float | None:
        return _median(self.open_overdue)


def _median(days: tuple[int, ...]) -> float | None:
    return statistics.median(days) if days else None


def timeliness(facts: Iterable[CommitmentFacts], *, today: date) -> Timeliness:
    """Met on time: implemented, by the change that stands, on a day (in the app's time zone)
    on or before the deadline first agreed. Abandoned commitments and those still open after
    that deadline were not; open ones not due yet are not decided and left out."""
    dated = decided = met = undated = 0
    late, overdue = [], []
    for fact in facts:
        if fact.deadline is None:
            continue
        dated += 1
        if fact.status == CommitmentStatus.IMPLEMENTED:
            if fact.implemented_at is None:
                undated += 1
                continue
            decided += 1
            days = (timezone.localtime(fact.implemented_at).date() - fact.deadline).days
            if days <= 0:
                met += 1
            else:
                late.append(days)
        elif fact.status in OPEN_STATUSES:
            if fact.deadline < today:
                decided += 1
                overdue.append((today - fact.deadline).days)
        else:
            decided += 1
    return Timeliness(dated, decided, met, undated, tuple(sorted(late)), tuple(sorted(overdue)))


@dataclass(frozen=True)
class GroupScore:
    """A theme's or a party's score within one agreement, now and month by month."""

    key: str  # the theme's value or the party's code
    label: str
    commitments: int  # the verifiable ones, those scored
    score: float | None  # under the agreement's rule
    history: list[ScorePoint]


@dataclass(frozen=True)
class AgreementComparison:
    agreement: Agreement
    commitments: int  # the verifiable ones, those scored
    unscored: int  # not verifiable (no deadline, no criterion): left out of the scores
    rule: str  # the agreement's score rule: every score here is on its scale
    score: float | None
    history: list[ScorePoint]
    themes: list[GroupScore]
    parties: list[GroupScore]
    timeliness: Timeliness


def comparison_for(user: User, values: Iterable[str], *, today: date) -> list[AgreementComparison]:
    """The agreements the `a` parameters name, each with its figures: four queries whatever
    the data. Raises `ComparisonRefused` for anything but two or three agreements `user` may
    see."""
    agreements = comparison_agreements(user, compared_slugs(values))
    return agreements_compared(agreements, today=today)


def agreements_compared(agreements: list[Agreement], *, today: date) -> list[AgreementComparison]:
    ids = [agreement.pk for agreement in agreements]
    facts, parties, recorded = commitment_facts(ids), commitment_parties(ids), status_changes(ids)
    agreement_of = {fact.id: fact.agreement_id for fact in facts}
    changes, by_party = derived_changes(facts, parties, recorded)
    return [
        _compared(
            agreement,
            [fact for fact in facts if fact.agreement_id == agreement.pk],
            parties,
            [change for change in changes if agreement_of.get(change[0]) == agreement.pk],
            [change for change in by_party if agreement_of.get(change[0][0]) == agreement.pk],
            today=today,
        )
        for agreement in agreements
    ]


def _compared(agreement, facts, parties, changes, party_changes, *, today) -> AgreementComparison:
    """One agreement's figures from its commitments' facts, obligations, derived changes and
    each party's own changes: the scores under its rule, of its verifiable commitments only;
    met on time and the delays of all its commitments with a deadline."""
    start = min(agreement.signed_on, today)
    rule = agreement.score_rule
    scored = [fact for fact in facts if fact.verifiable]
    statuses = {fact.id: fact.status for fact in scored}
    themes = {fact.id: theme_of(fact) for fact in scored}
    by_commitment = scores_by_month(
        start=start,
        today=today,
        current=statuses,
        changes=changes,
        groups_of=lambda commitment_id: (None, themes[commitment_id]),  # None: the whole
        rule=rule,
    )
    shares = party_statuses(scored, parties)
    by_party = scores_by_month(
        start=start,
        today=today,
        current=shares,
        changes=party_changes,
        groups_of=lambda share: (share[1],),
        rule=rule,
    )
    return AgreementComparison(
        agreement=agreement,
        commitments=len(scored),
        unscored=len(facts) - len(scored),
        rule=rule,
        score=score_of(_counts(statuses.values()), rule),
        history=by_commitment.get(None, [ScorePoint(start, 0)]),
        themes=[
            GroupScore(
                theme, Theme(theme).label, len(keys), score_of(counts, rule), by_commitment[theme]
            )
            for theme, keys, counts in _grouped(statuses, themes)
        ],
        parties=[
            GroupScore(party.code, party.name, len(keys), score_of(counts, rule), by_party[party])
            for party, keys, counts in _grouped(shares, {share: share[1] for share in shares})
        ],
        timeliness=timeliness(facts, today=today),
    )


def _grouped(statuses: dict, group_of: dict) -> list[tuple[Hashable, list, dict[str, int]]]:
    """(group, its keys, their counts by status now) for each group, in the groups' order."""
    keys: dict[Hashable, list] = {}
    for key in statuses:
        keys.setdefault(group_of[key], []).append(key)
    return [
        (group, members, _counts(statuses[key] for key in members))
        for group, members in sorted(keys.items())
    ]


def _counts(statuses: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    return counts
