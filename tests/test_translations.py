"""The French and Urdu catalogs are complete and every string a reader sees is marked.

`make messages` refreshes the catalogs after a change of wording; `bin/untranslated` lists
what is left to translate.
"""

import contextlib
import gettext
import io
import re
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker import catalogs

from .template_strings import TEMPLATES_DIR, template_files, unmarked_strings, visible_text

ROOT = Path(__file__).resolve().parent.parent

# Templates whose strings are not marked yet, each with its reason; the scan skips them. Empty
# it, template by template: the test below fails on one that has become clean, so that the
# list only shrinks.
NOT_YET_MARKED: dict[str, str] = {}


def _catalog_entries(language):
    return [e for e in catalogs.read_catalog(language) if not e.is_header]


# (a) completeness


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The catalogs as `make messages` would leave them: extracted from a copy of the code,
    merged into a copy of the committed catalogs."""
    tree = tmp_path_factory.mktemp("tree")
    for name in ("tracker", "templates", "locale"):
        shutil.copytree(ROOT / name, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", tree / "manage.py")
    command = [sys.executable, "manage.py", "makemessages", *catalogs.MAKEMESSAGES_OPTIONS.split()]
    subprocess.run(command, cwd=tree, check=True, capture_output=True, text=True)
    return {lang: catalogs.read_catalog(lang, locale_dir=tree / "locale") for lang in ("fr", "ur")}


@pytest.mark.parametrize("language", ["fr", "ur"])
def test_every_message_in_the_code_is_in_the_catalog(extracted, language):
    committed = {(e.msgctxt, e.msgid) for e in _catalog_entries(language)}
    missing = [
        e.msgid
        for e in extracted[language]
        if not e.is_header and (e.msgctxt, e.msgid) not in committed
    ]
    assert not missing, f"run `make messages` and translate: {missing[:20]}"


@pytest.mark.parametrize("language", ["fr", "ur"])
def test_the_catalog_has_no_untranslated_or_fuzzy_message(language):
    left = [e.msgid for e in catalogs.untranslated(_catalog_entries(language))]
    assert not left, f"untranslated or fuzzy in {language}: {left[:20]}"


@pytest.mark.parametrize("language", ["fr", "ur"])
def test_the_catalog_states_its_plural_rule(language):
    header = catalogs.read_catalog(language)[0]
    rule = {"fr": "nplurals=2; plural=(n > 1);", "ur": "nplurals=2; plural=(n != 1);"}[language]
    assert header.is_header
    assert f"Plural-Forms: {rule}" in header.msgstr[0]


def test_untranslated_lists_a_fuzzy_and_an_empty_entry():
    entries = catalogs.parse_po(
        'msgid ""\nmsgstr "Language: fr\\n"\n\n'
        '#, fuzzy\nmsgid "Save"\nmsgstr "Enregistrer"\n\n'
        'msgid "Delete"\nmsgstr ""\n\n'
        'msgid "one day"\nmsgid_plural "%(count)s days"\nmsgstr[0] "un jour"\nmsgstr[1] ""\n\n'
        'msgid "Add"\nmsgstr "Ajouter"\n'
    )
    assert [e.msgid for e in catalogs.untranslated(entries)] == ["Save", "Delete", "one day"]


def test_make_messages_extracts_as_the_test_does():
    assert catalogs.MAKEMESSAGES_OPTIONS in (ROOT / "Makefile").read_text()


def test_the_untranslated_script_lists_nothing_for_the_committed_catalogs():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bin" / "untranslated")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


# The committed .mo files are those of the .po files (`make run` needs no gettext tools).


def _expected_mo_catalog(entries):
    expected = {}
    for e in entries:
        if e.is_fuzzy and not e.is_header:
            continue
        key = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        if e.msgid_plural:
            expected.update({(key, n): text for n, text in e.msgstr.items()})
        else:
            expected[key] = e.msgstr[0]
    return expected


@pytest.mark.parametrize("language", ["fr", "ur"])
def test_the_committed_mo_file_matches_the_po_file(language):
    directory = catalogs.LOCALE_DIR / language / "LC_MESSAGES"
    with open(directory / "django.mo", "rb") as mo:
        translations = gettext.GNUTranslations(mo)
    # msgfmt leaves the header's POT-Creation-Date out: the header is compared by its rule.
    compiled = {k: v for k, v in translations._catalog.items() if k != ""}
    expected = _expected_mo_catalog(catalogs.read_catalog(language))
    del expected[""]
    assert compiled == expected
    zero_is_plural = language == "ur"
    assert [translations.plural(n) for n in (0, 1, 2)] == [int(zero_is_plural), 0, 1]


@pytest.mark.parametrize("language", ["fr", "ur"])
def test_msgfmt_accepts_the_catalog(language, tmp_path):
    po = catalogs.LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(po)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


# (c) placeholders

_PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{[\w.]*\}")


def placeholders(text):
    return sorted(_PLACEHOLDER.findall(text.replace("%%", "")))


def placeholder_problems(entry):
    """How a translation's placeholders differ from the msgid's: a missing or an invented one
    breaks the page (KeyError) or loses a figure."""
    problems = []
    if entry.msgid_plural:
        allowed = set(placeholders(entry.msgid)) | set(placeholders(entry.msgid_plural))
        seen = set()
        for n, text in entry.msgstr.items():
            extra = set(placeholders(text)) - allowed
            if extra:
                problems.append(f"msgstr[{n}] adds {sorted(extra)}")
            seen |= set(placeholders(text))
        if {p for p in allowed if not p.startswith("%(count)")} - seen:
            problems.append(f"the plural forms drop {sorted(allowed - seen)}")
    elif placeholders(entry.msgstr.get(0, "")) != placeholders(entry.msgid):
        problems.append(f"{placeholders(entry.msgstr.get(0, ''))} != {placeholders(entry.msgid)}")
    return problems


@pytest.mark.parametrize("language", ["fr", "ur"])
def test_translations_keep_the_placeholders_of_their_msgid(language):
    translated = [e for e in _catalog_entries(language) if e.is_translated]
    wrong = {e.msgid: placeholder_problems(e) for e in translated}
    assert not {k: v for k, v in wrong.items() if v}


def test_placeholder_check_finds_a_renamed_and_a_dropped_placeholder():
    renamed = catalogs.Entry(msgid="%(count)s days late", msgstr={0: "%(nombre)s jours"})
    dropped = catalogs.Entry(msgid="Due {day}", msgstr={0: "Échéance"})
    kept = catalogs.Entry(msgid="Due {day} at %(time)s", msgstr={0: "%(time)s, le {day}"})
    assert placeholder_problems(renamed)
    assert placeholder_problems(dropped)
    assert not placeholder_problems(kept)


# (b) every template string marked


@pytest.mark.parametrize("path", template_files(), ids=lambda p: str(p.relative_to(TEMPLATES_DIR)))
def test_the_template_marks_every_string_it_shows(path):
    name = str(path.relative_to(TEMPLATES_DIR))
    findings = unmarked_strings(path.read_text(encoding="utf-8"))
    if name in NOT_YET_MARKED:
        assert findings, f"{name} is clean now: take it out of NOT_YET_MARKED"
        pytest.skip(NOT_YET_MARKED[name])
    assert not findings, f"not marked for translation in {name}: {findings}"


@pytest.mark.parametrize(
    "template",
    [
        "<p>Overdue</p>",
        "{% load i18n %}<h1>{% translate 'Agreements' %}</h1> <p>{{ n }} left</p>",
        '<button title="Close">{% translate "Close" %}</button>',
        '{% load i18n %}<input placeholder="Search" aria-label="{% translate "Search" %}">',
        '<img src="x.png" alt="Score chart">',
        '<a hx-confirm="Delete it?">{% translate "Delete" %}</a>',
        '<input type="submit" value="Save">',
        "{% if late %}late{% endif %}",
        "<p>&eacute;</p>",
        '<p>{{ name|default:"someone" }}</p>',
    ],
)
def test_the_scan_finds_an_unmarked_string(template):
    assert unmarked_strings(template)


@pytest.mark.parametrize(
    "template",
    [
        "{% load i18n %}<h1>{% translate 'Agreements' %}</h1>",
        "{% blocktranslate count n=n trimmed %}\n one day\n{% plural %}\n{{ n }} days\n"
        "{% endblocktranslate %}",
        '<span title="{{ label }}" aria-label="{% translate "Score" %}">{{ score }} % · —</span>',
        "<script>const words = 'not shown';</script><style>p::after { content: 'x'; }</style>",
        "<!-- a note --><p>{# a comment #}{% comment %}more words{% endcomment %}</p>",
        '<a href="/agreements/" class="button primary" data-label="x">{{ title }}</a>',
        "<p>CSV · XLSX · JSON</p>",
        '<pre><code>curl -H "Authorization: Token {{ token }}"</code></pre>',
        "<p>{{ _('Overdue') }} 3 × 4 &times; &nbsp;</p>",
        "<p>{{ name|default:_('someone') }} {{ day|default:'—' }} {{ d|date:'j M Y' }}</p>",
    ],
)
def test_the_scan_accepts_marked_and_invisible_text(template):
    assert unmarked_strings(template) == []


# (c) no translation call inside an f-string: xgettext reads an f-string as one literal and
# never sees the call, so its words would fall out of the catalogs at the next extraction.

TRANSLATION_CALL = re.compile(r"\b(?:n?gettext|pgettext|gettext_lazy|_)\(")


def translations_in_f_strings(source: str) -> list[str]:
    """The f-strings of `source` that call a translation function."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        prefix = re.match(r"[A-Za-z]*", token.string).group().lower()
        is_f_string = token.type == tokenize.STRING and "f" in prefix
        if is_f_string and TRANSLATION_CALL.search(token.string):
            found.append(token.string)
    return found


