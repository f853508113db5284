"""Every URL pattern × every role × GET and POST has an expected answer.

The list of patterns comes from the URLconf itself: a new URL without an entry here fails
`test_every_url_pattern_has_an_entry`. The admin's own pages are covered by
`tests/test_admin_access.py`. The objects asked for belong to an agreement restricted to a
team: the viewer, analyst and editor are members; the outsider (an analyst) is not; the admin
sees everything.
"""

import datetime
import io
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tracker import services
from tracker.digests import unsubscribe_token
from tracker.models import Role, WatchedSource

from .factories import AgreementFactory, CommitmentFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "norole", "viewer", "analyst", "editor", "admin", "outsider"]
MEMBERS = ["viewer", "analyst", "editor", "admin"]
PDF = b"%PDF-1.4\n%%EOF\n"


@dataclass
class Expect:
    """Expected status codes by role, for one URL and one method."""

    default: int
    by_role: dict[str, int] = field(default_factory=dict)

    def for_role(self, role: str) -> int:
        return self.by_role.get(role, self.default)


def page(ok=200, *, outsider=None) -> Expect:
    """A page for anyone with a role: anonymous users go to sign in, no role is 403."""
    return Expect(ok, {"anonymous": 302, "norole": 403, "outsider": outsider or ok})


def restricted(ok=200) -> Expect:
    """A page of the restricted agreement: it does not exist for the outsider."""
    return page(ok, outsider=404)


def read_only() -> Expect:
    """POST to a page that only reads: refused after the sign-in and role checks."""
    return Expect(405, {"anonymous": 302, "norole": 403})


def editors_only(ok=200) -> Expect:
    return Expect(403, {"anonymous": 302, "editor": ok, "admin": ok})


def api(ok=200, *, viewer=None, outsider=None) -> Expect:
    """The API with a token: no token is 401, no role 403."""
    by_role = {"anonymous": 401, "norole": 403}
    if viewer is not None:
        by_role["viewer"] = viewer
    if outsider is not None:
        by_role["outsider"] = outsider
    return Expect(ok, by_role)


def api_read_only() -> Expect:
    return Expect(405, {"anonymous": 401, "norole": 403})


def everyone(status: int) -> Expect:
    return Expect(status)


def account(ok=200) -> Expect:
    """The user's own account: any signed-in user, with a role or not."""
    return Expect(ok, {"anonymous": 302})


@dataclass
class Entry:
    path: object  # (world) -> the URL to ask
    get: Expect
    post: Expect
    post_data: object = None  # (world) -> dict
    api: bool = False


def _url(name, **kwargs):
    return lambda world: reverse(name, kwargs={k: v(world) for k, v in kwargs.items()})


def _slug(world):
    return world["agreement"].slug


def _commitment(world):
    return world["commitment"].pk


def _evidence(world):
    return world["evidence"].pk


def _proposal(world):
    return world["proposal"].pk


def _reject_post(world):
    return {"action": "reject", "proposal": world["proposal"].pk}


def _decide() -> Expect:
    """The inbox's actions: analysts and up; the outsider cannot find the proposal."""
    return Expect(302, {"anonymous": 302, "norole": 403, "viewer": 403, "outsider": 404})


def _round_editors(ok: int) -> Expect:
    """A round's actions: editors and admins; the outsider cannot find the round."""
    by_role = {"anonymous": 302, "norole": 403, "outsider": 404, "editor": ok, "admin": ok}
    return Expect(403, by_role)


def _evidence_post(world):
    return {"action": "log-evidence", "summary": "Seen", "stance": "context",
            "reliability": "F", "credibility": "6"}  # fmt: skip


