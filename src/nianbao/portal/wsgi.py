"""The WSGI application (waitress serves it; see ``nianbao.portal.server``)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nianbao.portal.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

# the library's modules, imported here once before the server's threads start: their first
# imports, made by several threads at once, deadlocked (a page answered 500 under load)
from nianbao.api import preload  # noqa: E402

preload()
