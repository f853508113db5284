"""What one user's digest says: the agreements it covers (those visible, or only the followed
ones), its sections in two queries, and the e-mail that carries it."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from .. import emails, selectors
from ..db import ResponsiblePartyCodes
from ..models import (
    Agreement,
    Commitment,
    CommitmentStatus,
    DigestScope,
    OverdueFlag,
    Proposal,
    ProposalState,
    StatusChange,
    User,
)
from ..models.commitments import OPEN_STATUSES
from ..models.users import ROLE_ORDER, role_from_groups
from .weeks import window

DUE_SOON_DAYS = 14
# An e-mail stays readable: past these, a section says how many more and links to the page.
ITEMS_PER_AGREEMENT = 10
ITEMS_PER_SECTION = 20
# A digest covers at most this many agreements, those with the most overdue commitments
# first, and says how many it left out; the overdue page has the rest (docs/benchmarks.md
# has what a digest of every visible agreement cost).
AGREEMENTS_PER_DIGEST = 25
UNSUBSCRIBE_SALT = "tracker.digest.unsubscribe"


@dataclass
class DigestItem:
    commitment: Commitment
    days_overdue: int | None
    days_left: int | None
    # Who is responsible ("AFG · PAK"), for the overdue items: the reader's next question.
    party_codes: str = ""
    # Of those, who is late on it: whose own status is still open.
    late_codes: str = ""
    # A recurring commitment's period owed ("Q3 2027"): "Q3 2027 missing" once it is late.
    period: str = ""

    @cached_property
    def url(self) -> str:
        # Only for the items an e-mail shows: reversing a URL is the build's costliest step.
        return absolute_url(self.commitment.get_absolute_url())


@dataclass
class AgreementGroup:
    agreement: Agreement
    url: str
    items: list[DigestItem] = field(default_factory=list)

    @property
    def shown(self) -> list[DigestItem]:
        return self.items[:ITEMS_PER_AGREEMENT]

    @property
    def more(self) -> int:
        return max(len(self.items) - ITEMS_PER_AGREEMENT, 0)


@dataclass
class Digest:
    user: User
    week: str
    today: date
    since: datetime
    until: datetime
    overdue: list[AgreementGroup]
    became_overdue: list[DigestItem]
    implemented: list[DigestItem]
    due_soon: list[DigestItem]
    # Early warnings (issue 8): each open commitment in every list it belongs to.
    warnings: dict[str, list[DigestItem]] = field(default_factory=dict)
    # How many agreements the user's choice covers, and how many of them this digest does.
    agreements_total: int = 0
    agreements_covered: int = 0
    # Proposals from the watched sources waiting in the inbox, for every agreement covered.
    proposals_waiting: int = 0

    @property
    def agreements_left_out(self) -> int:
        return self.agreements_total - self.agreements_covered

    @property
    def overdue_count(self) -> int:
        return sum(len(group.items) for group in self.overdue)

    @property
    def item_count(self) -> int:
        return (
            self.overdue_count
            + len(self.became_overdue)
            + len(self.implemented)
            + len(self.due_soon)
            + sum(len(items) for items in self.warnings.values())
        )

    @property
    def is_empty(self) -> bool:
        return self.item_count == 0 and self.proposals_waiting == 0

    def shown(self) -> dict[str, tuple[list[DigestItem], int]]:
        """Each list section's first items and how many more there are."""
        sections = {
            "became_overdue": self.became_overdue,
            "implemented": self.implemented,
            "due_soon": self.due_soon,
            **self.warnings,
        }
        return {
            name: (items[:ITEMS_PER_SECTION], max(len(items) - ITEMS_PER_SECTION, 0))
            for name, items in sections.items()
        }


