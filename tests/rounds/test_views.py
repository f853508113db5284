"""The rounds' pages: open, review, reply, publish; the downloads; the comparison; who may
see and do what."""

import pytest

from tracker import services
from tracker.models import AssessmentRound, Commitment, RoundReply, RoundState

from ..factories import CommitmentFactory, TeamFactory, UserFactory
from .conftest import CUTOFF


@pytest.fixture
def open_round(accord, editor):
    return services.round_open(agreement=accord, kind="interim", cutoff=CUTOFF, by=editor)


@pytest.fixture
def in_review(open_round, editor):
    return services.round_to_review(round_=open_round, by=editor)


def _url(round_) -> str:
    return f"/agreements/{round_.agreement.slug}/rounds/{round_.number}/"


def test_an_editor_opens_a_round_from_the_agreements_rounds(editor_client, accord):
    response = editor_client.post(
        "/agreements/border-accord/rounds/", {"kind": "interim", "cutoff": "2026-04-01"}
    )
    round_ = AssessmentRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url(round_)
    page = editor_client.get(_url(round_)).content.decode()
    assert "Create joint border patrols" in page
    assert "First joint patrol near Torkham" in page


def test_a_bad_cutoff_is_shown_beside_its_field_and_opens_nothing(editor_client, accord):
    response = editor_client.post(
        "/agreements/border-accord/rounds/", {"kind": "interim", "cutoff": "2027-01-01"}
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    assert not AssessmentRound.objects.exists()


def test_an_analyst_cannot_open_a_round(analyst_client, accord):
    response = analyst_client.post(
        "/agreements/border-accord/rounds/", {"kind": "interim", "cutoff": "2026-04-01"}
    )
    assert response.status_code == 403
    assert not AssessmentRound.objects.exists()


def test_the_agreement_page_links_its_rounds(editor_client, open_round):
    page = editor_client.get("/agreements/border-accord/").content.decode()
    assert 'href="/agreements/border-accord/rounds/"' in page
    assert f'href="{_url(open_round)}"' in page


def test_an_editor_sends_to_review_then_publishes_with_htmx(editor_client, open_round):
    response = editor_client.post(
        _url(open_round), {"action": "to-review"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert '<div id="round-body"' in response.content.decode()
    assert "<html" not in response.content.decode()
    editor_client.post(_url(open_round), {"action": "publish"})
    open_round.refresh_from_db()
    assert open_round.state == RoundState.PUBLISHED


def test_publishing_twice_is_refused_with_a_message(editor_client, in_review, editor):
    services.round_publish(round_=in_review, by=editor)
    response = editor_client.post(_url(in_review), {"action": "publish"})
    assert response.status_code == 200
    assert "This round is published: it can no longer change." in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.state == RoundState.PUBLISHED


def test_a_representative_replies_for_their_own_party(client, in_review, representative, afg):
    client.force_login(representative)
    patrols = Commitment.objects.get(reference="2.1")
    response = client.post(
        _url(in_review),
        {
            "action": "reply",
            "commitment_id": patrols.pk,
            "party": afg.pk,
            "text": "Our units joined on 20 March.",
            "recalibrated_score": "2",
            "recalibration_reason": "Two sectors patrolled",
        },
    )
    assert response.status_code == 302
    reply = RoundReply.objects.get()
    assert (reply.party, reply.by, reply.recalibrated_score) == (afg, representative, 2)
    page = client.get(_url(in_review)).content.decode()
    assert "Our units joined on 20 March." in page
    assert "recalibrated to 2" in page


def test_a_representative_cannot_reply_for_another_party(client, in_review, representative, pak):
    client.force_login(representative)
    response = client.post(
        _url(in_review),
        {
            "action": "reply",
            "commitment_id": Commitment.objects.get(reference="2.1").pk,
            "party": pak.pk,
            "text": "Pretending",
        },
    )
    assert response.status_code == 200
    assert "You may reply only for the party you represent." in response.content.decode()
    assert not RoundReply.objects.exists()


def test_a_viewer_without_a_party_gets_no_reply_form_and_a_403(viewer_client, in_review, pak):
    assert 'id="reply-form"' not in viewer_client.get(_url(in_review)).content.decode()
    response = viewer_client.post(
        _url(in_review), {"action": "reply", "party": pak.pk, "text": "x"}
    )
    assert response.status_code == 403


def test_an_unknown_action_is_a_400(editor_client, open_round):
    assert editor_client.post(_url(open_round), {"action": "delete"}).status_code == 400


@pytest.mark.parametrize("fmt", ["pdf", "xlsx", "csv"])
def test_the_report_downloads_in_each_format(viewer_client, in_review, fmt):
    response = viewer_client.get(f"{_url(in_review)}report.{fmt}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="border-accord-round-1.{fmt}"'
    )


def test_an_unknown_format_is_a_404(viewer_client, in_review):
    assert viewer_client.get(f"{_url(in_review)}report.docx").status_code == 404


def test_the_comparison_says_what_moved_for_which_party_and_why(editor_client, in_review, editor):
    services.round_publish(round_=in_review, by=editor)
    services.round_open(
        agreement=in_review.agreement, kind="final", cutoff=CUTOFF.replace(month=6), by=editor
    )
    page = editor_client.get("/agreements/border-accord/rounds/1/compare/2/").content.decode()
    assert "Patrols suspended after a clash" in page
    assert "Afghanistan" in page
    assert "Stalled" in page


@pytest.fixture
def secret_round(restricted_agreement, admin_user):
    return services.round_open(
        agreement=restricted_agreement, kind="interim", cutoff=CUTOFF, by=admin_user
    )


@pytest.mark.parametrize("suffix", ["", "report.pdf", "report.csv", "compare/1/"])
def test_an_outsider_never_sees_a_restricted_agreements_round(viewer_client, secret_round, suffix):
    assert viewer_client.get(_url(secret_round) + suffix).status_code == 404


def test_an_outsider_cannot_act_on_a_restricted_agreements_round(editor_client, secret_round):
    assert editor_client.post(_url(secret_round), {"action": "to-review"}).status_code == 404
    assert editor_client.get("/agreements/secret-protocol/rounds/").status_code == 404


def test_a_team_member_sees_it(client, secret_round):
    member = UserFactory(username="member", role="viewer")
    secret_round.agreement.teams.first().members.add(member)
    client.force_login(member)
    assert client.get(_url(secret_round)).status_code == 200


def test_the_round_page_reads_a_bounded_number_of_queries(
    editor_client, accord, editor, django_assert_max_num_queries
):
    CommitmentFactory.create_batch(10, agreement=accord)
    round_ = services.round_open(agreement=accord, kind="interim", cutoff=CUTOFF, by=editor)
    with django_assert_max_num_queries(12):
        assert editor_client.get(_url(round_)).status_code == 200


def test_the_admin_shows_rounds_read_only_and_hides_restricted_ones(client, editor, secret_round):
    client.force_login(editor)
    assert client.get("/admin/tracker/assessmentround/").status_code == 200
    change = client.get(f"/admin/tracker/assessmentround/{secret_round.pk}/change/")
    assert change.status_code in (302, 404)
    team = TeamFactory(name="Insiders")
    team.members.add(editor)
    secret_round.agreement.teams.add(team)
    page = client.get(f"/admin/tracker/assessmentround/{secret_round.pk}/change/")
    assert page.status_code == 200
    assert 'name="cutoff"' not in page.content.decode()
    response = client.post(f"/admin/tracker/assessmentround/{secret_round.pk}/change/", {})
    assert response.status_code == 403
