"""Settings come from the environment; a bad value stops start-up naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD = {
    "DJANGO_SECRET_KEY": "x" * 50,
    "DJANGO_DEBUG": "0",
    "DATABASE_URL": "sqlite:///:memory:",
    "DJANGO_ALLOWED_HOSTS": "tracker.example.org",
}


def _start(show: str = "settings.DEBUG", **variables) -> subprocess.CompletedProcess:
    """Start Django in a fresh interpreter with `variables` set; print `show`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "EMAIL_", "CELERY_", "SITE_", "TIME_"))
    }
    code = f"import django; django.setup(); from django.conf import settings; print({show})"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env | GOOD | variables | {"DJANGO_SETTINGS_MODULE": "tracker.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DJANGO_DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://root@localhost/tracker"),
        ("DATABASE_URL", "not a url"),
        ("EMAIL_PORT", "smtp"),
        ("EMAIL_PORT", "70000"),
        ("EMAIL_USE_TLS", "sometimes"),
        ("SITE_URL", "tracker.example.org"),
        ("TIME_ZONE", "Mars/Olympus_Mons"),
        ("DIGEST_HOUR", "25"),
        ("DIGEST_WEEKDAY", "monday"),
        ("CALENDAR_FEED_MAX_EVENTS", "0"),
        ("CALENDAR_FEED_DAYS_AFTER", "forever"),
        ("RATE_LIMIT_CACHE_URL", "memcached://127.0.0.1:11211"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(name, value):
    result = _start(**{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr.splitlines()[-1]


def test_production_needs_a_secret_key():
    result = _start(DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_tls_and_ssl_together_are_refused():
    result = _start(EMAIL_USE_TLS="1", EMAIL_USE_SSL="1")
    assert "EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on" in result.stderr


def test_the_defaults_are_the_embedded_set_up(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in GOOD}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.EMAIL_BACKEND)",
        ],
        cwd=ROOT,
        env={
            key: value
            for key, value in env.items()
            if not key.startswith(("DJANGO_", "DATABASE_", "EMAIL_", "CELERY_"))
        }
        | {
            "DJANGO_DEBUG": "1",
            "TRACKER_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "filesystem://",
        "django.core.mail.backends.filebased.EmailBackend",
    ]


def test_a_dotted_email_backend_and_its_folder_are_taken_as_given(tmp_path):
    result = _start(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path),
        show="settings.EMAIL_FILE_PATH",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path)


def test_var_env_written_by_make_run_is_read_and_the_environment_wins(tmp_path):
    (tmp_path / ".env").write_text(
        "# Written by make run\n\nSITE_URL=http://127.0.0.1:8102\nDJANGO_ALLOWED_HOSTS=file\n"
    )
    result = _start(
        TRACKER_VAR_DIR=str(tmp_path),
        DJANGO_ALLOWED_HOSTS="environment",
        show="settings.SITE_URL, settings.ALLOWED_HOSTS",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:8102 ['environment']"


def test_a_line_of_var_env_that_is_not_name_value_stops_start_up_naming_it(tmp_path):
    (tmp_path / ".env").write_text("DJANGO_DEBUG=1\nexport the rest\n")
    result = _start(TRACKER_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert f"{tmp_path / '.env'}, line 2: 'export the rest'" in result.stderr


def test_manage_py_says_a_missing_secret_key_in_one_line(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "EMAIL_", "CELERY_", "SITE_"))
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "send_digests"],
        cwd=ROOT,
        env=env | {"DJANGO_DEBUG": "0", "TRACKER_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("manage.py: DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
