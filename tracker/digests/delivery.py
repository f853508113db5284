"""How a digest is delivered exactly once: the protocol on `DigestDelivery` (see
`digest_deliver` and docs/operations.md), the weekly plan and the resumption of abandoned
deliveries.

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
import os
import smtplib
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import InterfaceError, OperationalError
from django.db import connection as db_connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from ..models import FINAL_DIGEST_STATUSES, DigestDelivery, DigestPlan, DigestStatus, User
from ..models.users import ROLE_ORDER
from .content import Digest, digest_build, digest_message, user_for_digest

logger = logging.getLogger(__name__)


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


def claimer() -> str:
    """Who claims: this process on this machine, `host:pid`."""
    return f"{socket.gethostname()}:{os.getpid()}"


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
        "claimed_by": claimer(),
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


def week_plan_claim(*, week: str, now: datetime) -> bool:
    """Claim the planning of `week`'s digests: True for the one caller that records the plan
    (one `DigestPlan` row per week, by the database), False when the week was planned."""
    _, created = DigestPlan.objects.get_or_create(week=week, defaults={"planned_at": now})
    return created


def deliveries_plan(*, week: str, now: datetime) -> list[int]:
    """Queue `week`'s digest for every recipient who has no delivery yet; return the users
    whose delivery needs a worker now (just queued, or abandoned by a sender that died)."""
    user_ids = list(digest_recipients().values_list("pk", flat=True))
    DigestDelivery.objects.bulk_create(
        [DigestDelivery(user_id=user_id, week=week) for user_id in user_ids],
        ignore_conflicts=True,
        batch_size=1000,
    )
    DigestPlan.objects.filter(week=week).update(recipients=len(user_ids))
    return deliveries_to_resume(week=week, now=now, queued_since=now)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def release_dead_claims(*, week: str) -> int:
    """Give back at once the claims of `week` held by a process of this machine that is
    gone (a killed worker, a crashed command), rather than after the claim timeout: they
    wait for a sender again (`retrying`, with no claim time), or fail if that was the last
    try. Claims of other machines wait for the timeout: their processes cannot be seen."""
    here = f"{socket.gethostname()}:"
    held = DigestDelivery.objects.filter(
        week=week, status=DigestStatus.SENDING, claimed_by__startswith=here
    ).values_list("pk", "claim_token", "claimed_by", "attempts")
    released = 0
    for pk, token, holder, attempts in held:
        pid = holder.rpartition(":")[2]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        last_try = attempts >= settings.DIGEST_MAX_ATTEMPTS
        released += DigestDelivery.objects.filter(
            pk=pk, claim_token=token, status=DigestStatus.SENDING
        ).update(
            status=DigestStatus.FAILED if last_try else DigestStatus.RETRYING,
            claimed_at=None,
            last_error=f"attempt {attempts}: the process sending it ({holder}) stopped",
        )
    return released


def _fail_exhausted(rows: QuerySet[DigestDelivery], cutoff: datetime) -> None:
    """Claims left by a dead sender on the last try can be tried no more."""
    rows.filter(
        status=DigestStatus.SENDING,
        claimed_at__lt=cutoff,
        attempts__gte=settings.DIGEST_MAX_ATTEMPTS,
    ).update(status=DigestStatus.FAILED, last_error="the sender stopped during the last attempt")


def deliveries_to_resume(*, week: str, now: datetime, queued_since: datetime | None = None):
    """Users whose delivery for `week` no worker is looking after, for the Celery job:
    queued at or after `queued_since` (by this run); given back by a dead process of this
    machine; or left queued, claimed or waiting to retry for longer than the claim timeout
    (a lost task, a dead worker elsewhere). Claims that used up every try fail on the way."""
    cutoff = now - claim_timeout()
    rows = DigestDelivery.objects.filter(week=week)
    release_dead_claims(week=week)
    _fail_exhausted(rows, cutoff)
    abandoned = (
        Q(status=DigestStatus.PENDING, created_at__lt=cutoff)
        | Q(status=DigestStatus.RETRYING, claimed_at__isnull=True)
        | Q(status__in=(DigestStatus.SENDING, DigestStatus.RETRYING), claimed_at__lt=cutoff)
    )
    if queued_since is not None:
        abandoned |= Q(status=DigestStatus.PENDING, created_at__gte=queued_since)
    return list(
        rows.filter(abandoned)
        .exclude(status__in=FINAL_DIGEST_STATUSES)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def deliveries_to_send(*, week: str, now: datetime) -> list[int]:
    """Users whose delivery for `week` a sender may take now, for `manage.py send_digests`:
    every one queued or waiting to retry, whatever its age (a queued Celery task that comes
    later finds it claimed and does nothing), and every claim of a sender that is gone (this
    machine) or timed out (any machine)."""
    rows = DigestDelivery.objects.filter(week=week)
    release_dead_claims(week=week)
    _fail_exhausted(rows, now - claim_timeout())
    return list(
        rows.filter(_claimable(now), attempts__lt=settings.DIGEST_MAX_ATTEMPTS)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


@dataclass(frozen=True)
class Waiting:
    """What a run left for later: claims another sender holds (until when they are taken
    over if it stopped), and digests that failed for good."""

    held: int
    held_until: datetime | None
    failed: int


def deliveries_waiting(*, week: str) -> Waiting:
    rows = DigestDelivery.objects.filter(week=week)
    held = rows.filter(status=DigestStatus.SENDING)
    latest = held.order_by("-claimed_at").values_list("claimed_at", flat=True).first()
    return Waiting(
        held=held.count(),
        held_until=latest + claim_timeout() if latest else None,
        failed=rows.filter(status=DigestStatus.FAILED).count(),
    )
