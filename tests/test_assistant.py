"""The task assistant through HTTP (SPEC §7 dialogues, §4 routes), on SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re
import uuid
from datetime import UTC, date, datetime, time
from html.parser import HTMLParser
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.assistant import service as assistant_service
from app.config import Settings
from app.main import create_app
from app.models import Conversation, Message, Task, User
from tests.factories import add_task
from tests.web import create_account, csrf_token, sign_in

Client = TestClient[Litestar]
# Wednesday 25 November 2026, 09:00 UTC (10:00 in Paris).
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(settings, clock=lambda: NOW)


@pytest.fixture
def me(client: Client, engine: Engine) -> User:
    user = create_account(engine, "me@example.com", timezone="Europe/Paris")
    sign_in(client, "me@example.com")
    return user


# --- reading the chat -------------------------------------------------------------------------


class Messages(HTMLParser):
    """Each element of class "message": its role, its text and the task ids it names."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, Any]] = []
        self.depth = 0  # inside a message: how many elements deep

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if self.depth:
            if tag not in {"input", "br"}:
                self.depth += 1
            if attributes.get("data-task-id"):
                self.found[-1]["tasks"].append(attributes["data-task-id"])
            if tag == "button" and "choice-button" in (attributes.get("class") or ""):
                self.found[-1]["choices"] += 1
        elif "message" in (attributes.get("class") or "").split():
            self.found.append({"role": attributes.get("data-role"), "text": "", "tasks": []})
            self.found[-1]["choices"] = 0
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in {"input", "br"}:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.found[-1]["text"] += data


def messages_in(html: str) -> list[dict[str, Any]]:
    parser = Messages()
    parser.feed(html)
    for message in parser.found:
        message["text"] = " ".join(message["text"].split())
    return parser.found


class Chat:
    """One conversation, driven as a browser without JavaScript: post, follow the 303."""

    def __init__(self, client: Client, conversation_id: str | None = None) -> None:
        self.client, self.id = client, conversation_id

    @property
    def page(self) -> str:
        return f"/assistant/{self.id}" if self.id else "/assistant"

    def say(self, content: str) -> dict[str, Any]:
        response = post_message(self.client, content, self.id)
        assert response.status_code == 303, response.text
        location = response.headers["location"]
        assert re.fullmatch(r"/assistant/[0-9a-f-]{36}", location)
        self.id = location.rsplit("/", 1)[1]
        page = self.client.get(location)
        assert page.status_code == 200
        *_, user, reply = messages_in(page.text)
        assert (user["role"], user["text"], reply["role"]) == ("user", content, "assistant")
        return reply


def post_message(
    client: Client, content: str, conversation_id: str | None = None, **headers: str
) -> Any:
    token = csrf_token(client.get("/assistant").text)
    data = {"_csrf_token": token, "content": content, "conversation_id": conversation_id or ""}
    return client.post("/assistant/messages", data=data, headers=headers, follow_redirects=False)


def task(engine: Engine, task_id: uuid.UUID) -> Task:
    with Session(engine) as session:
        found = session.get(Task, task_id)
        assert found is not None
        return found


def tasks_titled(engine: Engine, owner: uuid.UUID, title: str) -> list[Task]:
    with Session(engine) as session:
        statement = (
            select(Task).where(Task.user_id == owner, Task.title == title).order_by(Task.due_date)
        )
        return list(session.scalars(statement))


def counts(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return tuple(  # type: ignore[return-value]
            int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Conversation, Message, Task)
        )


# --- the dialogues of §7 ----------------------------------------------------------------------


def test_ambiguity_then_a_number_then_undo(client: Client, me: User, engine: Engine) -> None:
    march = add_task(engine, me.id, "Pay rent March", due_date=date(2026, 11, 30))
    april = add_task(engine, me.id, "Pay rent April", due_date=date(2026, 12, 30))
    chat = Chat(client)

    reply = chat.say("done pay rent")
    assert reply["text"].startswith("Which one?")
    assert reply["tasks"] == [str(march.id), str(april.id)]
    assert reply["choices"] == 2
    assert task(engine, march.id).status == task(engine, april.id).status == "pending"

    reply = chat.say("2")
    assert "Completed “Pay rent April”" in reply["text"]
    assert task(engine, april.id).status == "completed"
    assert task(engine, march.id).status == "pending"
    assert task(engine, april.id).version == 2

    reply = chat.say("undo")
    assert "Reopened “Pay rent April”" in reply["text"]
    assert task(engine, april.id).status == "pending"
    assert task(engine, april.id).completed_at is None

    reply = chat.say("undo")
    assert "nothing of mine to undo" in reply["text"]


