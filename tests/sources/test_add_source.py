import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tracker.models import WatchedSource


@pytest.mark.django_db
def test_it_adds_a_source_for_its_agreements(agreement, capsys):
    call_command(
        "add_source",
        "--name",
        "MOFA",
        "--url",
        "https://mofa.example/feed.xml",
        "--agreement",
        agreement.slug,
        "--reliability",
        "B",
    )
    source = WatchedSource.objects.get(name="MOFA")
    assert (source.feed_url, source.reliability) == ("https://mofa.example/feed.xml", "B")
    assert list(source.agreements.all()) == [agreement]
    assert source.history.exists()
    assert "Added source MOFA" in capsys.readouterr().out


@pytest.mark.django_db
def test_it_names_an_unknown_agreement_and_adds_nothing():
    with pytest.raises(CommandError, match="no-such"):
        call_command(
            "add_source", "--name", "X", "--url", "https://x.example/", "--agreement", "no-such"
        )
    assert not WatchedSource.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x.example/feed", "not a url"])
def test_it_refuses_an_address_that_is_not_the_web(url):
    with pytest.raises(CommandError, match="--url"):
        call_command("add_source", "--name", "X", "--url", url)
    assert not WatchedSource.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_name_taken():
    call_command("add_source", "--name", "X", "--url", "https://x.example/")
    with pytest.raises(CommandError, match="exists already"):
        call_command("add_source", "--name", "X", "--url", "https://y.example/")
    assert WatchedSource.objects.get().feed_url == "https://x.example/"


@pytest.mark.django_db
def test_it_refuses_a_name_too_long():
    with pytest.raises(CommandError, match="--name"):
        call_command("add_source", "--name", "N" * 201, "--url", "https://x.example/")
    assert not WatchedSource.objects.exists()
