import datetime

import pytest

from tracker.models import CommitmentStatus, Role

from .factories import AgreementFactory, CommitmentFactory, TeamFactory, UserFactory


def pytest_collection_modifyitems(items):
    """Every test that commits rolls back to the migrated data (`serialized_rollback`). The
    flush after one that did not makes the role groups again under new ids (`post_migrate`),
    and the next test that restores the migrated data then collides with them ("Viewer"
    already exists): a failure that came or went with how pytest-xdist shared out the tests."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None or not marker.kwargs.get("transaction"):
            continue
        if not marker.kwargs.get("serialized_rollback"):
            kwargs = {**marker.kwargs, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)


@pytest.fixture
def viewer(db):
    return UserFactory(username="viewer", role=Role.VIEWER)


@pytest.fixture
def analyst(db):
    return UserFactory(username="analyst", role=Role.ANALYST)


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", role=Role.EDITOR, is_staff=True)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


@pytest.fixture
def agreement(db):
    """Signed on 31 January 2026, between two parties."""
    return AgreementFactory(signed_on=datetime.date(2026, 1, 31))


@pytest.fixture
def commitment(agreement):
    """Due three months after the signing: 30 April 2026."""
    return CommitmentFactory(agreement=agreement, timeline_wording="within 3 months")


@pytest.fixture
def overdue_commitment(agreement):
    """Due on 28 February 2026 and not started."""
    return CommitmentFactory(
        agreement=agreement,
        timeline_wording="within 1 month",
        status=CommitmentStatus.NOT_STARTED,
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing costs a third of a second a password; tests only need it to work."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def restricted_agreement(db):
    """Shared with one team that none of the role fixtures belongs to."""
    agreement = AgreementFactory(title="Secret protocol", slug="secret-protocol")
    agreement.teams.add(TeamFactory(name="Inner circle"))
    CommitmentFactory(agreement=agreement, reference="9.9", title="Hidden deadline")
    return agreement


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, worker_id):
    """A real Celery worker (in a thread of this process) consuming from the real Redis.

    Tests that use it need `django_db(transaction=True)`: the worker has its own database
    connection and sees only committed rows. Under pytest-xdist each test process has its own
    queue, so that two workers never take each other's tasks.
    """
    from celery.contrib.testing.worker import start_worker
    from django.db import connection

    from tracker.celery import app

    app.loader.import_module("celery.contrib.testing.tasks")
    queue = f"tracker-tests-{worker_id}"
    app.conf.task_default_queue = queue
    # The worker's connection closes after each task, so the test database can be dropped.
    connection.settings_dict["CONN_MAX_AGE"] = 0
    with app.connection_for_write() as broker:  # nothing left over from an interrupted run
        broker.default_channel.queue_purge(queue)
    # Named, not left to the worker: it would consume every queue this process has sent to
    # before (another test's cluster queue, Celery's default) and miss its own.
    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]
    ) as worker:
        yield worker


@pytest.fixture
def eager_celery():
    """`.delay()` runs the task at once, in this process: for tests of the task functions."""
    from tracker.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager = False
    app.conf.task_eager_propagates = False


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free port; the app's e-mail goes to it over SMTP."""
    from aiosmtpd.controller import Controller

    from .support import FlakySMTPHandler, free_port

    handler = FlakySMTPHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield handler
    controller.stop()


@pytest.fixture
def webhook():
    """A JSON-webhook receiver on 127.0.0.1, for Apprise's `json://` (tests/webhook.py)."""
    from .webhook import WebhookReceiver

    with WebhookReceiver() as receiver:
        yield receiver
