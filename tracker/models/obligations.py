"""A responsible party's own part of a commitment: its status and version. The commitment's
status is derived from its obligations' (`services.obligations.derived_status`)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .agreements import Party
from .base import TrackerModel
from .commitments import CLOSED_STATUSES, Commitment, CommitmentStatus


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
