"""The admin's delivery log (read-only) and the scan's runs."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tracker import services
from tracker.models import DigestDelivery, DigestStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliveries(analyst, viewer):
    now = timezone.now()
    return [
        DigestDelivery.objects.create(
            user=analyst, week="2026-W12", status=DigestStatus.SENT, sent_at=now, attempts=1
        ),
        DigestDelivery.objects.create(
            user=viewer,
            week="2026-W12",
            status=DigestStatus.FAILED,
            attempts=5,
            last_error="attempt 5: SMTPRecipientsRefused: 451 mailbox busy",
        ),
    ]


def test_admins_read_who_got_which_week_and_what_failed(client, admin_user, deliveries):
    client.force_login(admin_user)
    response = client.get(reverse("admin:tracker_digestdelivery_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026-W12" in html
    assert "SMTPRecipientsRefused: 451 mailbox busy" in html
    assert "analyst" in html
    assert "viewer" in html


def test_the_log_is_read_only(client, admin_user, deliveries):
    client.force_login(admin_user)
    delivery = deliveries[1]
    change = reverse("admin:tracker_digestdelivery_change", args=[delivery.pk])
    response = client.post(change, {"status": "sent"})
    assert response.status_code == 403
    assert client.get(reverse("admin:tracker_digestdelivery_add")).status_code == 403
    delivery.refresh_from_db()
    assert delivery.status == DigestStatus.FAILED


def test_editors_do_not_see_the_log(editor_client, deliveries):
    response = editor_client.get(reverse("admin:tracker_digestdelivery_changelist"))
    assert response.status_code == 403


def test_admins_see_the_scans_runs(client, admin_user):
    run = services.overdue_scan(today=datetime.date(2026, 3, 10))
    client.force_login(admin_user)
    response = client.get(reverse("admin:tracker_jobrun_changelist"))
    assert response.status_code == 200
    assert reverse("admin:tracker_jobrun_change", args=[run.pk]) in response.content.decode()
