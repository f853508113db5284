"""`number_writer` writes a list's numbers as `formats.localize` does, in each language, with
and without the thousands separator."""

from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import formats, translation

from tracker.templatetags.tracker import number_writer

NUMBERS = [0, 3, -1, 999, 1000, -12345, 1234567, 2.5, -0.33, Decimal("1234.50")]


@pytest.mark.parametrize("language", ["en", "fr", "ur"])
@pytest.mark.parametrize("grouping", [False, True])
def test_number_writer_writes_what_localize_does(language, grouping):
    with translation.override(language), override_settings(USE_THOUSAND_SEPARATOR=grouping):
        number = number_writer()
        assert [number(value) for value in NUMBERS] == [
            formats.localize(value) for value in NUMBERS
        ]
