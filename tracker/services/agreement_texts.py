"""An agreement's texts in several languages (issue 23): saved and deleted with their
history rows, by the admin's inline and the importer."""

from django.db import transaction

from ..models import AgreementText, User
from .history import history_by


@transaction.atomic
def agreement_text_save(*, text: AgreementText, by: User | None = None) -> AgreementText:
    """Check (the language one of the site's, the length limit, one text per language) and
    save, with its history row naming `by`. A refusal raises ValidationError, saving nothing."""
    text.full_clean()
    history_by(text, by)
    text.save()
    return text


@transaction.atomic
def agreement_text_delete(*, text: AgreementText, by: User | None = None) -> None:
    history_by(text, by)
    text.delete()
