"""`{% load i18n words %}`: a `translate` or `blocktranslate` tag of the template's own words is
written once for each language and then given as written, in the reader's language each
time; a tag with a variable, a count or `as` is Django's, run every time."""

import pytest
from django.template import Context, engines
from django.utils import translation

from tracker.templatetags.words import WrittenWords


def _template(text: str, libraries: str = "i18n words"):
    return engines["django"].engine.from_string(f"{{% load {libraries} %}}{text}")


def _render(template, language: str, **context) -> str:
    with translation.override(language):
        return template.render(Context(context))


def _written(template) -> int:
    return sum(isinstance(node, WrittenWords) for node in template.nodelist)


def test_fixed_words_are_written_in_each_readers_language():
    template = _template(
        '{% translate "Agreements" %}|{% blocktranslate %}Agreements{% endblocktranslate %}'
    )
    assert _written(template) == 2
    for _ in range(2):
        assert _render(template, "en") == "Agreements|Agreements"
        assert _render(template, "fr") == "Accords|Accords"


def test_they_are_written_as_djangos_tags_write_them():
    text = (
        '{% translate "<b> & 100%" %}{% blocktranslate %}<i>%s 50%</i>{% endblocktranslate %}'
        '{% autoescape off %}{% translate "<b> & 100%" %}{% endautoescape %}'
    )
    template, djangos = _template(text), _template(text, libraries="i18n")
    assert _written(template) == 2
    for language in ("en", "fr", "en"):
        assert _render(template, language) == _render(djangos, language)


@pytest.mark.parametrize(
    "text",
    [
        "{% translate word %}",
        '{% translate "Agreements" as word %}{{ word }}',
        '{% translate "Agreements"|upper %}',
        '{% translate "May" context "month" %}',
        "{% blocktranslate %}{{ word }}{% endblocktranslate %}",
        "{% blocktranslate with word=word %}{{ word }}{% endblocktranslate %}",
        "{% blocktranslate count n=2 %}one{% plural %}{{ n }} many{% endblocktranslate %}",
    ],
)
def test_a_tag_with_anything_but_its_own_words_is_djangos(text):
    template = _template(text)
    assert _written(template) == 0
    djangos = _template(text, libraries="i18n")
    for language in ("en", "fr"):
        assert _render(template, language, word="Agreements") == _render(
            djangos, language, word="Agreements"
        )


def test_a_variable_is_translated_each_time():
    template = _template("{% translate word %}")
    assert _render(template, "fr", word="Agreements") == "Accords"
    assert _render(template, "fr", word="Commitments") != "Accords"
