"""The ASGI application: `app.main:app`, built by `create_app()`."""

from __future__ import annotations

import logging
import secrets
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.plugins.htmx import HTMXPlugin, HTMXRequest
from litestar.plugins.jinja import JinjaTemplateEngine as Jinja
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from sqlmodel import Session

from app.account.controller import AccountController
from app.assistant.controller import AssistantController
from app.auth.controller import AuthController
from app.auth.guards import provide_maybe_signed_in, provide_signed_in, provide_user
from app.auth.middleware import AuthMiddleware
from app.calendar.controller import CalendarController
from app.config import ConfigurationError, Settings, get_settings
from app.db import create_db_engine, in_thread, utcnow
from app.errors import EXCEPTION_HANDLERS
from app.exports.controller import ExportController
from app.health.controller import HealthController
from app.hosts import allowed_hosts_middleware
from app.middleware import (
    DB_SESSION_KEY,
    RequestLogMiddleware,
    SchemaGateMiddleware,
    TransactionMiddleware,
    add_security_headers,
)
from app.pages import linkify
from app.redact import install_access_log_filter
from app.revision import SchemaGate
from app.security import PasswordHashing, Signing
from app.tasks.controller import TaskController
from app.trash.controller import TrashController

ROOT = Path(__file__).resolve().parent.parent
MAX_BODY_BYTES = 1024 * 1024  # SPEC §9: forms ≤ 1 MB, larger → 413


def provide_db_session(request: HTMXRequest) -> Session:
    """The request's session; TransactionMiddleware commits or rolls it back."""
    session: Session = request.scope["state"][DB_SESSION_KEY]
    return session


def configure_logging(debug: bool) -> None:
    """Log to stderr unless the host process (uvicorn, gunicorn, tests) already configured it;
    uvicorn's own access log gets the same redaction as the app's request line."""
    if not logging.getLogger().handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("taskwise").setLevel(logging.DEBUG if debug else logging.INFO)
    install_access_log_filter()


def configure_templates(engine: Jinja, *, debug: bool) -> None:
    # Outside debug, templates are read once: Jinja otherwise stats every template file,
    # each row's include too, on every render.
    engine.engine.auto_reload = debug
    # A fresh one-time token for each rendered create form (SPEC §9: double submits).
    engine.engine.globals["new_form_token"] = lambda: secrets.token_urlsafe(16)
    engine.engine.filters["linkify"] = linkify


def create_app(
    settings: Settings | None = None,
    *,
    clock: Callable[[], datetime] = utcnow,
    extra_routes: Sequence[Any] = (),
    hashing: PasswordHashing | None = None,
) -> Litestar:
    """Build the app; tests may pin the clock, size the password-hashing gate and mount
    handlers behind the same middleware."""
    settings = settings or get_settings()
    configure_logging(settings.debug)
    engine = create_db_engine(settings)
    # The embedded SQLite default is migrated by `python -m app serve`; PostgreSQL never is.
    gate = SchemaGate(engine, enabled=not settings.is_sqlite)

    async def check_schema() -> None:
        await in_thread(gate.check)

    def dispose_engine() -> None:
        engine.dispose()

    return Litestar(
        route_handlers=[
            AuthController,
            AccountController,
            TaskController,
            TrashController,
            AssistantController,
            ExportController,
            CalendarController,
            HealthController,
            create_static_files_router(path="/static", directories=[ROOT / "static"]),
            *extra_routes,
        ],
        dependencies={
            "db": Provide(provide_db_session, sync_to_thread=False),
            "user": Provide(provide_user, sync_to_thread=False),
            "signed_in": Provide(provide_signed_in, sync_to_thread=False),
            "maybe_signed_in": Provide(provide_maybe_signed_in, sync_to_thread=False),
        },
        plugins=[HTMXPlugin()],  # every request is an HTMXRequest: request.htmx
        middleware=[
            RequestLogMiddleware(),
            allowed_hosts_middleware(settings.allowed_host_names),
            SchemaGateMiddleware(gate),
            TransactionMiddleware(engine),
            AuthMiddleware(),
        ],
        before_send=[add_security_headers],
        exception_handlers=EXCEPTION_HANDLERS,
        template_config=TemplateConfig(
            directory=ROOT / "templates",
            engine=Jinja,
            engine_callback=lambda jinja: configure_templates(jinja, debug=settings.debug),
        ),
        state=State(
            {
                "engine": engine,
                "settings": settings,
                "signing": Signing(settings.secret_key or ""),
                "clock": clock,
                "hashing": hashing or PasswordHashing(),
                "schema_gate": gate,
            }
        ),
        on_startup=[check_schema],
        on_shutdown=[dispose_engine],
        request_max_body_size=MAX_BODY_BYTES,
        logging_config=None,
        debug=settings.debug,
    )


def __getattr__(name: str) -> Any:
    # `app.main:app` is built on first access, so importing this module never needs settings.
    if name == "app":
        try:
            application = create_app()
        except ConfigurationError as exc:
            sys.exit(f"taskwise: {exc}")  # one sentence for the operator, no traceback
        globals()["app"] = application
        return application
    raise AttributeError(name)
