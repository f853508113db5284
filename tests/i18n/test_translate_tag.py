"""`{% load i18n %}` (tracker/templatetags/i18n_words.py): a `translate` or `blocktranslate` of
the template's own words is written once for each language and way of escaping, as Django's
own tag writes it, in the reader's language each time; a tag with a variable, a count, a
context or `as` is Django's, run every time."""

import pytest
from django.template import Context, Engine, engines
from django.utils import translation
from hypothesis import example, given
from hypothesis import strategies as st

from tracker.templatetags.i18n_words import WrittenWords

# Django's library under its own name, beside the app's engine (which loads the app's).
DJANGO = Engine(libraries={"i18n": "django.templatetags.i18n"})
APP = engines["django"].engine

# A message as a template can hold it in double quotes: no quote, brace or backslash.
messages = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters='"{}\\'),
    max_size=40,
)


def _both(source: str, language: str, **values) -> tuple[str, str]:
    """What Django's tags and the app's write of `source`, in `language`."""
    with translation.override(language):
        return tuple(
            engine.from_string("{% load i18n %}" + source).render(Context(values))
            for engine in (DJANGO, APP)
        )


def _written(source: str) -> int:
    template = APP.from_string("{% load i18n %}" + source)
    return sum(isinstance(node, WrittenWords) for node in template.nodelist)


@pytest.mark.parametrize("language", ["en", "fr", "ur"])
@given(message=messages)
@example(message="100% sure")
@example(message="50%% off <b>&amp;</b>")
@example(message="History")
def test_any_words_are_written_as_djangos_tags_write_them(language, message):
    source = (
        f'{{% translate "{message}" %}}|{{% blocktranslate %}}{message}{{% endblocktranslate %}}'
    )
    for _ in range(2):  # the second from the words as written
        django, app = _both(source, language)
        assert app == django


def test_words_are_written_in_each_readers_language():
    source = '{% translate "Agreements" %}|{% blocktrans %}Agreements{% endblocktrans %}'
    assert _written(source) == 2
    for _ in range(2):
        assert _both(source, "en")[1] == "Agreements|Agreements"
        assert _both(source, "fr")[1] == "Accords|Accords"


def test_they_are_escaped_as_the_template_escapes():
    source = (
        '{% translate "<b> & 100%" %}{% blocktranslate %}<i>%s 50%</i>{% endblocktranslate %}'
        '{% autoescape off %}{% translate "<b> & 100%" %}{% endautoescape %}'
    )
    for language in ("en", "fr", "en"):
        django, app = _both(source, language)
        assert app == django


@pytest.mark.parametrize(
    "source",
    [
        "{% translate word %}",
        '{% translate "Agreements" as heading %}<h2>{{ heading }}</h2>',
        '{% translate "Agreements"|upper %}',
        '{% translate "Agreements" noop %}',
        '{% translate "May" context "month name" %}',
        "{% blocktranslate %}{{ word }}{% endblocktranslate %}",
        "{% blocktranslate with word=word %}{{ word }}{% endblocktranslate %}",
        "{% blocktranslate count n=2 %}one{% plural %}{{ n }} many{% endblocktranslate %}",
    ],
)
def test_a_tag_with_anything_but_its_own_words_is_djangos(source):
    assert _written(source) == 0
    for language in ("en", "fr"):
        django, app = _both(source, language, word="Agreements")
        assert app == django


def test_a_variable_is_translated_each_time():
    template = APP.from_string("{% load i18n %}{% translate word %}")
    with translation.override("fr"):
        assert template.render(Context({"word": "Agreements"})) == "Accords"
        assert template.render(Context({"word": "Commitments"})) != "Accords"
