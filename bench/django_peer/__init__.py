"""The idiomatic Django 5.2 peer of SPEC §12: Taskwise's task list, written as Django would.

Served by bench/serve.py next to Taskwise and the floor (`uvicorn bench.django_peer.asgi:app`),
on the same database, with the same signed session cookie. Read-only: it maps Taskwise's
tables with `managed = False` models and answers GET /tasks (the default view, status tabs
and pages); the forms it renders point at Taskwise's URLs but are not handled here.
"""
