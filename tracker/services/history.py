"""The audit record every service writes beside its change (django-simple-history rows).

Each service runs in one transaction with the history rows it writes, so that a change and
its record commit together or not at all.
"""

from django.core.exceptions import ValidationError
from django.db.models import Model

from ..models import User


def history_by(instance: Model, by: User | None) -> None:
    """Name `by` as the author of the instance's next history rows. Without it simple-history
    takes the request's signed-in user, and a command line leaves the author empty."""
    if by is not None:
        instance._history_user = by


def text_check(model: type[Model], field_name: str, value: str, *, key: str = "") -> None:
    """Hold `value` to the limits of the model's text field (`models.limits`), as `full_clean`
    would, for a service that writes it without one (a conditional update, a bulk insert).
    The error is keyed by `key`, the form's name for the field, when it differs."""
    try:
        model._meta.get_field(field_name).run_validators(value)
    except ValidationError as error:
        raise ValidationError({key or field_name: error.messages}) from None
