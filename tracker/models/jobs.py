from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TrackerModel


class JobName(models.TextChoices):
    FLAG_OVERDUE = "flag_overdue", _("Overdue scan")
    SEND_DIGESTS = "send_digests", _("Weekly digests")


class JobRun(TrackerModel):
    """One run of a periodic job: the overview shows when the overdue scan last ran."""

    job = models.CharField(max_length=40, choices=JobName.choices)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # For the overdue scan, the date it counted as today (site time zone).
    as_of = models.DateField(null=True, blank=True)
    flagged = models.PositiveIntegerField(default=0)
    cleared = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            # The overview's "overdue scan last ran at" reads the newest run of one job.
            models.Index(fields=["job", "-started_at"], name="jobrun_job_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.get_job_display()} at {self.started_at:%Y-%m-%d %H:%M}"
