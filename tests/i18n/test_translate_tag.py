"""`{% translate %}` of a constant (tracker/templatetags/i18n_direct.py) writes what Django's
own tag writes, for any message, in every language; other forms are Django's tag itself."""

import pytest
from django.template import Context, Engine, engines
from django.templatetags import i18n
from django.utils import translation
from hypothesis import example, given
from hypothesis import strategies as st

from tracker.templatetags.i18n_direct import ConstantTranslateNode

# Django's library under its own name, beside the app's engine (which loads the app's).
DJANGO = Engine(libraries={"i18n": "django.templatetags.i18n"})
APP = engines["django"].engine

# A message as a template can hold it in double quotes: no quote, brace or percent-brace.
messages = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters='"{}\\'),
    max_size=40,
)


def _both(source: str, language: str, **values) -> tuple[str, str]:
    with translation.override(language):
        return tuple(
            engine.from_string("{% load i18n %}" + source).render(Context(values))
            for engine in (DJANGO, APP)
        )


@pytest.mark.parametrize("language", ["en", "fr", "ur"])
@given(message=messages)
@example(message="100% sure")
@example(message="50%% off <b>&amp;</b>")
@example(message="History")
def test_a_constant_is_written_as_django_writes_it(language, message):
    django, app = _both(f'{{% translate "{message}" %}}', language)
    assert app == django


@pytest.mark.parametrize("language", ["en", "fr", "ur"])
def test_a_known_word_is_translated(language):
    django, app = _both('{% translate "History" %}|{% trans "Agreements" %}', language)
    assert app == django
    if language == "fr":
        assert app == "Historique|Accords"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_as_a_variable_it_is_kept_for_later(language):
    source = '{% translate "History" as heading %}<h2>{{ heading }}</h2>'
    django, app = _both(source, language)
    assert app == django
    assert app.startswith("<h2>")


@pytest.mark.parametrize(
    "source",
    [
        '{% translate "History" noop %}',
        '{% translate "May" context "month name" %}',
        '{% translate "History"|upper %}',
        "{% translate word %}",
    ],
)
def test_other_forms_are_djangos_own_node(source):
    template = APP.from_string("{% load i18n %}" + source)
    (node,) = [node for node in template.nodelist if isinstance(node, i18n.TranslateNode)]
    assert not isinstance(node, ConstantTranslateNode)
    django, app = _both(source, "fr", word="<History>")
    assert app == django


def test_the_app_loads_the_direct_tag_for_a_constant():
    template = APP.from_string('{% load i18n %}{% translate "History" %}')
    assert any(isinstance(node, ConstantTranslateNode) for node in template.nodelist)