EXPECTED: dict[str, Entry] = {
    "tracker:overview": Entry(_url("tracker:overview"), page(), read_only()),
    "tracker:agreement-list": Entry(_url("tracker:agreement-list"), page(), read_only()),
    "tracker:agreement-detail": Entry(
        _url("tracker:agreement-detail", slug=_slug), restricted(), read_only()
    ),
    "tracker:agreement-export": Entry(
        _url("tracker:agreement-export", slug=_slug), restricted(), read_only()
    ),
    "tracker:commitment-detail": Entry(
        _url("tracker:commitment-detail", pk=_commitment),
        restricted(),
        Expect(302, {"norole": 403, "viewer": 403, "outsider": 404}),
        _evidence_post,
    ),
    "tracker:commitment-audit": Entry(
        _url("tracker:commitment-audit", pk=_commitment), restricted(), read_only()
    ),
    "tracker:evidence-attachment": Entry(
        _url("tracker:evidence-attachment", pk=_evidence), restricted(), read_only()
    ),
    "tracker:overdue": Entry(_url("tracker:overdue"), page(), read_only()),
    # The form without `a`; one agreement is refused (400) alike for members and outsiders.
    "tracker:compare": Entry(_url("tracker:compare"), page(), read_only()),
    "tracker:compare-csv": Entry(
        lambda w: reverse("tracker:compare-csv") + "?a=restricted", page(400), read_only()
    ),
    "tracker:inbox": Entry(_url("tracker:inbox"), page(), _decide(), _reject_post),
    # Signed by the feed reader, not a session: the world's source has no secret (404).
    "tracker:source-webhook": Entry(
        lambda world: reverse("tracker:source-webhook", kwargs={"pk": world["source"].pk}),
        everyone(405),
        everyone(404),
    ),
    "tracker:agreement-inbox": Entry(
        _url("tracker:agreement-inbox", slug=_slug), restricted(), _decide(), _reject_post
    ),
    # Assessment rounds (issue 21): round 1 published, round 2 open.
    "tracker:round-list": Entry(
        _url("tracker:round-list", slug=_slug),
        restricted(),
        _round_editors(200),  # the form's refusal: round 2 is not yet published
        lambda world: {"kind": "interim", "cutoff": "2026-06-01"},
    ),
    "tracker:round-detail": Entry(
        lambda world: reverse("tracker:round-detail", args=[_slug(world), 2]),
        restricted(),
        _round_editors(302),
        lambda world: {"action": "to-review"},
    ),
    "tracker:round-report": Entry(
        lambda world: reverse("tracker:round-report", args=[_slug(world), 1, "csv"]),
        restricted(),
        read_only(),
    ),
    "tracker:round-compare": Entry(
        lambda world: reverse("tracker:round-compare", args=[_slug(world), 1, 2]),
        restricted(),
        read_only(),
    ),
    "tracker:search": Entry(_url("tracker:search"), page(), read_only()),
    "tracker:draft": Entry(_url("tracker:draft"), editors_only(), editors_only(), lambda w: {}),
    "tracker:import": Entry(_url("tracker:import"), editors_only(), editors_only(), lambda w: {}),
    "tracker:calendar-feed": Entry(
        lambda world: reverse("tracker:calendar-feed", kwargs={"token": world["calendar_token"]}),
        # The secret in the URL is the credential; a user without a role gets an empty feed.
        Expect(200, {"anonymous": 404}),
        everyone(405),
    ),
    "tracker:preferences": Entry(
        _url("tracker:preferences"), page(), page(302), lambda w: {"digest_scope": "all"}
    ),
    # The language switcher: anyone, signed in or not (a cookie; a signed-in user's choice).
    "tracker:set-language": Entry(
        _url("tracker:set-language"), everyone(405), everyone(302), lambda w: {"language": "fr"}
    ),
    "tracker:notifications": Entry(
        _url("tracker:notifications"),
        page(),
        page(302),
        lambda w: {"action": "settings", "events-reminder_offsets": "7"},
    ),
    "tracker:agreement-follow": Entry(
        _url("tracker:agreement-follow", slug=_slug),
        read_only(),
        restricted(302),
        lambda w: {"follow": "1"},
    ),
    "tracker:unsubscribe": Entry(
        # The signed token in the URL is the credential (no sign-in), made for each role's user;
        # the anonymous visitor's is forged.
        lambda world: reverse("tracker:unsubscribe", kwargs={"token": world["unsubscribe_token"]}),
        Expect(200, {"anonymous": 400}),
        Expect(200, {"anonymous": 400}),
    ),
    "tracker:calendar-settings": Entry(_url("tracker:calendar-settings"), page(), page()),
    "tracker:api-token": Entry(_url("tracker:api-token"), page(), page()),
    "login": Entry(
        _url("login"),
        Expect(302, {"anonymous": 200}),
        Expect(302, {"anonymous": 200}),
        lambda w: {"username": "nobody", "password": "wrong"},
    ),
    "logout": Entry(_url("logout"), everyone(405), everyone(302)),
    "password_change": Entry(_url("password_change"), account(), account(), lambda w: {}),
    "password_change_done": Entry(_url("password_change_done"), account(), account(405)),
    "healthz": Entry(_url("healthz"), everyone(200), everyone(405)),
    "favicon": Entry(_url("favicon"), everyone(302), everyone(405)),
    "api-token-obtain": Entry(
        _url("api-token-obtain"), everyone(405), everyone(400), lambda w: {}, api=True
    ),
    "api-party-list": Entry(_url("api-party-list"), api(), api_read_only(), api=True),
    "api-party-detail": Entry(
        lambda w: reverse("api-party-detail", kwargs={"code": "PAK"}),
        api(),
        api_read_only(),
        api=True,
    ),
    "api-agreement-list": Entry(_url("api-agreement-list"), api(), api_read_only(), api=True),
    "api-compare": Entry(
        lambda w: reverse("api-compare") + "?a=restricted", api(400), api_read_only(), api=True
    ),
    "api-agreement-detail": Entry(
        _url("api-agreement-detail", slug=_slug), api(outsider=404), api_read_only(), api=True
    ),
    # PATCH only (its roles: tests/api/test_pending_events.py).
    "api-agreement-milestone": Entry(
        lambda w: reverse(
            "api-agreement-milestone",
            kwargs={
                "slug": w["agreement"].slug,
                "milestone_id": w["agreement"].milestones.get().pk,
            },
        ),
        api_read_only(),
        api_read_only(),
        api=True,
    ),
    "api-commitment-list": Entry(_url("api-commitment-list"), api(), api_read_only(), api=True),
    "api-commitment-detail": Entry(
        _url("api-commitment-detail", pk=_commitment),
        api(outsider=404),
        api_read_only(),
        api=True,
    ),
    "api-commitment-change-status": Entry(
        _url("api-commitment-change-status", pk=_commitment),
        api_read_only(),
        api(201, viewer=403, outsider=404),
        lambda w: {"status": "stalled", "reason": "matrix", "version": w["commitment"].version},
        api=True,
    ),
    "api-commitment-change-party-status": Entry(
        _url("api-commitment-change-party-status", pk=_commitment, party=lambda w: "PAK"),
        api_read_only(),
        api(201, viewer=403, outsider=404),
        lambda w: {
            "status": "stalled",
            "reason": "matrix",
            "version": w["commitment"].obligations.get(party__code="PAK").version,
        },
        api=True,
    ),
    "api-commitment-log-evidence": Entry(
        _url("api-commitment-log-evidence", pk=_commitment),
        api_read_only(),
        api(201, viewer=403, outsider=404),
        lambda w: {"summary": "Seen through the API", "stance": "context"},
        api=True,
    ),
    "api-commitment-add-criterion": Entry(
        _url("api-commitment-add-criterion", pk=_commitment),
        api_read_only(),
        Expect(
            403, {"anonymous": 401, "norole": 403, "editor": 201, "admin": 201, "outsider": 404}
        ),
        lambda w: {"text": "Seen through the API"},
        api=True,
    ),
    "api-commitment-criterion-met": Entry(
        _url(
            "api-commitment-criterion-met",
            pk=_commitment,
            criterion_id=lambda w: w["criterion"].pk,
        ),
        api_read_only(),
        api(200, viewer=403, outsider=404),
        lambda w: {"met_on": "2026-03-01"},
        api=True,
    ),
    "api-evidence-list": Entry(_url("api-evidence-list"), api(), api_read_only(), api=True),
    "api-evidence-detail": Entry(
        _url("api-evidence-detail", pk=_evidence), api(outsider=404), api_read_only(), api=True
    ),
    "api-evidence-retract": Entry(
        _url("api-evidence-retract", pk=_evidence),
        api_read_only(),
        api(200, viewer=403, outsider=404),
        lambda w: {"reason": "matrix"},
        api=True,
    ),
    "api-statuschange-list": Entry(_url("api-statuschange-list"), api(), api_read_only(), api=True),
    "api-statuschange-detail": Entry(
        lambda w: reverse("api-statuschange-detail", kwargs={"pk": w["status_change"].pk}),
        api(outsider=404),
        api_read_only(),
        api=True,
    ),
    "tracker:followed-feed": Entry(
        lambda world: reverse("tracker:followed-feed", kwargs={"token": world["calendar_token"]}),
        # The calendar's secret is this feed's credential too; no role: an empty feed.
        Expect(200, {"anonymous": 404}),
        everyone(405),
    ),
    # Public pages (issue 22): no sign-in; the world's agreement is restricted, so every
    # address of it is a missing page for everyone, admins included.
    "public:agreement-list": Entry(_url("public:agreement-list"), everyone(200), everyone(405)),
    "public:agreement-detail": Entry(
        _url("public:agreement-detail", slug=_slug), everyone(404), everyone(405)
    ),
    "public:agreement-feed": Entry(
        _url("public:agreement-feed", slug=_slug), everyone(404), everyone(405)
    ),
    "public:agreement-embed": Entry(
        _url("public:agreement-embed", slug=_slug), everyone(404), everyone(405)
    ),
    "public:commitment-detail": Entry(
        _url("public:commitment-detail", pk=_commitment), everyone(404), everyone(405)
    ),
    "public:feed": Entry(_url("public:feed"), everyone(200), everyone(405)),
    "public:oembed": Entry(
        lambda w: (
            reverse("public:oembed") + f"?url={settings.SITE_URL}/public/agreements/{_slug(w)}/"
        ),
        everyone(404),
        everyone(405),
    ),
    "public:open-data": Entry(_url("public:open-data"), everyone(200), everyone(405)),
    "public:open-data-csv": Entry(_url("public:open-data-csv"), everyone(200), everyone(405)),
    "public:open-data-json": Entry(_url("public:open-data-json"), everyone(200), everyone(405)),
    "public:codebook": Entry(_url("public:codebook"), everyone(200), everyone(405)),
    "public:codebook-file": Entry(_url("public:codebook-file"), everyone(200), everyone(405)),
    "api-proposal-list": Entry(_url("api-proposal-list"), api(), api_read_only(), api=True),
    "api-proposal-detail": Entry(
        _url("api-proposal-detail", pk=_proposal), api(outsider=404), api_read_only(), api=True
    ),
    "api-proposal-accept": Entry(
        _url("api-proposal-accept", pk=_proposal),
        api_read_only(),
        api(201, viewer=403, outsider=404),
        lambda w: {"stance": "progress", "credibility": 2, "claimed_by": None},
        api=True,
    ),
    "api-proposal-reject": Entry(
        _url("api-proposal-reject", pk=_proposal),
        api_read_only(),
        api(200, viewer=403, outsider=404),
        lambda w: {"reason": "matrix"},
        api=True,
    ),
    "api-schema": Entry(_url("api-schema"), everyone(200), everyone(405)),
    "api-docs": Entry(_url("api-docs"), everyone(200), everyone(405)),
}


