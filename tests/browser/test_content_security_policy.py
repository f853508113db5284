"""The strict Content-Security-Policy breaks nothing: no page, the admin's included, makes
the browser refuse a script or a style."""

import pytest

from tracker.models import Role

from ..factories import CommitmentFactory, EvidenceFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_no_page_trips_the_policy(sign_in, live_server):
    editor = UserFactory(username="ed", role=Role.EDITOR, is_staff=True)
    commitment = CommitmentFactory()
    EvidenceFactory(commitment=commitment)
    page = sign_in(editor)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    agreement = commitment.agreement
    for path in [
        "/",
        "/agreements/",
        agreement.get_absolute_url(),
        commitment.get_absolute_url(),
        "/overdue/",
        "/search/?q=commitment",
        "/admin/",
        f"/admin/tracker/agreement/{agreement.pk}/change/",
        f"/admin/tracker/commitment/{commitment.pk}/change/",
        "/admin/tracker/commitment/",
    ]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    assert violations == []