def test_the_second_one_and_the_question_survives_a_wrong_number(
    client: Client, me: User, engine: Engine
) -> None:
    first = add_task(engine, me.id, "Call the bank", due_date=date(2026, 11, 26))
    second = add_task(engine, me.id, "Call the plumber", due_date=date(2026, 11, 27))
    chat = Chat(client)
    assert chat.say("delete call")["choices"] == 2
    reply = chat.say("5")
    assert "number from 1 to 2" in reply["text"] and reply["choices"] == 2
    reply = chat.say("the second one")
    assert "Moved “Call the plumber” to the Trash" in reply["text"]
    assert task(engine, second.id).deleted_at is not None
    assert task(engine, first.id).deleted_at is None
    # The question is answered: a number now asks nothing.
    assert "no question" in chat.say("1")["text"]
    assert task(engine, first.id).deleted_at is None


def test_an_exact_title_wins_over_partial_matches(client: Client, me: User, engine: Engine) -> None:
    exact = add_task(engine, me.id, "Pay rent")
    add_task(engine, me.id, "Pay rent for the garage")
    reply = Chat(client).say("complete PAY RENT")
    assert "Completed “Pay rent”" in reply["text"]
    assert task(engine, exact.id).status == "completed"
    [garage] = tasks_titled(engine, me.id, "Pay rent for the garage")
    assert garage.status == "pending"


def test_move_keeps_the_time_and_undo_moves_it_back(
    client: Client, me: User, engine: Engine
) -> None:
    rent = add_task(engine, me.id, "Pay rent", due_date=TODAY, due_time=time(9, 30))
    chat = Chat(client)
    reply = chat.say("move pay rent to friday")
    moved = task(engine, rent.id)
    assert (moved.due_date, moved.due_time, moved.version) == (date(2026, 11, 27), time(9, 30), 2)
    assert reply["tasks"] == [str(rent.id)]
    assert "Fri 09:30" in reply["text"]

    chat.say("postpone pay rent to next week")
    assert task(engine, rent.id).due_date == date(2026, 11, 30)
    assert task(engine, rent.id).due_time == time(9, 30)

    chat.say("undo")
    assert task(engine, rent.id).due_date == date(2026, 11, 27)
    chat.say("undo")
    back = task(engine, rent.id)
    assert (back.due_date, back.due_time) == (TODAY, time(9, 30))


def test_numeric_dates_are_read_in_the_users_date_order(client: Client, engine: Engine) -> None:
    american = create_account(engine, "us@example.com", date_order="mdy")
    sign_in(client, "us@example.com")
    rent = add_task(engine, american.id, "Pay rent", due_date=TODAY)
    Chat(client).say("move pay rent to 12/01")
    assert task(engine, rent.id).due_date == date(2026, 12, 1)


def test_delete_then_undo_restores_the_task(client: Client, me: User, engine: Engine) -> None:
    milk = add_task(engine, me.id, "Buy milk", tags=["shop"])
    chat = Chat(client)
    assert "to the Trash" in chat.say("delete buy milk")["text"]
    assert task(engine, milk.id).deleted_at is not None
    assert str(milk.id) in client.get("/trash").text
    reply = chat.say("undo")
    assert "Restored “Buy milk”" in reply["text"]
    restored = task(engine, milk.id)
    assert restored.deleted_at is None and restored.status == "pending"
    assert 'class="tag"' in client.get("/tasks").text  # its tags came back with it


def test_completing_a_repeating_task_creates_its_next_occurrence(
    client: Client, me: User, engine: Engine
) -> None:
    plants = add_task(engine, me.id, "Water plants", due_date=TODAY, recurrence="FREQ=WEEKLY")
    chat = Chat(client)
    reply = chat.say("done water plants")
    [done, following] = tasks_titled(engine, me.id, "Water plants")
    assert done.id == plants.id and done.status == "completed"
    assert (following.status, following.due_date) == ("pending", date(2026, 12, 2))
    assert reply["tasks"] == [str(following.id)]

    chat.say("undo")  # reopens it and takes back the untouched next occurrence
    assert task(engine, plants.id).status == "pending"
    assert [t.id for t in tasks_titled(engine, me.id, "Water plants")] == [plants.id]


def test_add_uses_quick_add_and_undo_moves_it_to_the_trash(
    client: Client, me: User, engine: Engine
) -> None:
    chat = Chat(client)
    reply = chat.say("add Pay rent tomorrow 9am !high #bills")
    [rent] = tasks_titled(engine, me.id, "Pay rent")
    assert (rent.due_date, rent.due_time, rent.priority) == (
        date(2026, 11, 26),
        time(9),
        "high",
    )
    assert reply["tasks"] == [str(rent.id)]
    assert reply["text"].startswith("Added")
    assert "Tomorrow 09:00" in reply["text"]
    assert re.findall(r'class="tag"[^>]*>([^<]+)<', client.get("/tasks").text) == ["bills"]

    chat.say("undo")
    assert task(engine, rent.id).deleted_at is not None


