"""docker-compose.yml cannot run here (no Docker engine), so it is checked as a file: it is
valid Compose, names the services, runs the right commands and passes the settings the app
reads."""

import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ["web", "worker", "beat"]
# Every variable tracker/settings.py reads, found in its source.
SETTINGS_SOURCE = (ROOT / "tracker" / "settings.py").read_text()
READ_BY_SETTINGS = set(
    re.findall(r'env(?:bool|int|float|list|str)\(\s*"([A-Z_]+)"', SETTINGS_SOURCE)
    + re.findall(r'os\.environ\.get\(\s*"([A-Z_]+)"', SETTINGS_SOURCE)
    + re.findall(r'"([A-Z_]+)" not in os\.environ', SETTINGS_SOURCE)
)


def test_it_is_valid_compose():
    result = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            str(ROOT / "docker-compose.yml"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_names_every_service_of_the_stack():
    assert set(SERVICES) == {"web", "worker", "beat", "db", "redis", "mail", "web-2", "worker-2"}


def test_the_replicas_are_an_option_sharing_everything_with_the_first():
    """`--profile replicas` adds a second web server and worker: same image, settings and
    media volume; the second web server starts once the first has migrated."""
    for name, first in (("web-2", "web"), ("worker-2", "worker")):
        service = SERVICES[name]
        assert service["profiles"] == ["replicas"]
        assert service["environment"] == SERVICES[first]["environment"]
        assert service["volumes"] == SERVICES[first]["volumes"] == ["media:/data/media"]
    assert "profiles" not in SERVICES["web"]
    assert "migrate" not in SERVICES["web-2"]["command"]
    assert SERVICES["web-2"]["depends_on"]["web"]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", list(SERVICES))
def test_every_service_has_a_health_check(name):
    assert SERVICES[name]["healthcheck"]["test"]


@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("web", "gunicorn tracker.wsgi:application"),
        ("web", "manage.py migrate"),
        ("worker", "celery -A tracker worker"),
        ("beat", "celery -A tracker beat"),
    ],
)
def test_app_services_run_the_right_command(name, command):
    assert command in SERVICES[name]["command"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_share_the_settings_the_app_needs(name):
    environment = SERVICES[name]["environment"]
    for variable in (
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "DJANGO_SECRET_KEY",
        "DJANGO_DEBUG",
        "DJANGO_ALLOWED_HOSTS",
        "SITE_URL",
        "TIME_ZONE",
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "DEFAULT_FROM_EMAIL",
    ):
        assert variable in environment, variable
    assert environment == SERVICES["web"]["environment"]


def test_it_sets_only_variables_the_settings_read():
    assert set(SERVICES["web"]["environment"]) - READ_BY_SETTINGS == set()


def test_the_app_talks_to_the_services_by_their_names():
    environment = SERVICES["web"]["environment"]
    assert "@db:5432/" in environment["DATABASE_URL"]
    assert environment["CELERY_BROKER_URL"].startswith("redis://redis:6379")
    assert environment["EMAIL_HOST"] == "mail"
    assert environment["DATABASE_URL"].endswith("/" + SERVICES["db"]["environment"]["POSTGRES_DB"])


def test_app_services_wait_for_healthy_database_and_broker():
    for name in APP_SERVICES:
        depends = SERVICES[name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"


def test_the_web_health_check_calls_a_url_the_app_serves(client, db):
    check = " ".join(SERVICES["web"]["healthcheck"]["test"])
    path = re.search(r"127\.0\.0\.1:8000(/\S*?)'", check).group(1)
    assert client.get(path).status_code == 200
