"""The beat entry `watch-sources` sent through Redis to a real worker, which watches the
sources and records the run; and the schedule's period from SOURCES_WATCH_MINUTES."""

from datetime import timedelta

import pytest

from tests.support import wait_for
from tracker.celery import app, beat_schedule
from tracker.models import Proposal, WatchRun

from .conftest import make_source


@pytest.mark.celery
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_beat_entry_watches_the_sources_through_redis_and_a_worker(
    celery_worker, feed_server, seed
):
    agreement, commitments = seed
    make_source(feed_server, "/feeds/rss.xml", agreement=agreement)
    entry = app.conf.beat_schedule["watch-sources"]
    app.send_task(entry["task"], args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))
    wait_for(
        lambda: WatchRun.objects.filter(finished_at__isnull=False).exists(), what="the watch run"
    )
    run = WatchRun.objects.get()
    assert (run.sources, run.new, run.proposed, run.failed) == (1, 3, 2, 0)
    assert Proposal.objects.filter(commitment=commitments["2.1"]).exists()


def test_the_watch_runs_every_sources_watch_minutes(settings):
    app.loader.import_default_modules()
    settings.SOURCES_WATCH_MINUTES = 45
    entry = beat_schedule()["watch-sources"]
    assert entry["schedule"] == timedelta(minutes=45)
    assert entry["task"] in app.tasks
