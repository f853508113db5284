"""The audit record every service writes beside its change (django-simple-history rows).

Each service runs in one transaction with the history rows it writes, so that a change and
its record commit together or not at all.
"""

from django.db.models import Model

from ..models import Commitment, User


def history_by(instance: Model, by: User | None) -> None:
    """Name `by` as the author of the instance's next history rows. Without it simple-history
    takes the request's signed-in user, and a command line leaves the author empty."""
    if by is not None:
        instance._history_user = by


def history_reason(reason: str) -> str:
    """A change reason that fits simple-history's column (100 characters). The history row's
    reason is a label: the full text is kept on the row the service writes beside it (the
    status change, the retraction, the deadline extension)."""
    limit = Commitment.history.model._meta.get_field("history_change_reason").max_length
    return reason if len(reason) <= limit else reason[: limit - 1] + "…"
