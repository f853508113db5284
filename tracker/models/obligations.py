"""A responsible party's own part of a commitment: its status and version. The commitment's
status is derived from its obligations' (`derived_status`, below)."""

from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .agreements import Party
from .base import TrackerModel
from .commitments import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    STATUS_WEIGHTS,
    Commitment,
    CommitmentStatus,
)

# The order ties are broken in: the vocabulary's own (not started, in progress, stalled, …).
_ORDER = {status: index for index, status in enumerate(CommitmentStatus.values)}


def derived_status(statuses: Iterable[str]) -> str | None:
    """The commitment's status from its parties' statuses (None when it has no party):

    - every party the same: that status;
    - every party closed: implemented if any party implemented, else abandoned;
    - otherwise the least advanced open status, by weight, a tie going to the earlier in
      the vocabulary (in progress before stalled): a joint commitment is as far as its
      slowest party still working on it.

    So it is always one of the parties' statuses, and closed only when every party is.
    """
    statuses = set(statuses)
    if not statuses:
        return None
    if len(statuses) == 1:
        return next(iter(statuses))
    open_ = [status for status in statuses if status in OPEN_STATUSES]
    if not open_:
        if CommitmentStatus.IMPLEMENTED in statuses:
            return CommitmentStatus.IMPLEMENTED.value
        return CommitmentStatus.ABANDONED.value
    return min(open_, key=lambda status: (STATUS_WEIGHTS[status], _ORDER[status]))


class Obligation(TrackerModel):
    """One responsible party's status on one commitment. Kept in step with the commitment's
    responsible parties by `services.commitment_sync_obligations`; its history of reasons
    and evidence is the `StatusChange` rows naming the party."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="obligations")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="obligations")
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.NOT_STARTED,
    )
    # Bumped on every change, so that two analysts moving the same party's status conflict.
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["commitment", "party__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "party"], name="obligation_one_per_party"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CommitmentStatus.values), name="obligation_status_known"
            ),
        ]
        indexes = [
            # The per-party scores count an agreement's obligations by party and status.
            models.Index(fields=["party", "status"], name="obligation_party_status"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id}/{self.party_id}: {self.status}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES
