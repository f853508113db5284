"""Two web servers and two Celery workers against one PostgreSQL and one Redis: a write through
one server shows at once through the other; sessions, sign-in throttling and uploaded files
work on both; the overdue scan and the weekly digest run once across the workers."""

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone

from tracker import services
from tracker.celery import app
from tracker.models import (
    DigestDelivery,
    DigestPlan,
    DigestStatus,
    Evidence,
    JobName,
    JobRun,
    OverdueFlag,
    Role,
)
from tracker.selectors import agreement_figures_check

from .factories import AgreementFactory, CommitmentFactory, UserFactory
from .support import FlakySMTPHandler, free_port, own_database_url, wait_for

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ROOT = Path(__file__).resolve().parent.parent
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PASSWORD = "pass-for-tests"


class Cluster:
    def __init__(self, tmp_path: Path, worker_id: str) -> None:
        from aiosmtpd.controller import Controller

        self.smtp = FlakySMTPHandler()
        self.controller = Controller(self.smtp, hostname="127.0.0.1", port=free_port())
        self.controller.start()
        self.queue = f"tracker-cluster-{worker_id}"
        environment = {
            **os.environ,
            "DATABASE_URL": own_database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.controller.port),
            "EMAIL_TIMEOUT": "10",
            "MEDIA_ROOT": str(tmp_path / "shared-media"),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        }
        self.processes = []
        self.servers = []
        for _ in range(2):
            port = free_port()
            self._start(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "tracker.wsgi:application",
                    "--workers=1",
                    f"--bind=127.0.0.1:{port}",
                    "--log-level=warning",
                ],
                environment,
            )
            self.servers.append(f"http://127.0.0.1:{port}")
        for number in range(2):
            self._start(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "tracker",
                    "worker",
                    "--pool=solo",
                    "--loglevel=WARNING",
                    f"--queues={self.queue}",
                    f"--hostname=cluster{number}-{uuid.uuid4().hex[:6]}@%h",
                ],
                environment,
            )
        for server in self.servers:
            wait_for(lambda server=server: _answers(server), timeout=60, what=server)
        wait_for(self._workers_ready, timeout=60, what="both workers")

    def _start(self, command: list[str], environment: dict) -> None:
        self.processes.append(
            subprocess.Popen(command, cwd=ROOT, env=environment, start_new_session=True)
        )

    def _workers_ready(self) -> bool:
        replies = app.control.ping(timeout=1) or []
        return sum(1 for reply in replies for name in reply if name.startswith("cluster")) >= 2

    def send(self, task: str) -> None:
        app.send_task(task, queue=self.queue)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            process.wait(timeout=30)
        self.controller.stop()


def _answers(base: str) -> bool:
    try:
        urllib.request.urlopen(base + "/healthz", timeout=2)
    except OSError:
        return False
    return True


@pytest.fixture
def cluster(tmp_path, worker_id):
    running = Cluster(tmp_path, worker_id)
    yield running
    running.stop()


