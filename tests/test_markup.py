"""What is written out in Python (`tracker.markup`: the fast widgets of `forms`, the score
meter and the status badge) escapes as Django's own helpers do."""

import pytest
from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from tracker.forms import ExtensionForm, FastFileInput, FastSelect, widget_html
from tracker.markup import attributes
from tracker.models import Milestone
from tracker.templatetags.tracker import score_meter, status_badge

HOSTILE = "\"><script>alert('x')</script>&"


def test_it_writes_attributes_as_flatatt_does():
    attrs = {
        "id": "id_q",
        "name": HOSTILE,
        "required": True,
        "disabled": False,
        "hidden": None,
        "maxlength": 200,
        "title": gettext_lazy("Search"),
        "data-safe": mark_safe("<b>"),
    }
    assert attributes(attrs) == flatatt(attrs)


def test_a_select_escapes_its_options_and_marks_the_chosen_ones():
    select = FastSelect(choices=[("", "---"), (HOSTILE, HOSTILE), (3, mark_safe("<b>3</b>"))])
    assert select.render("grade", [HOSTILE, 3], {"id": "id_grade"}) == (
        '<select id="id_grade" name="grade"><option value="">---</option>'
        '<option value="&quot;&gt;&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;" '
        "selected>&quot;&gt;&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;</option>"
        '<option value="3" selected><b>3</b></option></select>'
    )


@pytest.mark.parametrize("checked", [False, True])
def test_a_file_input_without_a_current_file_is_written_as_django_writes_it(checked):
    attrs = {"id": "id_attachment", "required": True, "aria-describedby": HOSTILE}
    fast = FastFileInput(attrs={"accept": ".pdf", "title": HOSTILE})
    django_own = forms.ClearableFileInput(attrs={"accept": ".pdf", "title": HOSTILE})
    fast.checked = django_own.checked = checked  # what a posted "clear" box leaves
    assert fast.render("attachment", None, attrs) == django_own.render("attachment", None, attrs)


def test_the_score_meter_escapes_its_label():
    meter = score_meter(0.5, HOSTILE, rule="g7")
    assert 'aria-label="&quot;&gt;&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;"' in meter
    assert "<script>" not in meter
    assert 'value="0.50"' in meter
    assert ">+0.50</meter>" in meter


def test_the_status_badge_names_the_status():
    badge = status_badge("in_progress")
    assert badge == '<span class="badge status-in_progress">In progress</span>'


def test_escaped_gives_what_conditional_escape_gives():
    from django.utils.html import conditional_escape

    from tracker.markup import escaped

    for value in (
        HOSTILE,
        "&amp; &lt;",
        "\u202eRTL \u0627\u0644\u0639\u0631\u0628\u064a\u0629",
        12,
        None,
        gettext_lazy("Search"),
        mark_safe("<b>&</b>"),
    ):
        assert escaped(value) == conditional_escape(value)


@pytest.mark.django_db
@pytest.mark.parametrize("data", [None, {"timeline_wording": HOSTILE, "source_url": "ftp://x"}])
def test_a_fast_widget_is_written_as_boundfield_as_widget_writes_it(data):
    """`forms.widget_html` gives a fast widget the attributes `BoundField.as_widget` gives
    it (required, aria-invalid, aria-describedby, id, autofocus): the two are held equal."""
    form = ExtensionForm(data, milestones=Milestone.objects.none())
    form.is_valid()
    form.fields["reason"].widget.attrs["autofocus"] = True
    for field in form:
        assert widget_html(field, field.errors, field.auto_id) == str(field)