def test_add_keeps_any_repeat_rule_the_quick_add_grammar_reads(
    client: Client, me: User, engine: Engine
) -> None:
    chat = Chat(client)
    chat.say("add Pay rent tomorrow every month")
    [rent] = tasks_titled(engine, me.id, "Pay rent")
    assert (rent.recurrence, rent.due_date) == ("FREQ=MONTHLY", date(2026, 11, 26))
    reply = chat.say("add Stretch every mon, wed")
    assert "Added" in reply["text"] and "every Monday and Wednesday" in reply["text"]
    [stretch] = tasks_titled(engine, me.id, "Stretch")
    assert stretch.recurrence == "FREQ=WEEKLY;BYDAY=MO,WE"


def test_what_is_due_today_lists_overdue_ones_in_their_own_section(
    client: Client, me: User, engine: Engine
) -> None:
    late = add_task(engine, me.id, "File taxes", due_date=date(2026, 11, 20))
    today = add_task(engine, me.id, "Pay rent", due_date=TODAY)
    add_task(engine, me.id, "Call Mum", due_date=date(2026, 11, 26))
    add_task(engine, me.id, "Someday")
    add_task(engine, create_account(engine, "them@example.com").id, "Theirs", due_date=TODAY)
    chat = Chat(client)

    reply = chat.say("what's due today?")
    assert reply["tasks"] == [str(late.id), str(today.id)]
    assert "Overdue" in reply["text"] and "Overdue · 5 days" in reply["text"]

    tomorrow = chat.say("what's due tomorrow")
    assert [task(engine, uuid.UUID(i)).title for i in tomorrow["tasks"]] == ["Call Mum"]
    assert len(chat.say("what's next")["tasks"]) == 4
    assert chat.say("show overdue")["tasks"] == [str(late.id)]


def test_long_lists_show_the_first_ten_and_link_to_the_rest(
    client: Client, me: User, engine: Engine
) -> None:
    for number in range(12):
        add_task(engine, me.id, f"Chore {number:02}", due_date=TODAY)
    chat = Chat(client)
    reply = chat.say("what's due today")
    assert len(reply["tasks"]) == 10 and "10+ tasks due today" in reply["text"]
    assert 'href="/tasks?due=today"' in client.get(chat.page).text
    question = chat.say("done chore")
    assert question["choices"] == 9 and "add a word to narrow it" in question["text"]
    assert "Completed “Chore 11”" in chat.say("done chore 11")["text"]


def test_list_by_tag_priority_and_search(client: Client, me: User, engine: Engine) -> None:
    bills = add_task(engine, me.id, "Pay rent", tags=["Bills"], priority="high")
    milk = add_task(engine, me.id, "Buy oat milk", description="the barista kind")
    chat = Chat(client)
    assert chat.say("list #bills")["tasks"] == [str(bills.id)]
    assert chat.say("show high priority")["tasks"] == [str(bills.id)]
    assert chat.say("find barista")["tasks"] == [str(milk.id)]
    assert "No task mentions" in chat.say("find nothing-like-this")["text"]


def test_no_match_says_so_and_offers_a_close_title_without_acting(
    client: Client, me: User, engine: Engine
) -> None:
    rent = add_task(engine, me.id, "Pay rent")
    reply = Chat(client).say("done pay rnet")
    assert "No task matches" in reply["text"] and "Did you mean" in reply["text"]
    assert reply["tasks"] == [str(rent.id)]
    assert task(engine, rent.id).status == "pending"


def test_anything_else_is_a_friendly_reply(client: Client, me: User, engine: Engine) -> None:
    chat = Chat(client)
    assert "did not understand" in chat.say("tell me a joke")["text"]
    assert "add" in chat.say("help")["text"]
    assert counts(engine)[2] == 0


# --- conversations ----------------------------------------------------------------------------


def test_conversations_are_titled_listed_newest_first_and_deleted(
    client: Client, me: User, engine: Engine
) -> None:
    first, second = Chat(client), Chat(client)
    first.say("what's next")
    second.say("help")
    first.say("show overdue")  # the most recently active now
    page = client.get("/assistant").text
    titles = re.findall(r'<li><a href="/assistant/[^"]+"[^>]*>([^<]+)</a></li>', page)
    assert [html.unescape(title) for title in titles] == ["what's next", "help"]
    roles = [m["role"] for m in messages_in(client.get(first.page).text)]
    assert roles == ["user", "assistant", "user", "assistant"]
    assert [m["text"] for m in messages_in(client.get(first.page).text)][::2] == [
        "what's next",
        "show overdue",
    ]

    token = csrf_token(page)
    response = client.post(
        f"/assistant/{first.id}/delete", data={"_csrf_token": token}, follow_redirects=False
    )
    assert (response.status_code, response.headers["location"]) == (303, "/assistant")
    assert client.get(first.page).status_code == 404
    assert counts(engine)[:2] == (1, 2)  # its messages went with it


