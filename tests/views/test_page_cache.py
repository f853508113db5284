"""Every list and detail page caches its expensive part until the data changes
(tracker/pagecache.py): a second visit costs fewer queries and shows the same thing; a write
shows at once; users who may see or do different things never share a fragment; and a cached
form carries the requesting user's own CSRF token."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tracker import services
from tracker.models import CommitmentStatus, Evidence, Role

from ..factories import AgreementFactory, CommitmentFactory, TeamFactory, UserFactory
from .conftest import TODAY

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _pages(agreement, commitment) -> dict[str, tuple[str, dict]]:
    return {
        "agreement list": (reverse("tracker:agreement-list"), {}),
        "agreement list fragment": (
            reverse("tracker:agreement-list") + "?sort=title",
            {**HTMX, "HTTP_HX_TARGET": "agreements-table"},
        ),
        "agreement page": (agreement.get_absolute_url(), {}),
        "commitments table fragment": (
            agreement.get_absolute_url() + "?sort=due",
            {**HTMX, "HTTP_HX_TARGET": "commitments-table"},
        ),
        "commitment page": (commitment.get_absolute_url(), {}),
        "overdue page": (reverse("tracker:overdue"), {}),
        "search": (reverse("tracker:search") + "?q=patrols", {}),
        "search, one kind": (reverse("tracker:search") + "?q=patrols&kind=commitments", {}),
        "api list": ("/api/v1/commitments/", {}),
    }


def _get(client, url: str, headers: dict) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200, url
    return _without_tokens(response.content.decode()), len(queries)


def _without_tokens(html: str) -> str:
    """The page minus what differs on every response: CSRF tokens (masked anew each time)."""
    html = TOKEN.sub("", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


@pytest.fixture
def agreement(db):
    """Named for what the pages are searched and checked for, signed on 31 January 2026."""
    return AgreementFactory(title="Border patrols accord", signed_on=datetime.date(2026, 1, 31))


@pytest.fixture
def late(agreement):
    late = CommitmentFactory(
        agreement=agreement, title="Create joint border patrols", timeline_wording="within 1 month"
    )
    services.overdue_scan(today=TODAY)
    return late


def test_a_second_visit_is_cheaper_and_shows_the_same(analyst_client, agreement, late):
    for name, (url, headers) in _pages(agreement, late).items():
        first, cold = _get(analyst_client, url, headers)
        second, warm = _get(analyst_client, url, headers)
        assert warm < cold, name
        assert second == first, name
        assert "border patrols" in first.lower(), name


def test_every_page_shows_a_write_at_once(analyst_client, analyst, agreement, late):
    pages = _pages(agreement, late)
    for url, headers in pages.values():
        _get(analyst_client, url, headers)
    services.commitment_set_status(
        commitment=late, status=CommitmentStatus.IMPLEMENTED, reason="patrols run", by=analyst
    )
    for name, (url, headers) in pages.items():
        html, _ = _get(analyst_client, url, headers)
        if name == "overdue page":
            assert "Nothing is overdue" in html, name
        elif name == "api list":
            assert '"status":"implemented"' in html.replace(" ", ""), name
        elif name.startswith("agreement list"):
            assert 'value="100"' in html, name  # the score meter
        else:
            assert "Implemented" in html, name


def test_the_query_string_is_part_of_the_key(analyst_client, agreement, late):
    CommitmentFactory(agreement=agreement, title="Exchange prisoners")
    url, table = agreement.get_absolute_url(), {**HTMX, "HTTP_HX_TARGET": "commitments-table"}
    assert "Exchange prisoners" in _get(analyst_client, url, table)[0]
    only_late, _ = _get(analyst_client, url + "?overdue=yes", table)
    assert "border patrols" in only_late
    assert "Exchange prisoners" not in only_late


def test_users_who_see_different_agreements_never_share_a_page(client, analyst_client, analyst):
    team = TeamFactory()
    team.members.add(analyst)
    secret = AgreementFactory(title="Hidden border patrols channel")
    secret.teams.add(team)
    hidden = CommitmentFactory(
        agreement=secret, title="Hidden border patrols", timeline_wording="within 1 month"
    )
    services.overdue_scan(today=TODAY)
    urls = [
        url
        for name, (url, _) in _pages(secret, hidden).items()
        if name not in {"agreement page", "commitments table fragment", "commitment page"}
    ]
    for url in urls:
        assert "Hidden border patrols" in _get(analyst_client, url, {})[0], url
    outsider = UserFactory(username="outsider", role=Role.ANALYST)
    client.force_login(outsider)
    for url in urls:
        assert "Hidden border patrols" not in _get(client, url, {})[0], url
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_a_viewer_never_gets_the_analysts_forms(client, analyst_client, viewer, late):
    url = late.get_absolute_url()
    assert 'id="evidence-form"' in _get(analyst_client, url, {})[0]
    client.force_login(viewer)
    html, _ = _get(client, url, {})
    assert 'id="evidence-form"' not in html
    assert "border patrols" in html


def test_a_cached_form_carries_the_readers_own_token(analyst, late):
    """The second analyst gets the page the first one cached; its form must post with the
    second analyst's token (a token is checked against the session's secret)."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(analyst)
    second.force_login(UserFactory(username="second", role=Role.ANALYST))
    url = late.get_absolute_url()
    first.get(url)
    page = second.get(url).content.decode()
    assert "csrf-" not in page  # no placeholder left behind
    form = page[page.index('id="evidence-form"') :]
    token = TOKEN.search(form).group(1)
    response = second.post(
        url,
        {
            "csrfmiddlewaretoken": token,
            "action": "log-evidence",
            "summary": "Patrols seen on the road",
            "stance": "progress",
            "reliability": "B",
            "credibility": "2",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert Evidence.objects.filter(commitment=late, logged_by__username="second").exists()


def test_a_restricted_agreement_cached_for_its_team_stays_hidden(analyst_client, analyst):
    """The agreement and commitment behind a page are cached by who may see them
    (views/common.py): a member's visit never opens them to an outsider, and a change of
    teams counts from the next request, both ways."""
    team = TeamFactory()
    team.members.add(analyst)
    secret = AgreementFactory(title="Hidden channel")
    secret.teams.add(team)
    hidden = CommitmentFactory(agreement=secret, title="Hidden border patrols")
    urls = [secret.get_absolute_url(), hidden.get_absolute_url()]
    for url in urls:
        assert "Hidden" in _get(analyst_client, url, {})[0], url
    outsider = UserFactory(username="outsider", role=Role.ANALYST)
    client = Client()
    client.force_login(outsider)
    assert [client.get(url).status_code for url in urls] == [404, 404]
    team.members.add(outsider)
    assert [client.get(url).status_code for url in urls] == [200, 200]
    team.members.remove(analyst)
    assert [analyst_client.get(url).status_code for url in urls] == [404, 404]


def test_a_revoked_permission_counts_from_the_next_request(analyst_client, analyst, late):
    """Permission sets are cached too (tracker/auth_backends.py), until the data changes:
    taking a permission from the role's group, or the role from the user, shows at once."""
    from django.contrib.auth.models import Group, Permission

    url = late.get_absolute_url()
    assert 'id="evidence-form"' in _get(analyst_client, url, {})[0]
    group = Group.objects.get(name=Role.ANALYST.label)
    group.permissions.remove(Permission.objects.get(codename="add_evidence"))
    assert 'id="evidence-form"' not in _get(analyst_client, url, {})[0]
    posted = analyst_client.post(url, {"action": "log-evidence", "summary": "Patrols seen"})
    assert posted.status_code == 403
    analyst.groups.clear()
    assert analyst_client.get(url).status_code == 403
    assert not Evidence.objects.filter(commitment=late).exists()


def test_sign_ins_and_idle_scans_keep_the_cache(analyst, late):
    """Writes no cached page shows leave the data version alone: otherwise every sign-in and
    every scan (every 15 minutes, whether or not anything changed) would empty the cache."""
    from tracker import pagecache

    version = pagecache.data_version()
    credentials = {"username": analyst.username, "password": "pass-for-tests"}
    assert Client().post(reverse("login"), credentials).status_code == 302
    analyst.refresh_from_db()
    assert analyst.last_login is not None
    services.overdue_scan(today=TODAY)  # `late` was flagged already: nothing to change
    assert pagecache.data_version() == version
    analyst.first_name = "Renamed"  # shown beside their evidence and status changes
    analyst.save()
    assert pagecache.data_version() != version


def test_a_request_sees_its_own_write(analyst_client, late):
    """The data version is read once per request (pagecache.version_per_request); a write
    in that request moves it on, so the fragment it answers with is rebuilt, not the one
    cached before."""
    url = late.get_absolute_url()
    _get(analyst_client, url, {})  # the activity, cached
    evidence = {
        "action": "log-evidence",
        "summary": "Patrols seen at Torkham",
        "stance": "progress",
        "reliability": "B",
        "credibility": "2",
    }
    response = analyst_client.post(url, evidence, **HTMX)
    assert response.status_code == 200
    assert "Patrols seen at Torkham" in response.content.decode()


def test_a_deployment_empties_the_cache(db):
    """Every deployment runs migrate; fragments rendered by the previous code's templates,
    and objects pickled with its fields, must not outlive it."""
    from django.core.management import call_command

    from tracker import pagecache

    version = pagecache.data_version()
    call_command("migrate", verbosity=0, interactive=False)
    assert pagecache.data_version() != version
