"""Texts no page can show safely are refused by the services, whoever calls them: NUL in any
text (PostgreSQL's text cannot hold it), invisible or direction characters in a web address.
Nothing is written when they are."""

import pytest
from django.core.exceptions import ValidationError

from tracker import services
from tracker.models import Commitment, Evidence, limits
from tracker.models.validators import invisible_characters

from ..factories import CommitmentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "address",
    [
        "https://\u202eexe.png.evil.example/",
        "https://example.org/\u200bpath",
        "https://example.org/a\u2066b\u2069",
        "https://example.org/\x07",
    ],
)
def test_a_web_address_with_an_invisible_character_is_refused(commitment, analyst, address):
    with pytest.raises(ValidationError) as refused:
        services.evidence_log(commitment=commitment, by=analyst, summary="Seen", source_url=address)
    assert "invisible or direction characters" in str(refused.value.message_dict["source_url"])
    assert not Evidence.objects.exists()


def test_a_right_to_left_address_is_still_a_web_address(commitment, analyst):
    evidence = services.evidence_log(
        commitment=commitment, by=analyst, summary="Seen", source_url="https://مثال.example/خبر"
    )
    assert evidence.source_url == "https://مثال.example/خبر"


def test_the_invisible_characters_are_named():
    assert invisible_characters("a\u202eb\u202ec\u200b") == ["U+202E", "U+200B"]
    assert invisible_characters("پاکستان – Afghanistan") == []


def test_nul_in_a_short_text_is_refused(agreement):
    with pytest.raises(ValidationError) as refused:
        CommitmentFactory(agreement=agreement, title="Border\x00patrols")
    assert "Null characters" in str(refused.value.message_dict["title"])
    assert not Commitment.objects.exists()


def test_nul_in_a_long_text_is_refused(commitment, analyst):
    with pytest.raises(ValidationError):
        services.evidence_log(commitment=commitment, by=analyst, summary="Seen\x00")
    assert not Evidence.objects.exists()


def test_an_evidence_summary_at_its_limit_is_kept_and_one_more_refused(commitment, analyst):
    whole = "s" * limits.EVIDENCE_SUMMARY
    assert services.evidence_log(commitment=commitment, by=analyst, summary=whole).summary == whole
    with pytest.raises(ValidationError):
        services.evidence_log(commitment=commitment, by=analyst, summary=whole + "s")
    assert Evidence.objects.count() == 1
