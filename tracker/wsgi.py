import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

application = get_wsgi_application()

# What is loaded by now (Django, the apps, their models and admin) lives as long as the
# worker: frozen, it is left out of every full garbage collection. Those walked the whole
# heap in the middle of a request (30 to 70 ms at 130,000 objects): the slowest of the cold
# pages' requests in docs/benchmarks.md.
gc.freeze()
