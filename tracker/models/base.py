from functools import cache

from django.db import models
from django.utils.encoding import force_str


@cache
def _labels(field: models.Field) -> dict:
    return dict(field.flatchoices)


class TrackerModel(models.Model):
    """Every model of the app. `get_FOO_display()` looks the label up in a dictionary made once
    per field; Django's own rebuilds it from the choices at every call, and a table shows a
    few labels a row."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: models.Field) -> str:
        value = getattr(self, field.attname)
        return force_str(_labels(field).get(value, value), strings_only=True)
