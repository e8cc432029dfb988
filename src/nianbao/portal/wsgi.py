"""The WSGI application (waitress serves it; see ``nianbao.portal.server``)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nianbao.portal.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
