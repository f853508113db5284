"""Watched sources (issue 20): fetching (`fetch`), reading feeds (`feeds`) and pages
(`pages`), matching items to commitments (`matching`), and the watcher's pass over the
sources (`watch`). Only the worker and `manage.py watch_sources` run it, never a request."""
