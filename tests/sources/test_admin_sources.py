"""The admin of watched sources: saved through the service, only visible agreements offered,
hidden ones kept when an outsider edits; the run figures shown, never edited."""

import pytest
from django.urls import reverse

from tracker.models import WatchedSource
from tracker.sources.watch import watch

from .conftest import make_source

pytestmark = pytest.mark.django_db
ADD = reverse("admin:tracker_watchedsource_add")


def _form(**changes) -> dict:
    data = {
        "name": "MOFA",
        "feed_url": "https://mofa.example/feed.xml",
        "language": "en",
        "reliability": "B",
        "enabled": "on",
        "webhook_secret": "",
    }
    data.update(changes)
    return data


def test_an_editor_adds_a_source_for_a_visible_agreement(editor_client, editor, agreement):
    response = editor_client.post(ADD, _form(agreements=[agreement.pk]))
    assert response.status_code == 302
    source = WatchedSource.objects.get()
    assert list(source.agreements.all()) == [agreement]
    assert source.history.latest().history_user == editor


def test_a_hidden_agreement_is_neither_offered_nor_accepted(
    editor_client, agreement, restricted_agreement
):
    page = editor_client.get(ADD).content.decode()
    assert agreement.title in page
    assert restricted_agreement.title not in page
    response = editor_client.post(ADD, _form(agreements=[restricted_agreement.pk]))
    assert response.status_code == 200
    assert not WatchedSource.objects.exists()


def test_an_outsiders_edit_keeps_the_hidden_agreements(
    editor_client, agreement, restricted_agreement
):
    from tests.factories import AgreementFactory

    source = WatchedSource.objects.create(name="MOFA", feed_url="https://mofa.example/feed.xml")
    source.agreements.set([restricted_agreement, AgreementFactory()])
    url = reverse("admin:tracker_watchedsource_change", args=[source.pk])
    response = editor_client.post(url, _form(agreements=[agreement.pk]))
    assert response.status_code == 302
    assert set(source.agreements.all()) == {agreement, restricted_agreement}


def test_a_bad_address_is_an_error_beside_the_field(editor_client):
    response = editor_client.post(ADD, _form(feed_url="javascript:alert(1)"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["feed_url"]
    assert not WatchedSource.objects.exists()


def test_the_runs_and_fetches_are_shown_read_only(admin_client, feed_server, seed):
    agreement, _ = seed
    make_source(feed_server, "/missing", name="Gone", agreement=agreement)
    watch()
    fetches = admin_client.get(reverse("admin:tracker_sourcefetch_changelist")).content.decode()
    assert "HTTP 404" in fetches
    assert admin_client.get(reverse("admin:tracker_watchrun_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:tracker_watchrun_add")).status_code == 403


def test_keywords_are_saved_tidied_for_a_visible_commitment_only(
    editor_client, commitment, restricted_agreement
):
    from tracker.models import CommitmentKeywords

    add = reverse("admin:tracker_commitmentkeywords_add")
    data = {"commitment": commitment.pk, "language": "en", "words": " Torkham ,, patrol  "}
    assert editor_client.post(add, data).status_code == 302
    assert CommitmentKeywords.objects.get().words == "Torkham, patrol"
    hidden = restricted_agreement.commitments.get()
    response = editor_client.post(add, {**data, "commitment": hidden.pk, "language": "fr"})
    assert response.status_code == 200
    assert CommitmentKeywords.objects.count() == 1


def test_a_source_of_hidden_agreements_only_is_absent_for_an_outsider(
    editor_client, admin_client, agreement, restricted_agreement
):
    hidden = WatchedSource.objects.create(name="Inner feed", feed_url="https://in.example/f")
    hidden.agreements.set([restricted_agreement])
    both = WatchedSource.objects.create(name="Both feed", feed_url="https://both.example/f")
    both.agreements.set([restricted_agreement, agreement])
    WatchedSource.objects.create(name="Loose feed", feed_url="https://loose.example/f")
    listing = reverse("admin:tracker_watchedsource_changelist")
    page = editor_client.get(listing).content.decode()
    assert "Inner feed" not in page
    assert "Both feed" in page
    assert "Loose feed" in page
    change = reverse("admin:tracker_watchedsource_change", args=[hidden.pk])
    assert editor_client.get(change).status_code in (302, 404)
    assert "Inner feed" in admin_client.get(listing).content.decode()


def test_an_outsider_sees_no_fetch_of_a_hidden_source(
    editor_client, feed_server, seed, restricted_agreement
):
    agreement, _ = seed
    make_source(feed_server, "/missing", name="Inner feed", agreement=restricted_agreement)
    make_source(feed_server, "/missing", name="Open feed", agreement=agreement)
    watch()
    page = editor_client.get(reverse("admin:tracker_sourcefetch_changelist")).content.decode()
    assert "Open feed" in page
    assert "Inner feed" not in page
