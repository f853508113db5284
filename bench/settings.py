"""The app's settings plus the benchmark's floor view (bench/urls.py)."""

from tracker.settings import *  # noqa: F403
from tracker.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
