"""/draft/: paste an article, review the proposals, accept them; only editors may."""

import datetime
from pathlib import Path

import pytest
from django import forms

from tracker.models import Agreement, Commitment, Milestone, Party, Source, Theme

from ..factories import AgreementFactory, CommitmentFactory, PartyFactory, TeamFactory

SEED = (Path(__file__).parents[1] / "data" / "seed-article-pakistan-afghanistan.txt").read_text()
URL = "/draft/"
SIGNED = "2026-01-31"


def propose(client, text=SEED, agreement=""):
    return client.post(URL, {"text": text, "agreement": agreement, "step": "propose"})


def review_data(response, **changes) -> dict:
    """What the review page posts when the editor accepts it as shown, then `changes`
    (a value of None unticks a box or drops a field)."""
    review = response.context["review"]
    page_forms = [
        response.context["paste_form"],
        review.source_form,
        review.formset.management_form,
        *review.formset.forms,
    ]
    if review.agreement_form is not None:
        page_forms.append(review.agreement_form)
    data = {"step": "accept"}
    for form in page_forms:
        for field in form:
            value = field.value()
            if isinstance(field.field, forms.BooleanField):
                if value:
                    data[field.html_name] = "on"
            elif isinstance(value, list):
                data[field.html_name] = [str(item) for item in value]
            elif value is not None:  # a browser posts nothing for an empty checkbox group
                data[field.html_name] = str(value)
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def row(response, title: str) -> str:
    """The form prefix of the proposal with this title, e.g. 'c-3'."""
    for form in response.context["review"].formset.forms:
        if form.initial.get("title") == title:
            return form.prefix
    raise AssertionError(f"no proposal titled {title!r}")


def accept(client, **changes):
    response = propose(client)
    return client.post(URL, review_data(response, **{"new-signed_on": SIGNED, **changes}))


# ---------------------------------------------------------------------------------------------
# Who may


