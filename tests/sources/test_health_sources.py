"""`/healthz` tells what the latest watch run did, in counts only, and never changes its status
for a failing feed."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tracker.models import JobName, JobRun
from tracker.sources.watch import watch

from .conftest import make_source

pytestmark = pytest.mark.django_db


def _body(client) -> dict:
    return json.loads(client.get(reverse("healthz")).content)


def test_before_any_run_it_says_so(client):
    assert _body(client)["sources"]["detail"] == "no watch run yet"


def test_a_failed_source_is_counted_not_named_and_the_status_stays(client, feed_server, seed):
    agreement, _ = seed
    started = timezone.now() - timedelta(minutes=1)
    JobRun.objects.create(job=JobName.FLAG_OVERDUE, started_at=started, finished_at=started)
    make_source(feed_server, "/feeds/rss.xml", name="MOFA", agreement=agreement)
    make_source(feed_server, "/missing", name="Secret ministry feed", agreement=agreement)
    watch()
    body = _body(client)
    assert body["sources"]["ok"] is False
    detail = body["sources"]["detail"]
    assert "2 sources, fetched 5, new 3, proposed 2, skipped 2, failed 1" in detail
    assert "Secret" not in detail
    assert body["status"] in ("ok", "degraded")
    assert body["status"] == ("ok" if body["broker"]["ok"] else "degraded")
