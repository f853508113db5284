"""The tags that write a list's rows (`templatetags/rows.py`) escape and isolate user text as
the template loops they replaced did, and write their repeated words in the reader's
language."""

from datetime import date

from django.utils import translation

from tracker.selectors.overdue import OverdueRow
from tracker.templatetags.rows import overdue_rows

HOSTILE = "<script>alert('x')</script>&\u202e"


def _row(**changes) -> OverdueRow:
    values = {
        "id": 7,
        "reference": HOSTILE,
        "title": "\u0627\u062a\u0641\u0627\u0642 " + HOSTILE,
        "timeline": "",
        "due_on": date(2026, 3, 1),
        "status": "in_progress",
        "lateness": "3 days overdue",
        "joint": "AFG · " + HOSTILE,
        "period": "Q1 " + HOSTILE,
    }
    return OverdueRow(**(values | changes))


def test_the_overdue_rows_escape_and_isolate_user_text():
    html = overdue_rows([_row()])
    assert "<script>" not in html
    assert "<bdi>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;\u202e</bdi>" in html
    assert "joint: AFG · &lt;script&gt;" in html
    assert "Q1 &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;\u202e missing" in html
    assert "<bdi>—</bdi>" in html  # no timeline


def test_the_overdue_rows_name_their_columns_in_the_reader_language():
    with translation.override("fr"):
        html = overdue_rows([_row(joint="", period="")])
        assert f'data-label="{translation.gettext("Overdue by")}"' in html
    assert translation.gettext("Overdue by") == "Overdue by"
    assert "Overdue by" not in html