def test_it_sends_anonymous_users_to_the_login_page(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_forbids_users_who_cannot_add_agreements(analyst_client, method):
    response = getattr(analyst_client, method)(URL, {"text": SEED, "step": "propose"})
    assert response.status_code == 403
    assert Agreement.objects.count() == 0


def test_it_shows_the_paste_form_and_a_nav_link_to_editors(editor_client):
    response = editor_client.get(URL)
    assert response.status_code == 200
    assert b'name="text"' in response.content
    assert b'href="/draft/" aria-current="page"' in response.content


# ---------------------------------------------------------------------------------------------
# Paste and review


def test_it_preselects_the_agreement_named_in_the_address(editor_client, agreement):
    response = editor_client.get(f"{URL}?agreement={agreement.slug}")
    assert f'<option value="{agreement.slug}" selected>'.encode() in response.content


def test_it_lists_saved_parties_once_beside_those_the_text_names(editor_client):
    PartyFactory(code="AF", name="Afghanistan")
    PartyFactory(code="IND", name="India")
    choices = propose(editor_client).context["review"].agreement_form.fields["parties"].choices
    assert [code for code, _ in choices] == ["PAK", "AFG", "IND"]


def test_it_proposes_the_seed_commitments_without_saving_anything(editor_client):
    response = propose(editor_client)
    assert b"Nothing was saved" not in response.content
    review = response.context["review"]
    titles = [form.initial["title"] for form in review.formset.forms[: review.proposed_count]]
    assert titles[:5] == [
        "Improved intelligence exchange",
        "Coordinated military operations",
        "Regular high-level consultations",
        "Another meeting is scheduled with an agenda focused on establishing specific "
        "benchmarks and timelines for implementing agreed-upon actions",
        "Create joint border patrols",
    ]
    assert review.agreement_form.initial["parties"] == ["PAK", "AFG"]
    assert review.agreement_form.initial["slug"] == (
        "pakistan-and-afghanistan-unite-to-combat-cross-border-terrorism"
    )
    assert (Agreement.objects.count(), Commitment.objects.count(), Party.objects.count()) == (
        0,
        0,
        0,
    )


def test_it_asks_for_some_text(editor_client):
    response = propose(editor_client, text="   ")
    assert response.context["form"].errors["text"] == [
        "Paste the text of an article or an agreement."
    ]


def test_it_escapes_the_pasted_text(editor_client):
    text = (
        "Pakistan and Afghanistan <script>alert('x')</script>\nKey measures:\n- <img src=x> Do it"
    )
    response = propose(editor_client, text=text)
    assert b"<script>alert" not in response.content
    assert b"<img src=x>" not in response.content
    assert b"&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in response.content


def test_it_hides_agreements_the_editor_cannot_see(editor_client):
    restricted = AgreementFactory()
    restricted.teams.set([TeamFactory()])
    response = propose(editor_client, agreement=restricted.slug)
    assert "agreement" in response.context["form"].errors
    assert "review" not in response.context


# ---------------------------------------------------------------------------------------------
# Accept


def test_it_creates_the_agreement_its_parties_and_commitments(editor_client):
    response = accept(editor_client)
    agreement = Agreement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == agreement.get_absolute_url()
    assert agreement.signed_on == datetime.date(2026, 1, 31)
    assert sorted(agreement.parties.values_list("code", flat=True)) == ["AFG", "PAK"]
    assert Milestone.objects.get(agreement=agreement).date == agreement.signed_on
    assert Source.objects.get(agreement=agreement).title == agreement.title
    # the nine proposals not hedged with "might" or "could"
    assert agreement.commitments.count() == 9


def test_it_computes_the_due_dates_and_shows_them(editor_client):
    response = accept(editor_client)
    patrols = Commitment.objects.get(title="Create joint border patrols")
    networks = Commitment.objects.get(title="Create communication networks")
    assert (patrols.reference, patrols.due_on) == ("3.1", datetime.date(2026, 4, 30))
    assert (networks.theme, networks.due_on) == (Theme.COMMUNICATIONS, datetime.date(2026, 2, 28))
    assert sorted(patrols.responsible_parties.values_list("code", flat=True)) == ["AFG", "PAK"]
    page = editor_client.get(response["Location"])
    assert b"30 Apr 2026" in page.content
    assert b"9 commitments added from the article." in page.content


def test_it_saves_the_editors_changes_and_drops_unticked_rows(editor_client):
    response = propose(editor_client)
    patrols, surge = (
        row(response, "Create joint border patrols"),
        row(response, "Surge in joint military exercises"),
    )
    data = review_data(
        response,
        **{
            "new-signed_on": SIGNED,
            f"{patrols}-title": "Create joint border patrols on the Durand Line",
            f"{patrols}-timeline_wording": "within 135 days",
            f"{patrols}-responsible_parties": ["PAK"],
            f"{surge}-include": None,
        },
    )
    editor_client.post(URL, data)
    patrols = Commitment.objects.get(reference="3.1")
    assert patrols.title == "Create joint border patrols on the Durand Line"
    assert patrols.due_on == datetime.date(2026, 1, 31) + datetime.timedelta(days=135)
    assert list(patrols.responsible_parties.values_list("code", flat=True)) == ["PAK"]
    assert not Commitment.objects.filter(title="Surge in joint military exercises").exists()
    assert Commitment.objects.count() == 8


def test_it_saves_a_commitment_the_text_missed(editor_client):
    response = propose(editor_client)
    extra = f"c-{response.context['review'].proposed_count}"
    accept_data = review_data(
        response,
        **{
            "new-signed_on": SIGNED,
            f"{extra}-include": "on",
            f"{extra}-reference": "9.1",
            f"{extra}-title": "Hold a follow-up meeting",
            f"{extra}-timeline_wording": "next month",
            f"{extra}-theme": Theme.DIALOGUE,
        },
    )
    editor_client.post(URL, accept_data)
    assert Commitment.objects.get(reference="9.1").due_on == datetime.date(2026, 2, 28)


def test_it_reuses_saved_parties_by_code_or_by_name(editor_client):
    pakistan = PartyFactory(code="PAK", name="Islamic Republic of Pakistan")
    afghanistan = PartyFactory(code="AF", name="Afghanistan")
    accept(editor_client)
    assert set(Agreement.objects.get().parties.all()) == {pakistan, afghanistan}
    assert Party.objects.count() == 2


def test_it_adds_to_an_existing_agreement_after_its_references(editor_client, agreement):
    CommitmentFactory(agreement=agreement, reference="1.1")
    response = propose(editor_client, agreement=agreement.slug)
    response = editor_client.post(URL, review_data(response))
    assert response["Location"] == agreement.get_absolute_url()
    patrols = agreement.commitments.get(title="Create joint border patrols")
    assert patrols.reference == "4.1"
    assert set(patrols.responsible_parties.all()) == set(agreement.parties.all())
    assert Agreement.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Bad input: shown beside the field, nothing saved


def assert_nothing_saved():
    assert (Agreement.objects.count(), Commitment.objects.count(), Party.objects.count()) == (
        0,
        0,
        0,
    )


def test_it_saves_nothing_when_a_timeline_is_unreadable(editor_client):
    response = propose(editor_client)
    patrols = row(response, "Create joint border patrols")
    data = review_data(
        response, **{"new-signed_on": SIGNED, f"{patrols}-timeline_wording": "Q3 2026"}
    )
    response = editor_client.post(URL, data)
    form = response.context["review"].formset.forms[int(patrols.split("-")[1])]
    assert form.errors["timeline_wording"][0].startswith("“Q3 2026” cannot be read as a deadline.")
    assert b'id="id_c-4-timeline_wording_error"' in response.content
    assert b"Nothing was saved: 1 thing to fix, marked below." in response.content
    assert_nothing_saved()


def test_it_ignores_an_unreadable_timeline_on_a_dropped_row(editor_client):
    response = propose(editor_client)
    patrols = row(response, "Create joint border patrols")
    data = review_data(
        response,
        **{
            "new-signed_on": SIGNED,
            f"{patrols}-timeline_wording": "Q3 2026",
            f"{patrols}-include": None,
        },
    )
    editor_client.post(URL, data)
    assert Commitment.objects.count() == 8


def test_it_saves_nothing_on_a_duplicate_reference(editor_client):
    response = propose(editor_client)
    networks = row(response, "Create communication networks")
    data = review_data(response, **{"new-signed_on": SIGNED, f"{networks}-reference": "3.1"})
    response = editor_client.post(URL, data)
    form = response.context["review"].formset.forms[int(networks.split("-")[1])]
    assert form.errors["reference"] == ["Row 5 already uses 3.1."]
    assert_nothing_saved()


def test_it_saves_nothing_on_a_reference_the_agreement_already_has(editor_client, agreement):
    CommitmentFactory(agreement=agreement, reference="2.1")
    response = propose(editor_client, agreement=agreement.slug)
    first = response.context["review"].formset.forms[0].prefix
    response = editor_client.post(URL, review_data(response, **{f"{first}-reference": "2.1"}))
    assert response.context["review"].formset.forms[0].errors["reference"] == [
        "The agreement already has a commitment 2.1."
    ]
    assert agreement.commitments.count() == 1


def test_it_saves_nothing_without_two_parties(editor_client):
    response = accept(editor_client, **{"new-parties": ["PAK"]})
    assert response.context["review"].agreement_form.errors["parties"] == [
        "An agreement binds two or more parties: tick at least two."
    ]
    assert_nothing_saved()


def test_it_saves_nothing_when_a_responsible_party_is_not_a_party(editor_client):
    text = SEED + "\nIndia welcomed the accord."
    response = propose(editor_client, text=text)
    patrols = row(response, "Create joint border patrols")
    data = review_data(
        response, **{"new-signed_on": SIGNED, f"{patrols}-responsible_parties": ["PAK", "IND"]}
    )
    response = editor_client.post(URL, data)
    form = response.context["review"].formset.forms[int(patrols.split("-")[1])]
    assert form.errors["responsible_parties"] == [
        "IND is not a party to this agreement; tick it among the agreement's parties first."
    ]
    assert_nothing_saved()


def test_it_saves_nothing_when_the_slug_is_taken(editor_client):
    taken = AgreementFactory(slug="pak-afg")
    response = accept(editor_client, **{"new-slug": "pak-afg"})
    assert response.context["review"].agreement_form.errors["slug"] == [
        "This slug is not available: try “pak-afg-2”."
    ]
    assert list(Agreement.objects.all()) == [taken]
    assert Commitment.objects.count() == 0


def test_a_slug_held_by_a_hidden_agreement_gets_the_same_words(editor_client):
    hidden = AgreementFactory(slug="pak-afg", title="Secret channel")
    hidden.teams.set([TeamFactory()])
    response = accept(editor_client, **{"new-slug": "pak-afg"})
    assert response.context["review"].agreement_form.errors["slug"] == [
        "This slug is not available: try “pak-afg-2”."
    ]
    assert "Secret channel" not in response.content.decode()


def test_it_suggests_a_free_slug(editor_client):
    AgreementFactory(slug="pakistan-and-afghanistan-unite-to-combat-cross-border-terrorism")
    response = propose(editor_client)
    assert response.context["review"].agreement_form.initial["slug"] == (
        "pakistan-and-afghanistan-unite-to-combat-cross-border-terrorism-2"
    )


def test_it_asks_for_at_least_one_ticked_commitment(editor_client):
    response = propose(editor_client)
    unticked = {f"{form.prefix}-include": None for form in response.context["review"].formset}
    response = editor_client.post(
        URL, review_data(response, **{"new-signed_on": SIGNED, **unticked})
    )
    assert response.context["review"].formset.non_form_errors() == [
        "Tick “Accept” on at least one commitment."
    ]
    assert_nothing_saved()


# ---------------------------------------------------------------------------------------------
# An agreement the draft may duplicate

SEED_TITLE = "Pakistan and Afghanistan Unite to Combat Cross-Border Terrorism"


def seed_like_agreement(title="Pakistan and Afghanistan unite to combat cross-border terrorism"):
    pakistan = PartyFactory(code="PAK", name="Pakistan")
    afghanistan = PartyFactory(code="AFG", name="Afghanistan")
    return AgreementFactory(title=title, parties=[pakistan, afghanistan])


def test_it_warns_that_an_agreement_with_the_same_parties_and_title_exists(editor_client):
    existing = seed_like_agreement()
    response = propose(editor_client)
    assert response.context["review"].similar_agreements == [existing]
    assert f'href="{existing.get_absolute_url()}"'.encode() in response.content
    assert b"add these commitments to it instead" in response.content


def test_it_matches_a_saved_party_by_name_as_saving_does(editor_client):
    existing = AgreementFactory(
        title=SEED_TITLE,
        parties=[
            PartyFactory(code="PK", name="Pakistan"),
            PartyFactory(code="AF", name="Afghanistan"),
        ],
    )
    assert propose(editor_client).context["review"].similar_agreements == [existing]


def test_it_never_names_an_agreement_the_editor_cannot_see(editor_client):
    hidden = seed_like_agreement()
    hidden.teams.set([TeamFactory()])
    response = propose(editor_client)
    assert response.context["review"].similar_agreements == []
    assert hidden.slug.encode() not in response.content
    assert b'id="similar-agreements"' not in response.content


@pytest.mark.parametrize(
    ("title", "parties"),
    [
        ("Pakistan and Afghanistan sign a trade deal", ["PAK", "AFG"]),  # another title
        (SEED_TITLE, ["PAK", "AFG", "IND"]),  # another set of parties
        (SEED_TITLE, ["PAK", "IND"]),
    ],
)
def test_it_does_not_warn_about_other_agreements(editor_client, title, parties):
    AgreementFactory(title=title, parties=[PartyFactory(code=code) for code in parties])
    response = propose(editor_client)
    assert response.context["review"].similar_agreements == []
    assert b'id="similar-agreements"' not in response.content


def test_it_checks_the_title_and_parties_the_editor_posted(editor_client):
    existing = seed_like_agreement(title="Border security pact")
    response = propose(editor_client)
    assert response.context["review"].similar_agreements == []
    data = review_data(response, **{"new-title": "Border Security Pact", "new-slug": "taken!"})
    response = editor_client.post(URL, data)  # refused: the review is shown again
    assert response.context["review"].similar_agreements == [existing]


def test_it_offers_to_add_the_commitments_to_the_existing_agreement(editor_client):
    existing = seed_like_agreement()
    response = editor_client.post(
        URL, {"text": SEED, "agreement": existing.slug, "step": "propose"}
    )
    review = response.context["review"]
    assert review.agreement == existing
    assert review.similar_agreements == []
    assert f'name="agreement" value="{existing.slug}"'.encode() in propose(editor_client).content


def test_it_recognises_a_party_only_the_database_knows(editor_client):
    PartyFactory(code="AFC", name="Alliance Fleuve Congo", kind=Party.Kind.ORGANISATION)
    text = "The Alliance Fleuve Congo and Rwanda signed a truce. Both will meet next month."
    review = propose(editor_client, text=text).context["review"]
    assert review.draft.suggested_party_codes == ["AFC", "RWA"]


def test_it_names_a_mediator_as_such_and_does_not_preselect_it(editor_client):
    text = "Rwanda and the DRC signed a peace deal brokered by the United States."
    response = propose(editor_client, text=text)
    assert response.context["review"].draft.suggested_party_codes == ["RWA", "COD"]
    assert "United States</bdi> 1 time (as a mediator: not proposed as a party)" in (
        response.content.decode()
    )


def test_each_proposed_timeline_shows_how_the_engine_reads_it(editor_client):
    response = propose(editor_client)
    review = response.context["review"]
    readings = {
        form.proposal.timeline_wording: form.proposal.timeline_reading
        for form in review.formset.forms[: review.proposed_count]
        if form.proposal.timeline_wording
    }
    assert readings, "the seed article states timelines"
    for wording, reading in readings.items():
        assert reading, wording
        assert f"Read as: <bdi>{reading}</bdi>".encode() in response.content
    assert readings["Within 3 months"] == "3 months after the signing"


PROSE = (
    "Pakistan and Afghanistan agree to meet\n"
    "Pakistan and Afghanistan will meet annually. Talks will open within three months "
    "(counted from the start of intra-Afghan negotiations). Both sides shall withdraw "
    "immediately."
)


def test_it_shows_how_the_engine_reads_recurring_prompt_and_event_wording(editor_client):
    response = propose(editor_client, text=PROSE)
    review = response.context["review"]
    readings = [
        (form.proposal.timeline_wording, form.proposal.timeline_reading)
        for form in review.formset.forms[: review.proposed_count]
    ]
    assert readings == [
        ("annually", "every year (annually)"),
        (
            "within three months (counted from the start of intra-Afghan negotiations)",
            "3 months after the start of intra-Afghan negotiations",
        ),
        ("immediately", "no fixed date, expected promptly"),
    ]
    for _, reading in readings:
        assert f"Read as: <bdi>{reading}</bdi>".encode() in response.content


def test_it_saves_recurring_prompt_and_event_wording_as_proposed(editor_client):
    response = propose(editor_client, text=PROSE)
    saved = editor_client.post(URL, review_data(response, **{"new-signed_on": SIGNED}))
    assert saved.status_code == 302
    assert sorted(Commitment.objects.values_list("timeline_wording", flat=True)) == [
        "annually",
        "immediately",
        "within three months (counted from the start of intra-Afghan negotiations)",
    ]
