"""The weekly digest: which week is due, what one user's digest says, and how it is sent once.

Reads start from `selectors.agreements_visible_to`, as every read for a user does. Writes
are the delivery protocol on `DigestDelivery` (see `digest_deliver` and docs/operations.md):

1. claim the (user, week) row with one conditional UPDATE; go on only if exactly one row
   changed;
2. build and render the digest;
3. open the SMTP connection, send, and mark the row sent at once, before even saying QUIT.

A crash between the mail server's "250 OK" and the commit of step 3 is the one window in
which a digest can go out twice; everything else is retried or taken over without a
duplicate.
"""

import enum
import logging
import re
import smtplib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import InterfaceError, OperationalError
from django.db import connection as db_connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from . import emails, selectors
from .models import (
    FINAL_DIGEST_STATUSES,
    Agreement,
    Commitment,
    CommitmentStatus,
    DigestDelivery,
    DigestScope,
    DigestStatus,
    OverdueFlag,
    StatusChange,
    User,
)
from .models.commitments import OPEN_STATUSES
from .models.users import ROLE_ORDER, role_from_groups

logger = logging.getLogger(__name__)

DUE_SOON_DAYS = 14
# An e-mail stays readable: past these, a section says how many more and links to the page.
ITEMS_PER_AGREEMENT = 10
ITEMS_PER_SECTION = 20
# A digest covers at most this many agreements, those with the most overdue commitments
# first, and says how many it left out: at 2,000 visible agreements, a digest of all of
# them was 45,000 items, a 2.9 MB e-mail and 20 s to build. The overdue page has the rest.
AGREEMENTS_PER_DIGEST = 25
UNSUBSCRIBE_SALT = "tracker.digest.unsubscribe"
WEEK_FORMAT = re.compile(r"^(\d{4})-W(\d{2})$")

# ---------------------------------------------------------------------------------------------
# Weeks: a digest is named by its ISO week; it is due on DIGEST_WEEKDAY at DIGEST_HOUR,
# site time, and reports what happened since the previous week's digest was due.


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str) -> date:
    """The Monday of an ISO week written as YYYY-Www; ValueError says what is wrong."""
    match = WEEK_FORMAT.match(text.strip())
    if not match:
        raise ValueError(f"“{text}” is not an ISO week: write it as YYYY-Www, such as 2026-W48.")
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ValueError(f"{match[1]} has no week {int(match[2])}.") from None


def due_at(week: str) -> datetime:
    """When the digest of `week` is due: its DIGEST_WEEKDAY at DIGEST_HOUR, site time zone."""
    day = parse_week(week) + timedelta(days=settings.DIGEST_WEEKDAY - 1)
    return timezone.make_aware(
        datetime.combine(day, time(settings.DIGEST_HOUR)), timezone.get_default_timezone()
    )


def window(week: str) -> tuple[datetime, datetime]:
    """From the previous digest's due time to this one's: windows tile, so a change shows
    in exactly one digest, however late either was sent."""
    until = due_at(week)
    return due_at(week_of(until.date() - timedelta(days=7))), until


def latest_due_week(now: datetime) -> str:
    """The week whose digest fell due most recently (this week's once its time has come)."""
    this_week = week_of(timezone.localtime(now).date())
    if due_at(this_week) <= now:
        return this_week
    return week_of(parse_week(this_week) - timedelta(days=7))


# ---------------------------------------------------------------------------------------------
# What one digest says