def test_an_empty_conversation_suggests_prompts(client: Client, me: User) -> None:
    page = client.get("/assistant").text
    assert 'class="suggestion-button"' in page and "what&#39;s due today" in page
    assert 'href="/assistant"' in page  # the header link


def test_htmx_gets_the_two_new_messages_as_a_fragment(
    client: Client, me: User, engine: Engine
) -> None:
    rent = add_task(engine, me.id, "Pay rent", due_date=TODAY)
    response = post_message(client, "what's due today", None, **{"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    [said, answer] = messages_in(response.text)
    assert (said["role"], answer["role"]) == ("user", "assistant")
    assert answer["tasks"] == [str(rent.id)]
    [conversation_id] = re.findall(
        r'id="conversation-id" name="conversation_id" value="([^"]+)"', response.text
    )
    assert response.headers["hx-push-url"] == f"/assistant/{conversation_id}"
    assert response.headers["vary"] == "HX-Request"
    # The next message continues the same conversation.
    response = post_message(client, "undo", conversation_id, **{"HX-Request": "true"})
    assert response.status_code == 200
    assert len(messages_in(client.get(f"/assistant/{conversation_id}").text)) == 4


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("   ", "Message is required."),
        ("x" * 2001, "at most 2000 characters"),
        ("add pay\x00 rent", "not allowed"),
        ("add pay\x1b rent", "not allowed"),
    ],
)
def test_bad_input_is_a_400_beside_the_box_and_stores_nothing(
    client: Client, me: User, engine: Engine, content: str, message: str
) -> None:
    response = post_message(client, content)
    assert response.status_code == 400
    assert 'class="field-error"' in response.text and message in response.text
    assert 'aria-invalid="true"' in response.text
    fragment = post_message(client, content, None, **{"HX-Request": "true"})
    assert fragment.status_code == 400 and "<html" not in fragment.text
    assert fragment.headers["hx-retarget"] == "#assistant-form"
    assert message in fragment.text
    assert counts(engine) == (0, 0, 0)


def test_two_thousand_characters_are_fine(client: Client, me: User, engine: Engine) -> None:
    assert post_message(client, "find " + "x" * 1995).status_code == 303


def test_the_message_pair_and_the_change_commit_together_or_not_at_all(
    client: Client, me: User, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: object) -> None:
        raise RuntimeError("the reply could not be stored")

    monkeypatch.setattr(assistant_service.Reply, "state", broken)
    response = post_message(client, "add Pay rent tomorrow")
    assert response.status_code == 500
    assert counts(engine) == (0, 0, 0)  # neither the task, nor a message, nor a conversation


# --- isolation --------------------------------------------------------------------------------


def test_another_users_conversation_is_a_404_on_every_route(
    client: Client, me: User, engine: Engine, new_client: Any
) -> None:
    create_account(engine, "them@example.com")
    theirs = new_client()
    sign_in(theirs, "them@example.com")
    their_chat = Chat(theirs)
    their_chat.say("what's next")
    before = counts(engine)

    assert client.get(f"/assistant/{their_chat.id}").status_code == 404
    assert post_message(client, "help", their_chat.id).status_code == 404
    token = csrf_token(client.get("/assistant").text)
    deleted = client.post(f"/assistant/{their_chat.id}/delete", data={"_csrf_token": token})
    assert deleted.status_code == 404
    missing = str(uuid.uuid4())
    assert client.get(f"/assistant/{missing}").status_code == 404
    assert post_message(client, "help", missing).status_code == 404
    assert post_message(client, "help", "not-a-uuid").status_code == 404
    assert counts(engine) == before
    assert their_chat.id not in client.get("/assistant").text


def test_the_assistant_never_sees_or_touches_another_users_tasks(
    client: Client, me: User, engine: Engine
) -> None:
    them = create_account(engine, "them@example.com")
    theirs = add_task(engine, them.id, "Pay rent", due_date=TODAY, tags=["bills"])
    chat = Chat(client)
    for line in ("done pay rent", "delete pay rent", "move pay rent to friday"):
        assert "No task matches" in chat.say(line)["text"]
    for line in ("what's due today", "list #bills", "find rent", "what's next"):
        assert chat.say(line)["tasks"] == []
    assert "nothing of mine to undo" in chat.say("undo")["text"]
    untouched = task(engine, theirs.id)
    assert (untouched.status, untouched.due_date, untouched.deleted_at, untouched.version) == (
        "pending",
        TODAY,
        None,
        1,
    )


def test_signed_out_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get("/assistant", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin?next=/assistant")
