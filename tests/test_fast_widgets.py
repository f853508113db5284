"""The widgets written out in Python (`forms.FastSelect`, `forms.FastRender`) escape what they
write as Django's own helpers do."""

from django.forms.utils import flatatt
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from tracker.forms import FastSelect, _attributes

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
    assert _attributes(attrs) == flatatt(attrs)


def test_a_select_escapes_its_options_and_marks_the_chosen_ones():
    select = FastSelect(choices=[("", "---"), (HOSTILE, HOSTILE), (3, mark_safe("<b>3</b>"))])
    assert select.render("grade", [HOSTILE, 3], {"id": "id_grade"}) == (
        '<select id="id_grade" name="grade"><option value="">---</option>'
        '<option value="&quot;&gt;&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;" '
        "selected>&quot;&gt;&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;</option>"
        '<option value="3" selected><b>3</b></option></select>'
    )
