"""GET /health/db: is the database reachable, how fast, and how full is the pool."""

from __future__ import annotations

import logging
import time
from typing import Any

from litestar import Controller, Response, get
from litestar.datastructures import State
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from app.db import pool_status
from app.revision import SchemaGate

log = logging.getLogger("taskwise.health")


class HealthController(Controller):
    path = "/health"

    @get("/db", sync_to_thread=True, cache_control=None)
    def database(self, state: State) -> Response[dict[str, Any]]:
        engine: Engine = state.engine
        body: dict[str, Any] = {"database": engine.dialect.name}
        started = time.perf_counter()
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            log.warning("health check failed: %s", type(exc).__name__)  # no DSN in the log
            body |= {"status": "unavailable", "error": "database unreachable"}
            status = 503
        else:
            body |= {"status": "ok", "latency_ms": round((time.perf_counter() - started) * 1000, 2)}
            status = 200
            gate: SchemaGate = state.schema_gate
            if gate.problem:  # reachable, but not migrated to the code's head
                body |= {"status": "unavailable", "error": gate.problem}
                status = 503
        body |= {"pool": pool_status(engine), "timestamp": state.clock().isoformat()}
        return Response(body, status_code=status, headers={"Cache-Control": "no-store"})
