"""One length for each text a person can enter.

Short texts are `CharField`s and their `max_length` is the limit. The long ones are text
columns limited here, by the model's validators: the services validate every write with
them (`full_clean`, or `services.texts.text_check` where a service writes without a model
form), the pages' and the API's forms take the same numbers, and an import is validated by
the same services. Wherever a text is copied (a history row's reason, "Imported from …")
the column is text too: nothing is cut short. `docs/formats.md` lists the limits."""

from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import models

REASON = 2_000  # why a status moved, why evidence is retracted, why a deadline moved
EVIDENCE_SUMMARY = 5_000
QUOTE = 2_000
NOTE = 2_000  # a milestone's note
DESCRIPTION = 20_000  # a commitment's description, an agreement's summary
REPLY = 5_000  # a party's reply to an assessment round about one commitment
AGREEMENT_TEXT = 500_000  # an agreement's whole text in one language (a long treaty)
CRITERION = 500  # a commitment's completion criterion: "four patrol sectors agreed"


def limited_text(verbose_name: str | None = None, *, limit: int, **options) -> models.TextField:
    """A text column that refuses more than `limit` characters and NUL (which PostgreSQL's
    text cannot hold), in forms, the admin, the API and `full_clean`."""
    return models.TextField(
        verbose_name,
        max_length=limit,
        validators=[MaxLengthValidator(limit), ProhibitNullCharactersValidator()],
        **options,
    )
