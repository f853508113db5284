"""services.agreement_accept_draft: a reviewed draft is saved whole or not at all."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tracker import services
from tracker.models import Agreement, Commitment, Milestone, Party, Source

from ..factories import PartyFactory

SIGNED = datetime.date(2026, 1, 31)


def new_agreement(**fields) -> Agreement:
    return Agreement(title="Accord", slug="accord", signed_on=SIGNED, **fields)


def parties() -> list[Party]:
    return [Party(code="PAK", name="Pakistan"), Party(code="AFG", name="Afghanistan")]


def commitment(reference="1.1", wording="Within 3 months") -> Commitment:
    return Commitment(
        reference=reference, title=f"Commitment {reference}", timeline_wording=wording
    )


def test_it_creates_the_agreement_parties_signing_commitments_and_source(db):
    agreement = services.agreement_accept_draft(
        agreement=new_agreement(),
        parties=parties(),
        commitments=[(commitment(), ["PAK"]), (commitment("1.2", "by 10 March 2026"), [])],
        source=Source(title="The article"),
    )
    first, second = agreement.commitments.order_by("reference")
    assert (first.due_on, second.due_on) == (datetime.date(2026, 4, 30), datetime.date(2026, 3, 10))
    assert list(first.responsible_parties.values_list("code", flat=True)) == ["PAK"]
    assert sorted(second.responsible_parties.values_list("code", flat=True)) == ["AFG", "PAK"]
    assert Milestone.objects.get(agreement=agreement).date == SIGNED
    assert agreement.sources.get().title == "The article"


def test_it_saves_nothing_when_a_later_commitment_is_refused(db):
    with pytest.raises(services.DraftRowInvalid) as refused:
        services.agreement_accept_draft(
            agreement=new_agreement(),
            parties=parties(),
            commitments=[(commitment(), []), (commitment("1.2", "Q3 2026"), [])],
        )
    assert refused.value.index == 1
    assert "timeline_wording" in refused.value.error.message_dict
    assert Agreement.objects.count() == Party.objects.count() == Milestone.objects.count() == 0


def test_it_names_a_responsible_party_outside_the_agreement(db):
    with pytest.raises(services.DraftRowInvalid) as refused:
        services.agreement_accept_draft(
            agreement=new_agreement(), parties=parties(), commitments=[(commitment(), ["IND"])]
        )
    assert refused.value.error.message_dict["responsible_parties"] == [
        "IND is not a party to this agreement; add it to the agreement's parties first."
    ]


def test_it_refuses_an_agreement_with_fewer_than_two_parties(db):
    with pytest.raises(ValidationError) as refused:
        services.agreement_accept_draft(
            agreement=new_agreement(), parties=parties()[:1], commitments=[(commitment(), [])]
        )
    assert refused.value.message_dict == {"parties": ["An agreement binds two or more parties."]}
    assert Agreement.objects.count() == 0


def test_it_matches_saved_parties_by_code_then_by_name(db):
    pakistan = PartyFactory(code="PAK", name="Islamic Republic of Pakistan")
    afghanistan = PartyFactory(code="AF", name="AFGHANISTAN")
    agreement = services.agreement_accept_draft(
        agreement=new_agreement(), parties=parties(), commitments=[(commitment(), ["AFG"])]
    )
    assert set(agreement.parties.all()) == {pakistan, afghanistan}
    assert list(agreement.commitments.get().responsible_parties.all()) == [afghanistan]
