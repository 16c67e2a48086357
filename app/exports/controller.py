"""GET /export/tasks.json, /export/tasks.csv; GET and POST /import."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template

from app.auth.guards import CurrentUser, requires_login
from app.db import DbSession
from app.exports.formats import (
    UnreadableFile,
    export_rows,
    read_upload,
    to_csv,
    to_json,
    validate,
)
from app.forms import field
from app.pages import now_of, redirect, render, url_for
from app.tasks import service
from app.tasks.listing import ListParams

UploadForm = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


def attachment(body: str, *, filename: str, media_type: str) -> Response[str]:
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


class ExportController(Controller):
    guards = [requires_login]

    @get("/export/tasks.json", name="exports:json", sync_to_thread=True)
    def export_json(self, db: DbSession, user: CurrentUser) -> Response[str]:
        rows = export_rows(db, user.id)
        return attachment(
            to_json(rows),
            filename="taskwise-tasks.json",
            media_type="application/json; charset=utf-8",
        )

    @get("/export/tasks.csv", name="exports:csv", sync_to_thread=True)
    def export_csv(self, db: DbSession, user: CurrentUser) -> Response[str]:
        rows = export_rows(db, user.id)
        return attachment(
            to_csv(rows), filename="taskwise-tasks.csv", media_type="text/csv; charset=utf-8"
        )

    @get("/import", name="exports:import", sync_to_thread=False)
    def import_form(self, request: HTMXRequest) -> Template:
        return render(request, "exports/import.html", {"preview": None})

    @post("/import", name="exports:import-post", sync_to_thread=True)
    def import_file(
        self, request: HTMXRequest, db: DbSession, user: CurrentUser, data: UploadForm
    ) -> Any:
        """Without `confirm`: a preview. With it: everything (only if every row is valid), or
        with confirm=valid the valid rows alone."""
        upload = data.get("file")
        raw = upload.file.read() if isinstance(upload, UploadFile) else b""
        if not raw:
            raw = field(data, "payload").encode()
        try:
            rows = read_upload(raw)
        except UnreadableFile as exc:
            return render(
                request, "exports/import.html", {"preview": None, "error": str(exc)}, status=400
            )
        now = now_of(request)
        valid, rejected = validate(rows, now=now)
        confirm = field(data, "confirm").strip()
        preview = {"valid": valid, "rejected": rejected, "payload": raw.decode("utf-8-sig")}
        if not confirm or (rejected and confirm != "valid") or not valid:
            error = None
            if confirm and rejected and confirm != "valid":
                error = "Nothing was imported: some rows have problems (listed below)."
            elif confirm and not valid:
                error = "Nothing was imported: no row is valid."
            status = 400 if error else 200
            return render(
                request, "exports/import.html", {"preview": preview, "error": error}, status=status
            )
        for row in valid:
            service.create_task(db, owner_id=user.id, data=row.task, completed_at=row.completed_at)
        skipped = f" Skipped {len(rejected)} rows with problems." if rejected else ""
        return redirect(
            request,
            ListParams(status="all", path=url_for(request, "tasks:list")).url(),
            flash=f"Imported {len(valid)} task{'' if len(valid) == 1 else 's'}.{skipped}",
        )