def _names(patterns, namespace="") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_pattern_has_an_entry():
    names = _names(get_resolver().url_patterns)
    assert names - set(EXPECTED) == set(), "new URLs need an entry in the access matrix"
    assert set(EXPECTED) - names == set(), "entries for URLs that no longer exist"


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    team = TeamFactory(name="Desk")
    users = {
        "norole": UserFactory(username="norole"),
        "viewer": UserFactory(username="viewer", role=Role.VIEWER),
        "analyst": UserFactory(username="analyst", role=Role.ANALYST),
        "editor": UserFactory(username="editor", role=Role.EDITOR, is_staff=True),
        "admin": UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True),
        "outsider": UserFactory(username="outsider", role=Role.ANALYST),
    }
    team.members.add(users["viewer"], users["analyst"], users["editor"])
    from .factories import PartyFactory

    agreement = AgreementFactory(
        slug="restricted", parties=[PartyFactory(code="PAK"), PartyFactory(code="AFG")]
    )
    agreement.teams.add(team)
    commitment = CommitmentFactory(agreement=agreement)
    evidence = services.evidence_log(
        commitment=commitment,
        by=users["analyst"],
        summary="Minutes",
        attachment=SimpleUploadedFile("minutes.pdf", PDF),
    )
    change = services.commitment_set_status(
        commitment=commitment, status="in_progress", reason="begun", by=users["analyst"]
    )
    item = services.NewItem(
        canonical_url="https://news.example/1",
        title="Patrols began",
        excerpt="",
        published_on=None,
        matches=[services.Match(commitment_id=commitment.pk, score=0.9, matched_words=[])],
    )
    source = WatchedSource.objects.create(name="News", feed_url="https://news.example/feed")
    services.items_record(source=source, item=item, at=timezone.now())
    _rounds(agreement, users["admin"])
    return {
        "users": users,
        "agreement": agreement,
        "commitment": commitment,
        "evidence": evidence,
        "status_change": change,
        "criterion": services.criterion_add(commitment=commitment, text="Patrol", by=None),
        "proposal": commitment.proposals.get(),
        "source": source,
    }