def test_no_translation_call_hides_in_an_f_string():
    root = Path(__file__).resolve().parent.parent / "tracker"
    hidden = {
        str(path.relative_to(root)): found
        for path in root.rglob("*.py")
        if (found := translations_in_f_strings(path.read_text(encoding="utf-8")))
    }
    assert not hidden, f"translation calls xgettext cannot see: {hidden}"


def test_the_f_string_check_finds_a_hidden_call():
    assert translations_in_f_strings("x = f'<b>{gettext(\"late\")}</b>'\n")
    assert not translations_in_f_strings("label = gettext('late')\nx = f'<b>{label}</b>'\n")


# (d) the scan and the .po reader never fail on what they are given


@given(st.text())
def test_the_scan_never_raises(text):
    assert isinstance(visible_text(text), str)
    assert isinstance(unmarked_strings(text), list)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
def test_escaped_po_strings_read_back_unchanged(text):
    assert catalogs.unescape(catalogs.escape(text)) == text
    [entry] = catalogs.parse_po(
        f"msgid {catalogs.escape(text or 'x')}\nmsgstr {catalogs.escape(text)}\n"
    )
    assert entry.msgstr[0] == text


@given(st.text())
def test_the_po_reader_reads_or_refuses_cleanly(text):
    with contextlib.suppress(ValueError):
        catalogs.parse_po(text)