@dataclass
class DigestItem:
    commitment: Commitment
    days_overdue: int | None
    days_left: int | None

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
        return self.item_count == 0

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
        .select_related("agreement")
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
    covered = list(
        digest_agreements(user).order_by("-overdue_count", "pk").values_list("pk", flat=True)
    )
    agreement_ids = covered[:AGREEMENTS_PER_DIGEST]
    commitments = digest_commitments(agreement_ids, today=today, since=since, until=until)
    for commitment in commitments if agreement_ids else []:
        item = DigestItem(
            commitment=commitment,
            days_overdue=commitment.days_overdue(today),
            days_left=commitment.days_left(today),
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
    )


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
    """The multipart e-mail, with RFC 8058 one-click unsubscribe headers and a Message-ID
    fixed per (user, week), so that receivers can fold a duplicate from the crash window."""
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
            ("at_risk", "At risk", "not yet due, but at this pace the deadline will be missed"),
            ("blocked", "Blocked", "a commitment it depends on is overdue"),
            ("disputed", "Disputed", "the parties' latest claims disagree"),
            (
                "stale",
                "Stale",
                f"no new evidence for {settings.STALE_AFTER_DAYS} days or more",
            ),
        ],
        "user": user,
        "unsubscribe_url": unsubscribe,
        "preferences_url": absolute_url(reverse("tracker:preferences")),
        "overdue_url": absolute_url(reverse("tracker:overdue")),
        "site_url": settings.SITE_URL,
    }
    return emails.digest(user.email, context, headers=headers)


# ---------------------------------------------------------------------------------------------
# Exactly once


class Outcome(enum.StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"
    FAILED = "failed"
    NOT_CLAIMED = "not_claimed"


@dataclass(frozen=True)
class Delivered:
    outcome: Outcome
    attempts: int = 0
    error: Exception | None = None


# Errors worth another try: the mail server refused for now, or could not be reached.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError)


def claim_timeout() -> timedelta:
    return timedelta(minutes=settings.DIGEST_CLAIM_TIMEOUT_MINUTES)


def retry_countdown(attempts: int) -> float:
    """Seconds before the next try: the base, doubled after each failed one, capped so that
    a waiting retry is never mistaken for an abandoned claim."""
    base = settings.DIGEST_RETRY_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    return min(base, claim_timeout().total_seconds() / 2)


def _claimable(now: datetime) -> Q:
    return Q(status__in=(DigestStatus.PENDING, DigestStatus.RETRYING)) | Q(
        status=DigestStatus.SENDING, claimed_at__lt=now - claim_timeout()
    )


def delivery_claim(*, user_id: int, week: str, now: datetime) -> uuid.UUID | None:
    """Claim one user's delivery for `week`; the token if this caller holds it, else None.

    One conditional UPDATE: it changes the row only if nobody holds a live claim and the
    digest is not done, so of any number of callers exactly one gets it. A claim older than
    the claim timeout belonged to a worker that died and is taken over.
    """
    token = uuid.uuid4()
    rows = DigestDelivery.objects.filter(
        _claimable(now), user_id=user_id, week=week, attempts__lt=settings.DIGEST_MAX_ATTEMPTS
    )
    update = {
        "status": DigestStatus.SENDING,
        "claimed_at": now,
        "claim_token": token,
        "attempts": F("attempts") + 1,
    }
    changed = rows.update(**update)
    if changed == 0:
        # Called without a planned row (by hand, or a user added since): make it, try again.
        DigestDelivery.objects.bulk_create(
            [DigestDelivery(user_id=user_id, week=week)], ignore_conflicts=True
        )
        changed = rows.update(**update)
    return token if changed == 1 else None


def digest_deliver(
    *, user_id: int, week: str, now: datetime | None = None, connection=None
) -> Delivered:
    """Claim, build, send and record one user's digest for `week`.

    Five queries on the way to a sent digest: the claim, the user, the agreements the
    digest covers, their commitments, the record.
    """
    now = now or timezone.now()
    token = delivery_claim(user_id=user_id, week=week, now=now)
    if token is None:
        return Delivered(Outcome.NOT_CLAIMED)
    mine = DigestDelivery.objects.filter(user_id=user_id, week=week, claim_token=token)
    try:
        user = user_for_digest(user_id)
        digest = digest_build(user, week=week, today=timezone.localdate(now)) if user else None
        if digest is None or digest.is_empty:
            mine.update(status=DigestStatus.SKIPPED, last_error="")
            return Delivered(Outcome.SKIPPED)
        message = digest_message(digest)
        connection = connection or get_connection()
        # Opened first, so that closing it (QUIT) happens after the record is written.
        connection.open()
        try:
            connection.send_messages([message])
            # The mail server has it: from here until this UPDATE commits is the one window
            # in which a crash means a second copy later (docs/operations.md).
            marked = _mark_sent(mine, digest)
        finally:
            _close_quietly(connection)
    except Exception as error:
        return _record_failure(mine, error)
    if marked != 1:
        logger.warning("Digest %s of user %s: claim taken over while sending", week, user_id)
    return Delivered(Outcome.SENT)


def _mark_sent(mine: QuerySet[DigestDelivery], digest: Digest) -> int:
    """Record the send; once more on a fresh connection if the database connection broke
    while the mail server was talking, rather than leave the row to be sent again."""
    fields = {
        "status": DigestStatus.SENT,
        "sent_at": timezone.now(),
        "last_error": "",
        "overdue_count": digest.overdue_count,
        "item_count": digest.item_count,
    }
    try:
        return mine.update(**fields)
    except (InterfaceError, OperationalError):
        db_connection.close()
        return mine.update(**fields)


def _close_quietly(connection) -> None:
    """Say QUIT. The message is sent (or not) by now: an error here changes nothing."""
    try:
        connection.close()
    except Exception:
        logger.warning("Closing the mail connection failed", exc_info=True)


def _record_failure(mine: QuerySet[DigestDelivery], error: Exception) -> Delivered:
    attempts = mine.values_list("attempts", flat=True).first() or 0
    transient = isinstance(error, TRANSIENT_ERRORS)
    will_retry = transient and attempts < settings.DIGEST_MAX_ATTEMPTS
    status = DigestStatus.RETRYING if will_retry else DigestStatus.FAILED
    # Only a claim still in flight: a row marked sent is never turned back.
    mine.filter(status=DigestStatus.SENDING).update(
        status=status, last_error=f"attempt {attempts}: {type(error).__name__}: {error}"
    )
    if not transient:
        logger.exception("Digest delivery failed for good", exc_info=error)
    return Delivered(Outcome.RETRY if will_retry else Outcome.FAILED, attempts, error)


# ---------------------------------------------------------------------------------------------
# The weekly job


def digest_recipients() -> QuerySet[User]:
    """Users who want the digest and can see something: active, subscribed, with an address
    and a role."""
    role_labels = [role.label for role in ROLE_ORDER]
    with_role = Q(is_superuser=True) | Exists(
        User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name__in=role_labels)
    )
    return (
        User.objects.filter(with_role, is_active=True, digest_enabled=True)
        .exclude(email="")
        .order_by("pk")
    )


