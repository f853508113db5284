"""Take the README's screenshots: the demo data in a throw-away SQLite database, served by
runserver, photographed by headless Chromium. Run with `make screenshots`; name some to take
only those (`python bin/screenshots.py public-agreement public-embed`)."""

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PORT = 8765
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PAGES = {
    "overview": "/",
    "round": "/agreements/pak-afg-counter-terrorism/rounds/1/",
    "agreement": "/agreements/pak-afg-counter-terrorism/",
    "commitment": None,  # the first overdue commitment, found on the overview
}


# The compliance report of the demo's round 1 (issue 21): its first pages, drawn by pypdfium2.
REPORT_PAGES = 3
REPORT = tuple(f"report-page-{n}" for n in range(1, REPORT_PAGES + 1))
# The interface in French and in Urdu (issue 23), chosen with the header's switcher.
IN_LANGUAGES = {"overview-fr": ("fr", "/"), "agreement-ur": ("ur", PAGES["agreement"])}

# The public pages (issue 22): the agreement as anyone reads it, and its card in another site.
PUBLIC = ("public-agreement", "public-embed")
ARTICLE = """<!DOCTYPE html><html lang="en"><head><title>A news site</title></head>
<body style="font: 16px/1.5 Georgia, serif; max-width: 720px; margin: 24px auto; color: #222">
<h1 style="font-size: 26px">Border patrols: a year of promises</h1>
<p>Islamabad and Kabul agreed on joint patrols and a shared intelligence cell. The tracker
below follows what each side has done since, and updates itself.</p>
<iframe src="{src}" title="The accord's implementation" width="420" height="240"
 style="border:0"></iframe>
<p>Both governments say talks continue.</p></body></html>"""


# The comparison page (issue 21, item 5) needs a second agreement: the demo's, imported again
# under another name with every date 200 days earlier, added after the other pictures.
COMPARED = "pak-afg-counter-terrorism-earlier"
SECOND_AGREEMENT = f"""
from datetime import timedelta
from django.utils import timezone
from tracker.dev.demo import demo_document
from tracker.importer import run_import
from tracker.models import User
document = demo_document(timezone.localdate() - timedelta(days=200))
agreement = document["agreements"][0]
agreement["slug"] = "{COMPARED}"
agreement["title"] = "Pakistan–Afghanistan accord, an earlier round (demo copy)"
run_import(document, file_name="earlier.yaml", by=User.objects.get(username="editor"))
"""


def main() -> None:
    only = set(sys.argv[1:])
    var = tempfile.mkdtemp(prefix="tracker-shots-")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "CELERY_", "DJANGO_"))
    } | {"TRACKER_VAR_DIR": var, "DJANGO_DEBUG": "1"}
    python = sys.executable
    for command in (["migrate", "-v0"], ["load_demo"]):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)
    if not only or only & set(REPORT):
        _draw_report(python, env, Path(var) / "report.pdf")
    if only and not only - set(REPORT):
        return
    server = subprocess.Popen(
        [python, "manage.py", "runserver", "--noreload", f"127.0.0.1:{PORT}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(f"http://127.0.0.1:{PORT}/healthz")
        _photograph(f"http://127.0.0.1:{PORT}", only, env)
    finally:
        server.terminate()


def _wait_for(url: str) -> None:
    for _ in range(60):
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer")


def _photograph(base: str, only: set[str], env: dict) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        _photograph_public(base, page, only or set(PUBLIC))
        if only and not only - set(PUBLIC):
            browser.close()
            return
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", "analyst")
        page.fill("#id_password", "analyst-demo")
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        # The disputed one: both parties' claims side by side.
        patrols = page.locator(".commitment-list a", has_text="Create joint border patrols")
        PAGES["commitment"] = patrols.first.get_attribute("href")
        for name, path in PAGES.items():
            if only and name not in only:
                continue
            page.goto(base + path)
            # The round's page is long (a section per commitment): its head and table suffice.
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=name != "round")
            print(f"wrote {OUT / f'{name}.png'}")
        if not only or "agreement-phone" in only:
            # A phone: the agreement's commitments as one card per row.
            page.set_viewport_size({"width": 375, "height": 812})
            page.goto(base + PAGES["agreement"] + "#commitments-table")
            page.screenshot(path=str(OUT / "agreement-phone.png"))
            print(f"wrote {OUT / 'agreement-phone.png'}")
        page.set_viewport_size({"width": 1280, "height": 900})
        if not only or only & set(IN_LANGUAGES):
            _photograph_languages(base, page)
        if not only or "compare" in only:
            _photograph_compare(base, page, env)
        browser.close()


def _photograph_compare(base: str, page, env: dict) -> None:
    command = [sys.executable, "manage.py", "shell", "-c", SECOND_AGREEMENT]
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/compare/?a=pak-afg-counter-terrorism&a={COMPARED}")
    page.screenshot(path=str(OUT / "compare.png"), full_page=True)
    print(f"wrote {OUT / 'compare.png'}")


def _draw_report(python: str, env: dict, pdf: Path) -> None:
    """The demo round's compliance report, written by its command, its first pages as PNG."""
    import pypdfium2

    command = ["compliance_report", "pak-afg-counter-terrorism", "--round", "1"]
    subprocess.run(
        [python, "manage.py", *command, "--format", "pdf", "-o", str(pdf)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    document = pypdfium2.PdfDocument(str(pdf))
    for number in range(1, REPORT_PAGES + 1):
        image = document[number - 1].render(scale=1.5).to_pil()
        image.save(OUT / f"report-page-{number}.png")
        print(f"wrote {OUT / f'report-page-{number}.png'}")


def _photograph_languages(base: str, page) -> None:
    for name, (language, path) in IN_LANGUAGES.items():
        page.goto(base + path)
        page.locator(f".language-switch button[value={language}]").click()
        page.wait_for_load_state()
        page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
        print(f"wrote {OUT / f'{name}.png'}")
    page.locator(".language-switch button[value=en]").click()
    page.wait_for_load_state()


def _photograph_public(base: str, page, names: set[str]) -> None:
    slug = "pak-afg-counter-terrorism"
    if "public-agreement" in names:
        page.goto(f"{base}/public/agreements/{slug}/")
        page.screenshot(path=str(OUT / "public-agreement.png"), full_page=True)
        print(f"wrote {OUT / 'public-agreement.png'}")
    if "public-embed" in names:
        page.set_viewport_size({"width": 800, "height": 520})
        page.set_content(ARTICLE.format(src=f"{base}/public/agreements/{slug}/embed/"))
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT / "public-embed.png"))
        print(f"wrote {OUT / 'public-embed.png'}")
        page.set_viewport_size({"width": 1280, "height": 900})


if __name__ == "__main__":
    main()
