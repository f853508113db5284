"""`{% load i18n_words %}` (tracker/templatetags/i18n_words.py): a `translate` or
`blocktranslate` of the template's own words is written once for each language and way of
escaping, as Django's own tag writes it, in the reader's language each time; a tag with a
variable, a count, a context or `as` is Django's, run every time. Every template of the app
loads it rather than Django's `i18n`."""

import re
from pathlib import Path

import pytest
from django.template import Context, engines
from django.utils import translation
from hypothesis import example, given
from hypothesis import strategies as st

from tracker.templatetags.i18n_words import WrittenWords

ENGINE = engines["django"].engine
LIBRARIES = {"django": "{% load i18n %}", "app": "{% load i18n_words %}"}

# A message as a template can hold it in double quotes: no quote, brace or backslash.
messages = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters='"{}\\'),
    max_size=40,
)


def _both(source: str, language: str, **values) -> tuple[str, str]:
    """What Django's tags and the app's write of `source`, in `language`."""
    with translation.override(language):
        return tuple(
            ENGINE.from_string(load + source).render(Context(values)) for load in LIBRARIES.values()
        )


def _written(source: str) -> int:
    template = ENGINE.from_string(LIBRARIES["app"] + source)
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
    template = ENGINE.from_string(LIBRARIES["app"] + "{% translate word %}")
    with translation.override("fr"):
        assert template.render(Context({"word": "Agreements"})) == "Accords"
        assert template.render(Context({"word": "Commitments"})) != "Accords"


def test_every_template_of_the_app_loads_the_words_library():
    root = Path(__file__).resolve().parents[2]
    loading = [
        path.relative_to(root)
        for folder in ("templates", "bench/templates")
        for path in (root / folder).rglob("*")
        if path.is_file() and re.search(r"{%\s*load\b[^%]*\bi18n\b(?!_)", path.read_text())
    ]
    assert loading == []