class Browser:
    """Cookies and forms over plain HTTP, as a person's browser would use both servers."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        handlers = [urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()]
        self.opener = urllib.request.build_opener(*handlers)

    def get(self, url: str, headers: dict | None = None) -> tuple[int, bytes]:
        return self._open(urllib.request.Request(url, headers=headers or {}))

    def post(self, url: str, data: bytes, content_type: str, headers=None) -> tuple[int, bytes]:
        request = urllib.request.Request(
            url, data=data, headers={"Content-Type": content_type, **(headers or {})}
        )
        return self._open(request)

    def form(self, url: str, page: str, fields: dict) -> tuple[int, bytes]:
        """POST `fields` to `url` with the CSRF token of the form on `page`."""
        _, html = self.get(page)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        fields = {"csrfmiddlewaretoken": token.decode(), **fields}
        return self.post(
            url,
            urllib.parse.urlencode(fields).encode(),
            "application/x-www-form-urlencoded",
            {"Referer": page},
        )

    def _open(self, request) -> tuple[int, bytes]:
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        return response.status, response.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _multipart(fields: dict, file_field: str, name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for key, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{name}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@pytest.fixture
def world():
    today = timezone.localdate()
    agreement = AgreementFactory(signed_on=today - timezone.timedelta(days=100))
    commitment = CommitmentFactory(agreement=agreement, timeline_wording="within 30 days")
    analyst = UserFactory(username="analyst", role=Role.ANALYST)
    # Hashed as the servers hash (the tests' own hasher is a fast one they do not know).
    analyst.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    analyst.save(update_fields=["password"])
    return {"commitment": commitment, "analyst": analyst}


def test_two_servers_and_two_workers_behave_as_one(cluster, world):
    a, b = cluster.servers
    commitment, analyst = world["commitment"], world["analyst"]
    page = f"/commitments/{commitment.pk}/"

    # A sign-in on one server is a session on the other.
    browser = Browser()
    status, _ = browser.form(
        a + "/accounts/login/",
        a + "/accounts/login/",
        {"username": "analyst", "password": PASSWORD},
    )
    assert status == 302
    status, html = browser.get(b + "/")
    assert status == 200
    assert b"Overview" in html

    # A write through one server shows at once through the other.
    token = services.user_reset_api_token(user=analyst)
    status, _ = browser.post(
        f"{a}/api/v1/commitments/{commitment.pk}/status/",
        json.dumps(
            {
                "status": "in_progress",
                "reason": "Patrols began at Torkham",
                "version": commitment.version,
            }
        ).encode(),
        "application/json",
        {"Authorization": f"Token {token}"},
    )
    assert status == 201
    status, html = browser.get(b + page)
    assert status == 200
    assert b"Patrols began at Torkham" in html

    # A file uploaded through one server downloads through the other.
    _, form_page = browser.get(a + page)
    csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form_page).group(1)
    body, content_type = _multipart(
        {
            "csrfmiddlewaretoken": csrf.decode(),
            "action": "log-evidence",
            "summary": "Signed minutes",
            "stance": "progress",
            "reliability": "A",
            "credibility": "1",
        },
        "attachment",
        "minutes.pdf",
        PDF,
    )
    status, _ = browser.post(a + page, body, content_type, {"Referer": a + page})
    assert status == 302
    evidence = Evidence.objects.get()
    status, downloaded = browser.get(f"{b}/evidence/{evidence.pk}/attachment/")
    assert (status, downloaded) == (200, PDF)

    # Failed sign-ins through either server count together, and lock out on both.
    stranger = Browser()
    for number in range(settings.AXES_FAILURE_LIMIT):
        server = (a, b)[number % 2]
        status, _ = stranger.form(
            server + "/accounts/login/",
            server + "/accounts/login/",
            {"username": "analyst", "password": "wrong"},
        )
    for server in (a, b):
        status, html = stranger.form(
            server + "/accounts/login/",
            server + "/accounts/login/",
            {"username": "analyst", "password": PASSWORD},
        )
        assert status == 429, server

    # The overdue scan, sent to both workers at once, flags each commitment once.
    cluster.send("tracker.tasks.flag_overdue")
    cluster.send("tracker.tasks.flag_overdue")
    runs = JobRun.objects.filter(job=JobName.FLAG_OVERDUE)
    wait_for(lambda: runs.count() == 2, timeout=60, what="two scans")
    assert sorted(runs.values_list("flagged", flat=True)) == [0, 1]
    assert OverdueFlag.objects.filter(cleared_at__isnull=True).count() == 1
    assert agreement_figures_check().differences == []

    # The weekly plan, sent to both workers at once, plans the week once: one e-mail each.
    cluster.send("tracker.tasks.send_digests")
    cluster.send("tracker.tasks.send_digests")
    wait_for(lambda: len(cluster.smtp.messages) >= 1, timeout=60, what="the digest")
    deliveries = DigestDelivery.objects.filter(user=analyst)
    wait_for(lambda: deliveries.filter(status=DigestStatus.SENT).exists(), what="the record")
    assert DigestPlan.objects.count() == 1
    assert cluster.smtp.received_by() == {analyst.email: 1}