def user_for_digest(user_id: int) -> User | None:
    """The user if they still want digests, with their role read in the same query."""
    in_role = {
        f"in_{role.value}": Exists(
            User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=role.label)
        )
        for role in ROLE_ORDER
    }
    user = (
        User.objects.filter(pk=user_id, is_active=True, digest_enabled=True)
        .exclude(email="")
        .annotate(**in_role)
        .first()
    )
    if user is not None:
        names = {role.label for role in ROLE_ORDER if getattr(user, f"in_{role.value}")}
        # `role` is a cached_property: fill it so that visibility needs no query of its own.
        user.__dict__["role"] = role_from_groups(names, user.is_superuser)
    return user


def digest_agreements(user: User) -> QuerySet[Agreement]:
    """The agreements a digest covers: those visible, narrowed to the followed ones if asked."""
    agreements = selectors.agreements_visible_to(user)
    if user.digest_scope == DigestScope.FOLLOWED:
        followed = User.followed_agreements.through.objects.filter(user_id=user.pk)
        agreements = agreements.filter(pk__in=followed.values("agreement_id"))
    return agreements


def digest_commitments(
    agreement_ids: list[int], *, today: date, since: datetime, until: datetime
) -> QuerySet[Commitment]:
    """Every commitment of these agreements that a digest mentions, annotated with its
    sections. The ids are given as a list, not as the visibility subquery: the planner
    cannot estimate that one and would hash every open flag of the database for each user,
    where with the ids it walks the few agreements' commitments by index."""
    became_overdue = OverdueFlag.objects.filter(
        commitment_id=OuterRef("pk"), flagged_at__gte=since, flagged_at__lt=until
    )
    implemented = StatusChange.objects.filter(
        commitment_id=OuterRef("pk"),
        to_status=CommitmentStatus.IMPLEMENTED,
        changed_at__gte=since,
        changed_at__lt=until,
    )
    commitments = selectors.with_warnings(
        Commitment.objects.filter(agreement_id__in=agreement_ids), today=today, now=until
    )
    return (
        commitments.annotate(
            is_overdue=selectors.open_overdue_flag(probe=True),
            became_overdue=Exists(became_overdue),
            implemented_lately=Exists(implemented),
            responsible_codes=ResponsiblePartyCodes("pk"),
            late_codes=ResponsiblePartyCodes("pk", open_only=True),
        )
        .filter(
            Q(is_overdue=True, due_on__lt=today)
            | Q(became_overdue=True)
            | Q(implemented_lately=True, status=CommitmentStatus.IMPLEMENTED)
            | Q(
                status__in=OPEN_STATUSES,
                due_on__gte=today,
                due_on__lte=today + timedelta(days=DUE_SOON_DAYS),
            )
            | Q(is_at_risk=True)
            | Q(is_stale=True)
            | Q(is_blocked=True)
            | Q(is_disputed=True, status__in=OPEN_STATUSES)
        )
        .select_related("agreement", "deadline_milestone")
        .defer("description", "agreement__summary")
        .order_by(F("due_on").asc(nulls_last=True), "agreement__title", "sort_key")
    )


# The early-warning sections, in the order the e-mail lists them.
WARNING_SECTIONS = ("at_risk", "blocked", "disputed", "stale")