# Pages rendered in French and in Urdu. The views are called directly, under
# translation.override: whatever chooses the reader's language (middleware, a preference),
# these test what the pages say once it is chosen.


def _get(view, user, path="/", **kwargs):
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import RequestFactory
    from django_htmx.middleware import HtmxDetails

    request = RequestFactory().get(path)
    request.user = user
    request.htmx = HtmxDetails(request)
    request._messages = CookieStorage(request)
    return view(request, **kwargs).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ["Vue d'ensemble", "Accords suivis", "Dernières preuves", "Se déconnecter"]),
        ("ur", ["جائزہ", "زیرِ نگرانی معاہدے", "تازہ ترین ثبوت", "سائن آؤٹ"]),
    ],
)
def test_the_overview_speaks_the_active_language(language, expected):
    from django.utils import translation

    from tracker.models import Role
    from tracker.views.dashboard import overview

    from .factories import CommitmentFactory, UserFactory

    CommitmentFactory()
    user = UserFactory(username="reader", role=Role.ANALYST)
    with translation.override(language):
        html = _get(overview, user)
    for text in expected:
        assert text in html
    assert "Latest evidence" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "status", "heading"),
    [("fr", "Pas commencé", "Engagements"), ("ur", "شروع نہیں ہوا", "وعدے")],
)
def test_the_public_agreement_page_translates_the_vocabularies(language, status, heading):
    from django.utils import translation

    from tracker.views.public import agreement_detail

    from .factories import AgreementFactory, CommitmentFactory

    agreement = AgreementFactory(is_public=True)
    CommitmentFactory(agreement=agreement, status="not_started")
    with translation.override(language):
        html = _get(agreement_detail, None, slug=agreement.slug)
    assert status in html
    assert f'<h2 id="commitments-heading">{heading}</h2>' in html


@pytest.mark.django_db
def test_english_is_the_code_s_own_wording():
    from django.utils import translation

    from tracker.models import Role
    from tracker.views.dashboard import overview

    from .factories import UserFactory

    user = UserFactory(username="reader", role=Role.ANALYST)
    with translation.override("en"):
        html = _get(overview, user)
    assert "<h1>Overview</h1>" in html
    assert "Latest evidence" in html


# What other programs read stays in English, whatever the reader's language.


@pytest.mark.django_db
def test_the_commitments_export_keeps_english_labels_in_french():
    from django.utils import translation

    from tracker import exports

    from .factories import CommitmentFactory

    commitment = CommitmentFactory(status="in_progress", theme="border", priority="high")
    commitment.is_overdue = False
    with translation.override("fr"):
        [row] = exports.commitment_rows([commitment], url=lambda pk: f"/c/{pk}")
        assert commitment.get_status_display() == "En cours"
    assert row[4:6] == ["Border management", "High"]
    assert row[9] == "In progress"


def test_the_calendar_labels_stay_english_in_urdu():
    from django.utils import translation

    from tracker import ical

    ical._labels.cache_clear()
    with translation.override("ur"):
        statuses, themes = ical._labels()
    assert statuses["not_started"] == "Not started"
    assert themes["border"] == "Border management"


def test_the_import_reads_english_labels_whatever_the_language():
    from django.utils import translation

    from tracker.import_plan import _Item
    from tracker.models import CommitmentStatus

    errors = []
    reader = _Item(errors, "f.json", "row 1", {"status": "In progress"}, ("status",))
    with translation.override("fr"):
        assert reader.choice("status", CommitmentStatus) == "in_progress"
    assert errors == []
