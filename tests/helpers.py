"""Helpers tests share beyond fixtures."""

from tracker.models import (
    Agreement,
    Commitment,
    DeadlineExtension,
    Evidence,
    Milestone,
    OverdueFlag,
    Party,
    StatusChange,
    Team,
)


def empty_the_database() -> None:
    """Delete every agreement and what hangs on it, protected rows first (a queryset delete:
    `Evidence.delete()` refuses on purpose)."""
    for model in (
        DeadlineExtension,
        StatusChange,
        Evidence,
        OverdueFlag,
        Commitment,
        Milestone,
        Agreement,
        Party,
        Team,
    ):
        model.objects.all().delete()
