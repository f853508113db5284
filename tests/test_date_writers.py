"""The date writers (`day`, `long_day`, `moment` and the lists' `day_writer`) write what
Django's `date` filter writes for the same pattern, in each language, whatever the date."""

import datetime

from django.utils import dateformat, translation
from hypothesis import given
from hypothesis import strategies as st

from tracker.templatetags.tracker import _pattern_writer

# The patterns the pages use (tracker/formats, the history's moments), and ones with every
# part the writers handle themselves, braces, escaped letters and a weekday (Django's).
PATTERNS = [
    "j M Y",
    "j N Y",
    "j F Y",
    "j M Y H:i",
    "c",
    "d/m/Y",
    "j F Y، H:i",
    "y-m-d n {0} {} \\j \\Y",
    "b E",
    "D j M",
]
moments = st.datetimes(
    min_value=datetime.datetime(1, 1, 1), timezones=st.none() | st.just(datetime.UTC)
)


@given(
    language=st.sampled_from(["en", "fr", "ur"]),
    pattern=st.sampled_from(PATTERNS),
    value=moments | st.dates(),
)
def test_a_pattern_writer_writes_what_the_date_filter_does(language, pattern, value):
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        pattern = pattern.replace("H:i", "").replace("c", "")
    with translation.override(language):
        assert _pattern_writer(language, pattern)(value) == dateformat.format(value, pattern)