def deliveries_plan(*, week: str, now: datetime) -> list[int]:
    """Queue `week`'s digest for every recipient who has no delivery yet; return the users
    whose delivery needs a worker now (just queued, or abandoned by a worker that died)."""
    user_ids = list(digest_recipients().values_list("pk", flat=True))
    DigestDelivery.objects.bulk_create(
        [DigestDelivery(user_id=user_id, week=week) for user_id in user_ids],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return deliveries_to_resume(week=week, now=now, queued_since=now)


def deliveries_to_resume(*, week: str, now: datetime, queued_since: datetime | None = None):
    """Users whose delivery for `week` no worker is looking after: queued at or after
    `queued_since` (by this run), or left queued, claimed or waiting to retry for longer than
    the claim timeout. Claims that used up every try are marked failed on the way."""
    cutoff = now - claim_timeout()
    rows = DigestDelivery.objects.filter(week=week)
    rows.filter(
        status=DigestStatus.SENDING,
        claimed_at__lt=cutoff,
        attempts__gte=settings.DIGEST_MAX_ATTEMPTS,
    ).update(status=DigestStatus.FAILED, last_error="the worker stopped during the last attempt")
    abandoned = Q(status=DigestStatus.PENDING, created_at__lt=cutoff) | Q(
        status__in=(DigestStatus.SENDING, DigestStatus.RETRYING), claimed_at__lt=cutoff
    )
    if queued_since is not None:
        abandoned |= Q(status=DigestStatus.PENDING, created_at__gte=queued_since)
    return list(
        rows.filter(abandoned)
        .exclude(status__in=FINAL_DIGEST_STATUSES)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
