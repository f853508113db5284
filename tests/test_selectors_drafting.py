"""selectors.agreements_like: the agreements a new draft may duplicate."""

from tracker import selectors
from tracker.models import Party

from .factories import AgreementFactory, PartyFactory, TeamFactory


def parties(*codes):
    return [PartyFactory(code=code, name=f"Party {code}") for code in codes]


def test_it_lists_the_most_alike_title_first(editor, django_assert_max_num_queries):
    both = parties("PAK", "AFG")
    close = AgreementFactory(title="Border-security pacts", parties=both)
    same = AgreementFactory(title="Border Security Pact", parties=both)
    AgreementFactory(title="Trade and transit agreement", parties=both)
    with django_assert_max_num_queries(2):  # the editor's role, then the agreements
        found = selectors.agreements_like(editor, title="border security pact", parties=both)
    assert found == [same, close]


def test_it_ignores_word_order_and_punctuation(editor):
    both = parties("PAK", "AFG")
    existing = AgreementFactory(title="Pakistan–Afghanistan: border security pact", parties=both)
    found = selectors.agreements_like(
        editor, title="Border security pact, Pakistan Afghanistan", parties=both
    )
    assert found == [existing]


def test_it_matches_an_unsaved_party_by_name(editor):
    existing = AgreementFactory(title="Border pact", parties=parties("PAK", "AFG"))
    drafted = [Party(code="PK", name="Party PAK"), Party(code="AF", name="Party AFG")]
    assert selectors.agreements_like(editor, title="Border pact", parties=drafted) == [existing]


def test_it_needs_two_parties_and_a_title(editor):
    both = parties("PAK", "AFG")
    AgreementFactory(title="Border pact", parties=both)
    assert selectors.agreements_like(editor, title="  ", parties=both) == []
    assert selectors.agreements_like(editor, title="Border pact", parties=both[:1]) == []


def test_it_hides_restricted_agreements_but_not_from_admins(editor, admin_user):
    both = parties("PAK", "AFG")
    hidden = AgreementFactory(title="Border pact", parties=both)
    hidden.teams.set([TeamFactory()])
    assert selectors.agreements_like(editor, title="Border pact", parties=both) == []
    assert selectors.agreements_like(admin_user, title="Border pact", parties=both) == [hidden]
