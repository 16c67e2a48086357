"""The /assistant routes of SPEC §4: the chat page, sending a message, deleting a chat."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from app.assistant import service
from app.assistant.queries import conversation_messages, get_conversation, recent_conversations
from app.assistant.transcript import message_view, transcript
from app.auth.guards import CurrentUser, requires_login
from app.db import DbSession
from app.forms import FormData, clean_text, field
from app.models import Conversation, User
from app.pages import now_of, redirect, render, url_for, wants_fragment
from app.tasks.dates import LocalNow

VARY = {"Vary": "HX-Request"}


def _conversation_id(raw: str) -> uuid.UUID | None:
    """The optional `conversation_id` field: empty starts a conversation; anything that is
    not one of the caller's conversation ids is the same 404 as a missing one."""
    if not raw.strip():
        return None
    try:
        return uuid.UUID(raw.strip())
    except ValueError:
        raise NotFoundException("That conversation does not exist.") from None


def chat_page(
    request: HTMXRequest,
    db: DbSession,
    user: User,
    conversation: Conversation | None,
    *,
    content: str = "",
    error: str | None = None,
    status: int = 200,
) -> Template:
    messages = conversation_messages(db, user.id, conversation.id) if conversation else []
    context = {
        "conversation": conversation,
        "conversations": recent_conversations(db, user.id),
        "messages": transcript(messages, LocalNow.at(now_of(request), user.timezone)),
        "suggestions": service.SUGGESTIONS,
        "content": content,
        "error": error,
        "content_max": service.CONTENT_MAX,
    }
    return render(request, "assistant/index.html", context, status=status, headers=VARY)


class AssistantController(Controller):
    path = "/assistant"
    guards = [requires_login]

    @get("/", name="assistant:index", sync_to_thread=True)
    def index(self, request: HTMXRequest, db: DbSession, user: CurrentUser) -> Template:
        return chat_page(request, db, user, None)

    @get("/{conversation_id:uuid}", name="assistant:show", sync_to_thread=True)
    def show(
        self,
        request: HTMXRequest,
        db: DbSession,
        user: CurrentUser,
        conversation_id: FromPath[uuid.UUID],
    ) -> Template:
        return chat_page(request, db, user, get_conversation(db, user.id, conversation_id))

    @post("/messages", name="assistant:send", sync_to_thread=True)
    def send(self, request: HTMXRequest, db: DbSession, user: CurrentUser, data: FormData) -> Any:
        conversation_id = _conversation_id(field(data, "conversation_id"))
        conversation = get_conversation(db, user.id, conversation_id) if conversation_id else None
        errors: dict[str, str] = {}
        raw = field(data, "content")
        content = clean_text(
            errors, "content", raw, label="Message", max_length=service.CONTENT_MAX, required=True
        )
        if errors:
            return self._refused(request, db, user, conversation, raw, errors["content"])
        exchange = service.send_message(
            db,
            user_id=user.id,
            timezone=user.timezone,
            date_order=user.date_order,
            conversation_id=conversation_id,
            content=content,
            now=now_of(request),
        )
        url = url_for(request, "assistant:show", conversation_id=exchange.conversation.id)
        if not wants_fragment(request):
            return redirect(request, url)
        now = LocalNow.at(now_of(request), user.timezone)
        said, answer = exchange.messages
        context = {
            "conversation": exchange.conversation,
            "conversations": recent_conversations(db, user.id),
            "new_messages": transcript([said, answer], now),
            # its choices are no longer buttons: the question is closed
            "closed": message_view(exchange.closed, now, is_last=False)
            if exchange.closed
            else None,
            "content_max": service.CONTENT_MAX,
        }
        return render(request, "assistant/_exchange.html", context, headers=VARY, push_url=url)

    def _refused(
        self,
        request: HTMXRequest,
        db: DbSession,
        user: User,
        conversation: Conversation | None,
        content: str,
        error: str,
    ) -> Template:
        """400, nothing stored: the message box again with the text and a message beside it."""
        if wants_fragment(request):
            context = {
                "conversation": conversation,
                "content": content,
                "error": error,
                "content_max": service.CONTENT_MAX,
            }
            return render(
                request,
                "assistant/_form.html",
                context,
                status=400,
                headers=VARY,
                re_target="#assistant-form",
                re_swap="outerHTML",
            )
        return chat_page(request, db, user, conversation, content=content, error=error, status=400)

    @post("/{conversation_id:uuid}/delete", name="assistant:delete", sync_to_thread=True)
    def delete(
        self,
        request: HTMXRequest,
        db: DbSession,
        user: CurrentUser,
        conversation_id: FromPath[uuid.UUID],
    ) -> Redirect:
        service.delete_conversation(db, user_id=user.id, conversation_id=conversation_id)
        return redirect(request, url_for(request, "assistant:index"), flash="Conversation deleted.")
