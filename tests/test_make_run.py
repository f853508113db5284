"""`make run` as a new user meets it: the real target on a free port, with its var folder in
a temporary directory. Its links follow the port it serves, the commands the README lists
work as written beside it, a busy port stops it in one line before anything starts, and a
web server that fails to start takes the worker down with it."""

import datetime
import os
import pty
import re
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.support import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)


def _fresh_environment(var_dir: Path) -> dict[str, str]:
    """The environment of a new user's shell: none of the suite's settings (PostgreSQL,
    Redis, debug off, a test SITE_URL), nor any make of ours around it."""
    kept = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("DATABASE_", "CELERY_", "DJANGO_", "EMAIL_", "SITE_", "TIME_", "STATICFILES_")
        )
        and key not in {"HOST", "PORT", "MAKEFLAGS", "MAKELEVEL", "MFLAGS"}
    }
    return kept | {"TRACKER_VAR_DIR": str(var_dir)}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`make run PORT=<free port>`, serving; yields (base URL, var folder, environment)."""
    var_dir = tmp_path_factory.mktemp("var")
    port = free_port()
    env = _fresh_environment(var_dir)
    log = (var_dir.parent / "make-run.log").open("w")
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"

    def serving() -> bool:
        assert process.poll() is None, (var_dir.parent / "make-run.log").read_text()
        try:
            return requests.get(base + "/healthz", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    try:
        wait_for(serving, timeout=240, what="make run to serve")
        yield base, var_dir, env
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        # The worker finishes its warm shutdown after make has gone.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def _signed_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(base + "/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    answer = session.post(
        base + "/accounts/login/",
        data={"username": username, "password": f"{username}-demo", "csrfmiddlewaretoken": token},
        headers={"Referer": base + "/accounts/login/"},
        timeout=10,
    )
    assert answer.url == base + "/", answer.text
    return session


def _addresses(text: str) -> set[str]:
    return set(re.findall(r"https?://[^/\s\"'<]+", text))


def test_it_writes_var_env_with_debug_and_the_site_url_it_serves(demo):
    base, var_dir, _ = demo
    lines = (var_dir / ".env").read_text().splitlines()
    assert lines[1:] == ["DJANGO_DEBUG=1", f"SITE_URL={base}"]


def test_the_calendar_page_and_feed_link_to_the_port_it_serves(demo):
    base, _, _ = demo
    session = _signed_in(base, "analyst")
    page = session.get(base + "/account/calendar/", timeout=10).text
    feed_url = re.search(r"https?://[^\"<\s]+\.ics", page)[0]
    assert feed_url.startswith(base + "/calendar/")
    feed = session.get(feed_url, timeout=10)
    assert "BEGIN:VEVENT" in feed.text
    assert _addresses(feed.text) == {base}


def test_the_apis_url_fields_are_on_the_port_it_serves(demo):
    base, _, _ = demo
    session = _signed_in(base, "analyst")
    results = session.get(base + "/api/v1/commitments/", timeout=10).json()["results"]
    assert results
    assert all(result["url"].startswith(base + "/commitments/") for result in results)


def test_the_digest_e_mails_link_to_the_port_it_serves(demo):
    base, var_dir, env = demo
    result = _run("python manage.py send_digests", env)
    assert result.returncode == 0, result.stderr
    mail = "".join(path.read_text() for path in (var_dir / "mail").glob("*.log"))
    assert "/unsubscribe/" in mail
    assert _addresses(mail) == {base}


def _readme_commands() -> list[str]:
    """The operators' command table of the README, each command as written there."""
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^\s*\| `(python manage\.py [^`]+)` \|", readme, flags=re.MULTILINE)
    assert len(commands) >= 8
    return [command.replace("\\|", "|") for command in commands]


def _with_options(command: str, out_dir: Path) -> str:
    """The command with every option it lists, each placeholder filled in."""
    filled = {
        "-o FILE": f"-o {out_dir / 'export.yaml'}",
        "DIR": str(out_dir / "open-data"),
        "URL": "https://tracker.example.org",
        "FILE": "docs/examples/pak-afg.yaml",
        "NAME": "editor",
        "SLUG …": "pak-afg-counter-terrorism",
        "json|yaml": "yaml",
        "pdf|xlsx|csv": "xlsx",
        "YYYY-MM-DD": datetime.date.today().isoformat(),
        "YYYY-Www": "2026-W48",
    }
    for placeholder, value in filled.items():
        command = command.replace(placeholder, value)
    return command.replace("[", "").replace("]", "")


def _as_written(command: str, out_dir: Path) -> str:
    """The command without its optional parts, required placeholders filled in."""
    required = re.sub(r"\s*\[[^\]]*\]", "", command).replace("FILE", "docs/examples/pak-afg.yaml")
    return required.replace("DIR", str(out_dir / "open-data"))


def _run(command: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    words = command.split()
    assert words[0] == "python"
    if words[-1] == "createsuperuser":
        answers = ["boss", "boss@example.org", PASSPHRASE, PASSPHRASE]
        return _run_in_a_terminal([str(PYTHON), *words[1:]], env, answers)
    return subprocess.run(
        [str(PYTHON), *words[1:]], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


PASSPHRASE = "a-long-enough-demo-passphrase"


def _run_in_a_terminal(args: list[str], env: dict[str, str], answers: list[str]):
    """createsuperuser asks its questions only on a terminal: answer each prompt on one (its
    password prompt flushes what was typed ahead, so each answer waits for its question)."""
    main, secondary = pty.openpty()
    process = subprocess.Popen(
        args, cwd=ROOT, env=env, stdin=secondary, stdout=secondary, stderr=secondary
    )
    os.close(secondary)
    output, unanswered = "", ""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if not select.select([main], [], [], 0.5)[0]:
            continue
        try:
            chunk = os.read(main, 4096).decode(errors="replace")
        except OSError:  # the terminal closed: the command has ended
            break
        output += chunk
        unanswered += chunk
        if answers and unanswered.rstrip(" ").endswith(":"):
            os.write(main, (answers.pop(0) + "\n").encode())
            unanswered = ""
    else:
        process.kill()
    os.close(main)
    process.wait(timeout=30)
    return subprocess.CompletedProcess(args, process.returncode, output, "")


@pytest.mark.parametrize("command", _readme_commands())
def test_every_readme_command_works_as_written_beside_make_run(demo, command, tmp_path):
    """Run by hand in the checkout `make run` set up: only TRACKER_VAR_DIR tells them
    where that is, as var/ does in a real checkout."""
    _, _, env = demo
    for form in dict.fromkeys([_as_written(command, tmp_path), _with_options(command, tmp_path)]):
        result = _run(form, env)
        assert result.returncode == 0, f"{form}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr, form
    if command.endswith("createsuperuser"):
        assert "Superuser created successfully." in result.stdout


def test_a_busy_port_stops_make_run_in_one_line_before_anything_starts(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            ["make", "run", f"PORT={port}"],
            cwd=ROOT,
            env=_fresh_environment(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode != 0
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert f"Port {port} on 127.0.0.1 is already in use" in line
    assert f"PORT={port + 1} make run" in line
    assert list(tmp_path.iterdir()) == []  # no database, no .env, no broker: nothing ran


def test_a_web_server_that_cannot_start_takes_the_worker_down_with_it(tmp_path):
    """The port taken after the check (PORT_BUSY= skips it): runserver's error, then the
    worker's one shutdown, a non-zero exit, and no process left behind."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = subprocess.Popen(
            ["make", "run", f"PORT={port}", "PORT_BUSY="],
            cwd=ROOT,
            env=_fresh_environment(tmp_path / "var"),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            output, _ = process.communicate(timeout=240)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    assert process.returncode != 0
    assert "That port is already in use" in output
    assert output.count("Warm shutdown") == 1

    def nothing_left() -> bool:  # the beat's child may take a moment to be reaped
        ps = ["ps", "-o", "pid=", "-s", str(process.pid)]
        return subprocess.run(ps, capture_output=True, text=True).stdout.split() == []

    wait_for(nothing_left, timeout=15, what="the worker's processes to end")
