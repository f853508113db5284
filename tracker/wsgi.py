import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

application = get_wsgi_application()

# What is loaded by now (Django, the apps, their models and admin) lives as long as the
# worker: frozen, it is left out of every full garbage collection, which otherwise walks the
# whole heap in the middle of some request (docs/benchmarks.md has what it cost).
gc.freeze()
