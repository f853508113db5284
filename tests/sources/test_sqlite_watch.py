"""The watcher on the embedded default, SQLite (the plain matching fallback): the labelled
feed served over real HTTP to a `manage.py` process on a fresh SQLite database with the demo,
proposing what PostgreSQL proposes, with the same bar for precision and recall."""

import functools
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

from tests.test_embedded_sqlite import _demo_on_sqlite

from .conftest import FEEDS
from .test_matching import PRECISION, RECALL

SCRIPT = """
from django.core.management import call_command
from tracker.models import Agreement, Proposal
call_command("add_source", "--name", "Frontier", "--url", "{url}",
             "--agreement", "pak-afg-counter-terrorism")
call_command("watch_sources", "--once")
refs = dict(Agreement.objects.get().commitments.values_list("pk", "reference"))
found = {{}}
for url, pk in Proposal.objects.values_list("canonical_url", "commitment_id"):
    found.setdefault(url, []).append(refs[pk])
print("RESULT", json.dumps(found))
"""


def test_the_watcher_matches_on_sqlite_as_well(tmp_path, monkeypatch):
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(FEEDS))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("SOURCES_ALLOW_PRIVATE_HOSTS", "127.0.0.1")
    monkeypatch.setenv("SOURCES_HOST_INTERVAL_SECONDS", "0")
    url = f"http://127.0.0.1:{server.server_address[1]}/labelled.xml"
    try:
        found = json.loads(_demo_on_sqlite(tmp_path, "import json\n" + SCRIPT.format(url=url)))
    finally:
        server.shutdown()
        server.server_close()
    labels = json.loads((FEEDS / "labelled.json").read_text())
    hits = sum(len(set(found.get(url, [])) & set(refs)) for url, refs in labels.items())
    made = sum(len(refs) for refs in found.values())
    wanted = sum(len(refs) for refs in labels.values())
    assert hits / made >= PRECISION
    assert hits / wanted >= RECALL
