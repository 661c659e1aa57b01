"""The WSGI application (gunicorn ``core.wsgi:application``).

Loaded once per worker process: the URL map (and so every plugin's views) is imported here
rather than by the first request, then ``gc.freeze()`` moves everything loaded so far out of
the garbage collector's reach. Those objects live as long as the process; without it, each full
collection walks all of them again (about 250,000 objects, a pause of over 100 ms during
which the worker's threads wait).
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
application = get_wsgi_application()


def _load_and_freeze() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the URL map and the views)
    gc.collect()
    gc.freeze()


_load_and_freeze()