def digest_build(user: User, *, week: str, today: date) -> Digest:
    """One user's digest for `week`: two queries, whatever the number of agreements."""
    since, until = window(week)
    overdue: dict[int, AgreementGroup] = {}
    sections: dict[str, list[DigestItem]] = {"became": [], "implemented": [], "soon": []}
    warnings: dict[str, list[DigestItem]] = {name: [] for name in WARNING_SECTIONS}
    # The kept overdue count orders them: the most overdue agreements are covered first.
    # Each row also carries the count of waiting proposals of them all (one uncorrelated
    # subquery, computed once), so that the digest keeps its number of queries.
    rows = list(
        digest_agreements(user)
        .order_by("-overdue_count", "pk")
        .annotate(waiting=proposals_waiting(user))
        .values_list("pk", "waiting")
    )
    covered = [pk for pk, _ in rows]
    agreement_ids = covered[:AGREEMENTS_PER_DIGEST]
    commitments = digest_commitments(agreement_ids, today=today, since=since, until=until)
    for commitment in commitments if agreement_ids else []:
        item = DigestItem(
            commitment=commitment,
            days_overdue=commitment.days_overdue(today),
            days_left=commitment.days_left(today),
            party_codes=commitment.responsible_codes or "",
            late_codes=commitment.late_codes or "",
            period=selectors.commitment_period_label(commitment, commitment.due_on),
        )
        # Ordered by due date, so each agreement first appears with its most overdue item.
        if commitment.is_overdue and item.days_overdue is not None:
            agreement = commitment.agreement
            group = overdue.setdefault(
                agreement.pk, AgreementGroup(agreement, absolute_url(agreement.get_absolute_url()))
            )
            group.items.append(item)
        if commitment.became_overdue:
            sections["became"].append(item)
        if commitment.implemented_lately and commitment.status == CommitmentStatus.IMPLEMENTED:
            sections["implemented"].append(item)
        if item.days_left is not None and item.days_left <= DUE_SOON_DAYS:
            sections["soon"].append(item)
        for name in WARNING_SECTIONS:
            if getattr(commitment, f"is_{name}") and not commitment.is_closed:
                warnings[name].append(item)
    return Digest(
        user=user,
        week=week,
        today=today,
        since=since,
        until=until,
        overdue=list(overdue.values()),
        became_overdue=sections["became"],
        implemented=sections["implemented"],
        due_soon=sections["soon"],
        warnings=warnings,
        agreements_total=len(covered),
        agreements_covered=len(agreement_ids),
        proposals_waiting=rows[0][1] if rows else 0,
    )


def proposals_waiting(user: User) -> Coalesce:
    """How many proposals wait in the inbox for the agreements the digest may cover, as one
    scalar subquery: it reads the waiting proposals (a partial index), not the agreements'
    commitments."""
    waiting = (
        Proposal.objects.filter(
            state=ProposalState.PROPOSED,
            commitment__agreement_id__in=digest_agreements(user).values("pk"),
        )
        .order_by()
        .values("state")
        .annotate(count=Count("pk"))
        .values("count")[:1]
    )
    return Coalesce(Subquery(waiting), 0)


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def unsubscribe_token(user: User) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(user.pk))


def user_for_unsubscribe_token(token: str) -> User | None:
    try:
        user_id = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=user_id).first()


def digest_message(digest: Digest) -> EmailMultiAlternatives:
    """The multipart e-mail, in the user's language, with RFC 8058 one-click unsubscribe
    headers and a Message-ID fixed per (user, week), so that receivers can fold a duplicate
    from the crash window."""
    with translation.override(digest.user.language_or_default):
        return _digest_message(digest)


def _digest_message(digest: Digest) -> EmailMultiAlternatives:
    user = digest.user
    unsubscribe = absolute_url(reverse("tracker:unsubscribe", args=[unsubscribe_token(user)]))
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Message-ID": f"<digest.{digest.week}.{user.pk}@{domain}>",
        "Auto-Submitted": "auto-generated",
    }
    context = {
        "digest": digest,
        "sections": digest.shown(),
        "warning_sections": [
            (
                "at_risk",
                gettext("At risk"),
                gettext("not yet due, but at this pace the deadline will be missed"),
            ),
            ("blocked", gettext("Blocked"), gettext("a commitment it depends on is overdue")),
            ("disputed", gettext("Disputed"), gettext("the parties' latest claims disagree")),
            (
                "stale",
                gettext("Stale"),
                ngettext(
                    "no new evidence for %(days)s day or more",
                    "no new evidence for %(days)s days or more",
                    settings.STALE_AFTER_DAYS,
                )
                % {"days": settings.STALE_AFTER_DAYS},
            ),
        ],
        "user": user,
        "unsubscribe_url": unsubscribe,
        "preferences_url": absolute_url(reverse("tracker:preferences")),
        "overdue_url": absolute_url(reverse("tracker:overdue")),
        "inbox_url": absolute_url(reverse("tracker:inbox")),
        "site_url": settings.SITE_URL,
    }
    return emails.digest(user.email, context, headers=headers)
