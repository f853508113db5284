from functools import cache

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.encoding import force_str


@cache
def _labels(field: models.Field) -> dict:
    return dict(field.flatchoices)


def english(label) -> str:
    """A label as the code writes it, whatever the reader's language: for the files other
    programs read back (CSV and XLSX exports, the calendar, the import's vocabulary), which
    stay in English as their column names do."""
    with translation.override(None):
        return str(label)


def english_display(instance: models.Model, name: str) -> str:
    """`get_FOO_display()` in English (`english`), for a file."""
    field = instance._meta.get_field(name)
    value = getattr(instance, field.attname)
    return english(_labels(field).get(value, value))


class TrackerModel(models.Model):
    """Every model of the app. `get_FOO_display()` looks the label up in a dictionary made once
    per field; Django's own rebuilds it from the choices at every call, and a table shows a
    few labels a row."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: models.Field) -> str:
        value = getattr(self, field.attname)
        return force_str(_labels(field).get(value, value), strings_only=True)

    def clean_fields(self, exclude=None) -> None:
        """Django's checks, and no NUL in any text: PostgreSQL's text cannot hold one."""
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            if (exclude and field.name in exclude) or field.name in errors:
                continue
            value = getattr(self, field.attname)
            if isinstance(value, str) and "\x00" in value:
                errors[field.name] = [
                    ValidationError("Null characters are not allowed.", code="null_characters")
                ]
        if errors:
            raise ValidationError(errors)
