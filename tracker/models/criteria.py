"""A commitment's completion criteria (issue 21): what must be seen for it to count as done,
each met on a day, shown by a piece of its evidence, or not yet."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import limits
from .base import TrackerModel
from .commitments import Commitment
from .limits import limited_text


class Criterion(TrackerModel):
    """One check of a commitment's completion: "four patrol sectors agreed". Written only by
    the criteria services (`services.criterion_*`), under the commitment's row lock."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="criteria")
    text = limited_text(_("criterion"), limit=limits.CRITERION)
    position = models.PositiveIntegerField(default=0)
    met_on = models.DateField(_("met on"), null=True, blank=True)
    evidence = models.ForeignKey(
        "tracker.Evidence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="criteria_met",
        help_text=_("The evidence that shows it met: this commitment's, not retracted."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "criteria"
        ordering = ["commitment", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="criterion_has_text"),
            # Evidence shows a criterion met; an unmet one cites none.
            models.CheckConstraint(
                condition=Q(evidence__isnull=True) | Q(met_on__isnull=False),
                name="criterion_evidence_only_when_met",
            ),
        ]
        indexes = [
            # A commitment's criteria in order (its page, the API, the export).
            models.Index(fields=["commitment", "position"], name="criterion_order"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_met(self) -> bool:
        return self.met_on is not None
