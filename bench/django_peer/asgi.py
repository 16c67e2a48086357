"""ASGI entry point: `uvicorn bench.django_peer.asgi:app`, one worker, like the others."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.django_peer.settings")

app = application = get_asgi_application()