def _rounds(agreement, admin) -> None:
    first = services.round_open(
        agreement=agreement, kind="interim", cutoff=datetime.date(2026, 3, 1), by=admin
    )
    services.round_to_review(round_=first, by=admin)
    services.round_publish(round_=first, by=admin)
    services.round_open(
        agreement=agreement, kind="final", cutoff=datetime.date(2026, 6, 1), by=admin
    )


def _client(client, world, role: str, entry: Entry):
    user = world["users"].get(role)
    world["calendar_token"] = user.calendar_token if user else "0" * 43
    world["unsubscribe_token"] = unsubscribe_token(user) if user else "forged:token"
    if entry.api:
        from rest_framework.test import APIClient

        api_client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return api_client
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_answer_is_the_expected_one(client, world, name, role, method):
    entry = EXPECTED[name]
    expected = (entry.get if method == "GET" else entry.post).for_role(role)
    http = _client(client, world, role, entry)
    url = entry.path(world)
    if method == "GET":
        response = http.get(url)
    else:
        data = entry.post_data(world) if entry.post_data else {}
        response = http.post(url, data, format="json") if entry.api else http.post(url, data)
    if hasattr(response, "streaming_content"):
        io.BytesIO(b"".join(response.streaming_content))
    assert response.status_code == expected, (
        f"{method} {url} as {role}: {response.status_code}, expected {expected}"
    )
