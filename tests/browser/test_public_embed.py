"""The public pages in Chromium (issue 22): the card works inside an iframe of another
origin, a page that is not the card is refused there, and the public pages trip no
Content-Security-Policy rule while their filters work."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from tracker import services

from ..factories import AgreementFactory, CommitmentFactory
from .test_accessibility import _violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def public_agreement():
    agreement = AgreementFactory(title="Framed accord", slug="framed-accord")
    CommitmentFactory(agreement=agreement, reference="1.1", title="Open the crossing")
    CommitmentFactory(agreement=agreement, reference="1.2", title="Hold the talks")
    agreement.is_public = True
    return services.agreement_save(agreement=agreement, parties=agreement.parties.all())


@pytest.fixture
def other_origin(live_server):
    """A second site (another port: another origin) whose page frames the card and the
    agreement's public page."""
    page = (
        "<!DOCTYPE html><html><head><title>A news site</title></head><body>"
        f'<iframe name="card" src="{live_server.url}/public/agreements/framed-accord/embed/"'
        ' width="420" height="240"></iframe>'
        f'<iframe name="page" src="{live_server.url}/public/agreements/framed-accord/"'
        ' width="420" height="240"></iframe></body></html>'
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_the_card_shows_in_another_sites_frame_and_the_page_is_refused(
    page, public_agreement, other_origin
):
    refusals = []
    page.on(
        "console",
        lambda message: refusals.append(message.text) if "frame" in message.text else None,
    )
    page.goto(other_origin)
    page.wait_for_load_state("networkidle")
    card = page.frame(name="card")
    assert card.locator("#card-title").inner_text() == "Framed accord"
    assert card.locator("#card-overdue").inner_text() == "0 of 2"
    framed_page = page.frame(name="page")
    assert framed_page.locator("#main").count() == 0
    assert any("frame-ancestors" in text or "X-Frame-Options" in text for text in refusals)


def test_the_public_pages_trip_no_policy_and_filter_in_place(page, live_server, public_agreement):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    commitment = public_agreement.commitments.order_by("sort_key").first()
    for path in [
        "/public/",
        f"/public/commitments/{commitment.pk}/",
        "/public/agreements/framed-accord/embed/",
        "/public/data/",
        "/public/agreements/framed-accord/",
    ]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    assert violations == []
    page.evaluate("window.__noReload = true")
    page.fill("#id_q", "crossing")
    expect(page.locator("#commitments-table tbody tr")).to_have_count(1)
    assert "Open the crossing" in page.locator("#commitments-table").inner_text()
    assert page.evaluate("window.__noReload === true")


@pytest.mark.parametrize(
    "path",
    [
        "/public/",
        "/public/agreements/framed-accord/",
        "COMMITMENT",
        "/public/agreements/framed-accord/embed/",
        "/public/data/",
    ],
)
def test_the_public_pages_are_accessible(page, live_server, public_agreement, path):
    if path == "COMMITMENT":
        path = f"/public/commitments/{public_agreement.commitments.order_by('sort_key')[0].pk}/"
    page.goto(f"{live_server.url}{path}")
    assert _violations(page) == []
