"""A real HTTP server on 127.0.0.1, started in a thread for the test, serving the recorded
feeds and pages of tests/data/feeds/ (with ETag and Last-Modified, answering 304 to a
conditional GET that matches) and the hostile answers: a body too large, one that trickles,
a redirect to a private address, a redirect loop."""

import contextlib
import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.factories import AgreementFactory, CommitmentFactory, PartyFactory
from tracker import services
from tracker.models import WatchedSource

FEEDS = Path(__file__).resolve().parent.parent / "data" / "feeds"
LAST_MODIFIED = "Thu, 08 Oct 2026 10:00:00 GMT"


class FeedHandler(BaseHTTPRequestHandler):
    server_version = "RecordedFeeds/1"

    def log_message(self, format, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self.server.requests.append((self.path, dict(self.headers)))
        path = self.path.split("?")[0]
        if path.startswith("/feeds/") or path.startswith("/pages/"):
            return self._file(FEEDS / path.rsplit("/", 1)[1])
        route = {
            "/huge": self._huge,
            "/huge-declared": self._huge_declared,
            "/slow": self._slow,
            "/redirect-private": lambda: self._redirect("http://169.254.169.254/latest/meta-data"),
            "/redirect-localhost": lambda: self._redirect("http://localhost:9/feed"),
            "/redirect-ok": lambda: self._redirect("/feeds/rss.xml"),
            "/loop": lambda: self._redirect("/loop"),
            "/redirect-bad-port": lambda: self._redirect("http://127.0.0.1:999999/feed"),
            "/missing": lambda: self._answer(404, b"no such feed"),
        }.get(path)
        if route is None:
            return self._answer(404, b"no such path")
        return route()

    def _answer(self, status: int, body: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _file(self, file: Path) -> None:
        if not file.is_file():
            return self._answer(404, b"no such file")
        body = file.read_bytes().replace(b"{base}", self.server.base.encode())
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            return self._answer(304, b"", {"ETag": etag})
        kind = "text/html; charset=utf-8" if file.suffix == ".html" else "application/rss+xml"
        self._answer(
            200, body, {"ETag": etag, "Last-Modified": LAST_MODIFIED, "Content-Type": kind}
        )

    def _redirect(self, location: str) -> None:
        self._answer(302, b"", {"Location": location})

    def _huge(self) -> None:
        """No Content-Length: the cap must stop the reading."""
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.end_headers()
        chunk = b"<!-- " + b"x" * 65_000 + b" -->\n"
        try:
            for _ in range(200):  # 13 MB
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _huge_declared(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(50 * 1024 * 1024))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(b"<rss>")

    def _slow(self) -> None:
        """A byte every 0.3 seconds, for ever: each read is quick, the whole never ends."""
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.end_headers()
        try:
            for _ in range(100):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.3)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture
def feed_server(settings):
    """The server's base address; its `requests` lists (path, headers) as they came."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), FeedHandler)
    server.daemon_threads = True
    server.requests = []
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SOURCES_ALLOW_PRIVATE_HOSTS = ["127.0.0.1"]
    settings.SOURCES_HOST_INTERVAL_SECONDS = 0
    settings.SOURCES_FETCH_DEADLINE_SECONDS = 2
    settings.SOURCES_READ_TIMEOUT_SECONDS = 2
    settings.SOURCES_MAX_BYTES = 512 * 1024
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def seed(db):
    """The seed agreement's open commitments that the recorded feeds speak of."""
    afg = PartyFactory(code="AFG", name="Afghanistan")
    pak = PartyFactory(code="PAK", name="Pakistan")
    agreement = AgreementFactory(slug="pak-afg", parties=[afg, pak])
    titles = {
        "1.1": "Improve intelligence exchange on terrorist activities and movements",
        "2.1": "Create joint border patrols",
        "4.2": "Launch community outreach programmes in border districts",
        "5.1": "Share actionable intelligence to thwart planned attacks",
        "5.3": "Run public awareness campaigns on the dangers of radicalisation",
    }
    commitments = {
        reference: CommitmentFactory(agreement=agreement, reference=reference, title=title)
        for reference, title in titles.items()
    }
    return agreement, commitments


def make_source(server, path: str, *, agreement=None, **fields) -> WatchedSource:
    source = WatchedSource(name=fields.pop("name", path), feed_url=server.base + path, **fields)
    return services.source_save(source=source, agreements=[agreement] if agreement else [], by=None)


def propose(commitment, url: str, *, title: str = "Joint border patrols begin", source=None):
    """A waiting proposal for `commitment`, as the watcher records one."""
    from django.utils import timezone

    source = (
        source
        or WatchedSource.objects.get_or_create(
            name="Frontier News",
            defaults={"feed_url": "https://frontier.example/feed", "reliability": "B"},
        )[0]
    )
    item = services.NewItem(
        canonical_url=url,
        title=title,
        excerpt=f"{title}: troops of both sides walked the line.",
        published_on=timezone.localdate(),
        matches=[services.Match(commitment_id=commitment.pk, score=0.8, matched_words=["patrols"])],
    )
    services.items_record(source=source, item=item, at=timezone.now())
    return commitment.proposals.get(canonical_url=url)
