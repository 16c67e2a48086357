"""The assistant acting on what it understood: replies computed from the user's own tasks,
changes made through the task services the pages use (validation, recurrence, Trash, version
bumps), and the message pair stored in the same transaction as the change."""

from __future__ import annotations

import difflib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from litestar.exceptions import NotFoundException
from pydantic import ValidationError
from sqlalchemy import ColumnElement, case
from sqlmodel import Session, col

from app.assistant import intents, reading
from app.assistant.intents import Intent, Pending
from app.assistant.queries import get_conversation, last_message, recent_replies
from app.db import fold, utcnow
from app.models import (
    DATE_MAX,
    DATE_MIN,
    TITLE_MAX,
    Conversation,
    Message,
    Priority,
    Role,
    Status,
    Tag,
    Task,
    TaskFields,
    TaskInput,
    TaskTag,
)
from app.tasks import service
from app.tasks.dates import LocalNow
from app.tasks.listing import SEARCH_TEXT, overdue_condition
from app.tasks.queries import get_task, tags_of, tags_of_user, tasks_of
from app.tasks.quickadd import Parsed, summary

CONTENT_MAX = 2000  # SPEC §4: a message over 2,000 characters is refused
CONVERSATION_TITLE_MAX = 80
SHOWN = 10  # tasks listed per section of a reply
CHOICES_MAX = 9  # candidates offered by "Which one?"
SUGGESTION_POOL = 500  # titles looked through for "Did you mean …?"

EXAMPLES = (
    "add Pay rent tomorrow 9am !high #bills",
    "remind me to call Mum friday",
    "what's due today",
    "what's due this week",
    "what's next",
    "show overdue",
    "list #bills",
    "show high priority",
    "find milk",
    "done pay rent",
    "reopen pay rent",
    "delete pay rent",
    "move pay rent to friday",
    "postpone pay rent by a week",
    "undo",
)
SUGGESTIONS = ("what's due today", "what's next", "show overdue", "help")


# --- replies ----------------------------------------------------------------------------------


def task_ref(task: Task) -> dict[str, Any]:
    """What a reply remembers of a task it names (the page renders its due date anew)."""
    return {
        "id": str(task.id),
        "title": task.title,
        "status": task.status,
        "due_date": task.due_date.isoformat() if task.due_date else None,
        "due_time": task.due_time.strftime("%H:%M") if task.due_time else None,
    }


@dataclass
class Section:
    tasks: list[dict[str, Any]]
    heading: str = ""
    numbered: bool = False
    more: str = ""  # the list page's query string showing all of them, when there are more

    def as_state(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v}


@dataclass
class Reply:
    text: str
    sections: list[Section] = field(default_factory=list)
    examples: tuple[str, ...] = ()
    ask: dict[str, Any] | None = None  # the open "Which one?" question
    undo: dict[str, Any] | None = None  # how to reverse the change this reply reports

    def content(self) -> str:
        """The reply as plain text: what the messages table keeps."""
        lines = [self.text]
        for section in self.sections:
            if section.heading:
                lines.append(section.heading)
            for number, task in enumerate(section.tasks, start=1):
                bullet = f"{number}." if section.numbered else "-"
                due = f" ({task['due_date']})" if task["due_date"] else ""
                lines.append(f"{bullet} {task['title']}{due}")
        lines.extend(f"- {example}" for example in self.examples)
        return "\n".join(lines)[:CONTENT_MAX]

    def state(self) -> dict[str, Any] | None:
        state: dict[str, Any] = {
            "text": self.text,
            "sections": [section.as_state() for section in self.sections],
            "examples": list(self.examples),
            "ask": self.ask,
            "undo": self.undo,
        }
        return {k: v for k, v in state.items() if v} or None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _how_many(tasks: list[Task], noun: str) -> str:
    """ "1 task", "3 tasks", or "10+ tasks" when a reply shows only the first SHOWN."""
    return f"{SHOWN}+ {noun}s" if len(tasks) > SHOWN else _plural(len(tasks), noun)


def _quoted(task: Task) -> str:
    return f"“{task.title}”"


# --- the exchange -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Exchange:
    conversation: Conversation
    created: bool
    messages: tuple[Message, Message]
    closed: Message | None  # the reply whose "Which one?" this message answered or dropped


def title_from(content: str) -> str:
    """A conversation's title: its first message, on one line, shortened."""
    line = " ".join(content.split())
    if len(line) <= CONVERSATION_TITLE_MAX:
        return line
    return line[: CONVERSATION_TITLE_MAX - 1].rstrip() + "…"


def user_zone(timezone: str) -> ZoneInfo:
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def send_message(
    db: Session,
    *,
    user_id: uuid.UUID,
    timezone: str,
    date_order: str,
    conversation_id: uuid.UUID | None,
    content: str,
    now: datetime,
) -> Exchange:
    """Store the user's message, act on it and store the reply, all in the caller's
    transaction: the request commits the pair and the change together, or none of them."""
    if conversation_id is None:
        conversation = Conversation(user_id=user_id, title=title_from(content))
        db.add(conversation)
        db.flush()
        previous = None
    else:
        conversation = get_conversation(db, user_id, conversation_id)  # 404 before anything
        previous = last_message(db, user_id, conversation.id)
    said = Message(
        conversation_id=conversation.id, user_id=user_id, role=Role.user, content=content
    )
    db.add(said)
    db.flush()
    question = _open_question(previous)
    pending = Pending(question["action"], len(question["ids"])) if question else None
    intent = reading.understand(
        content, pending=pending, now=now.astimezone(user_zone(timezone)), date_order=date_order
    )
    helper = Assistant(db, user_id=user_id, conversation=conversation, now=now, timezone=timezone)
    reply = helper.respond(intent, question)
    answer = Message(
        conversation_id=conversation.id,
        user_id=user_id,
        role=Role.assistant,
        content=reply.content(),
        state=reply.state(),
    )
    db.add(answer)
    conversation.updated_at = utcnow()  # the sidebar shows the latest active first
    db.flush()
    closed = previous if question else None
    return Exchange(conversation, conversation_id is None, (said, answer), closed)


def _open_question(previous: Message | None) -> dict[str, Any] | None:
    """The "Which one?" still waiting: only the conversation's very last message asks it."""
    if previous is None or previous.role != Role.assistant or not previous.state:
        return None
    ask = previous.state.get("ask")
    return ask if isinstance(ask, dict) and ask.get("ids") else None


def delete_conversation(db: Session, *, user_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
    """Delete one of the user's conversations; its messages go with it (ON DELETE CASCADE)."""
    conversation = get_conversation(db, user_id, conversation_id)
    db.delete(conversation)
    db.flush()


# --- acting -----------------------------------------------------------------------------------


class Assistant:
    """One reply's work for one user in one conversation, at one moment."""

    def __init__(
        self,
        db: Session,
        *,
        user_id: uuid.UUID,
        conversation: Conversation,
        now: datetime,
        timezone: str,
    ) -> None:
        self.db, self.user_id, self.conversation, self.now = db, user_id, conversation, now
        self.local = LocalNow.at(now, timezone)

    def respond(self, intent: Intent, question: dict[str, Any] | None) -> Reply:
        match intent:
            case intents.Help():
                return Reply("Here is what I understand, with examples:", examples=EXAMPLES)
            case intents.SmallTalk(reply=text):
                return Reply(text)
            case intents.Add(parsed=parsed):
                return self.add(parsed)
            case intents.Show(view=view, arg=arg):
                return self.show(view, arg)
            case intents.Act(action=action, words=words):
                return self.find_and_do({"action": action}, words)
            case intents.Move(words=words, due_date=due, due_time=at, by_days=days):
                move = {
                    "action": "move",
                    "due_date": due.isoformat() if due else None,
                    "due_time": at.strftime("%H:%M") if at else None,
                    "by_days": days,
                }
                return self.find_and_do(move, words)
            case intents.Undo():
                return self.undo()
            case intents.Choose(number=number) if question:
                return self.choose(question, number)
            case intents.Narrow(words=words) if question:
                return self.narrow(question, words)
            case intents.Dismiss():
                return Reply("OK, I left them as they are.")
            case intents.Problem(message=message):
                return Reply(message)
        return Reply(
            "Sorry, I did not understand that. Write “help” to see what I can do, "
            "e.g. “what's due today” or “add pay rent friday”."
        )

    # -- adding -----------------------------------------------------------------------------

    def add(self, parsed: Parsed) -> Reply:
        if len(parsed.title) > TITLE_MAX:
            return Reply(f"A title can be at most {TITLE_MAX} characters. Nothing was added.")
        try:
            data = TaskInput(
                title=parsed.title,
                priority=parsed.priority or Priority.medium,
                due_date=parsed.due_date,
                due_time=parsed.due_time,
                estimated_hours=parsed.estimated_hours,
                recurrence=parsed.recurrence,
                tags=list(parsed.tags),
            )
        except ValidationError as error:
            return Reply(f"That task cannot be added: {_first_error(error)}. Nothing was added.")
        task = service.create_task(self.db, owner_id=self.user_id, data=data)
        return Reply(
            f"Added {summary(parsed)}.",
            [Section([task_ref(task)])],
            undo={"action": "add", "task": str(task.id)},
        )

    # -- showing ----------------------------------------------------------------------------

    def _pending(self, *conditions: ColumnElement[bool]) -> list[Task]:
        statement = (
            tasks_of(self.user_id)
            .where(col(Task.status) == Status.pending, *conditions)
            .order_by(
                col(Task.due_date).asc().nulls_last(),
                col(Task.due_time).asc().nulls_last(),
                col(Task.id),
            )
        )
        return list(self.db.scalars(statement.limit(SHOWN + 1)))

    def _section(self, tasks: list[Task], heading: str = "", more: str = "") -> Section:
        return Section(
            [task_ref(t) for t in tasks[:SHOWN]],
            heading=heading,
            more=more if len(tasks) > SHOWN else "",
        )

    def show(self, view: str, arg: str) -> Reply:
        today = self.local.today
        if view == "today":
            overdue = self._pending(col(Task.due_date) < today)
            due = self._pending(col(Task.due_date) == today)
            if not overdue and not due:
                return Reply("Nothing is due today, and nothing is overdue.")
            sections = []
            if overdue:
                sections.append(self._section(overdue, "Overdue", "status=overdue"))
            sections.append(self._section(due, "Due today", "due=today"))
            text = f"{_how_many(due, 'task')} due today" + (
                f", and {_how_many(overdue, 'overdue task')}." if overdue else "."
            )
            if not due:
                sections[-1].heading = "Due today: nothing"
            return Reply(text, sections)
        if view == "tomorrow":
            tasks = self._pending(col(Task.due_date) == today + timedelta(days=1))
            return self._listing(tasks, "due tomorrow", "")
        if view == "week":
            week = col(Task.due_date).between(today, today + timedelta(days=6))
            return self._listing(self._pending(week), "due this week", "due=week")
        if view == "next":
            tasks = self._pending()[:5]
            if not tasks:
                return Reply("Nothing left to do. Enjoy!")
            return Reply("Next up:", [Section([task_ref(t) for t in tasks], more="")])
        if view == "overdue":
            tasks = self._pending(overdue_condition(self.local.today, self.local.time))
            return self._listing(tasks, "overdue", "status=overdue")
        if view == "pending":
            return self._listing(self._pending(), "to do", "")
        if view == "completed":
            statement = (
                tasks_of(self.user_id)
                .where(col(Task.status) == Status.completed)
                .order_by(col(Task.completed_at).desc(), col(Task.id).desc())
            )
            tasks = list(self.db.scalars(statement.limit(SHOWN + 1)))
            return self._listing(tasks, "completed", "status=completed", latest=True)
        if view == "tag":
            tagged = (
                tags_of_user(self.user_id)
                .join(TaskTag, col(TaskTag.tag_id) == col(Tag.id))
                .where(col(TaskTag.task_id) == col(Task.id), fold(col(Tag.name)) == arg.lower())
                .exists()
            )
            more = urlencode({"tag": arg})
            return self._listing(self._pending(tagged), f"tagged #{arg}", more)
        if view == "priority":
            tasks = self._pending(col(Task.priority) == arg)
            return self._listing(tasks, f"of {arg} priority", urlencode({"priority": arg}))
        return self.find(arg)

    def _listing(self, tasks: list[Task], what: str, more: str, *, latest: bool = False) -> Reply:
        if not tasks:
            return Reply(f"No tasks {what}.")
        order = "the latest first" if latest else "in due order"
        text = f"{_how_many(tasks, 'task')} {what}, {order}:"
        return Reply(text, [self._section(tasks, more=more)])

    def find(self, words: str) -> Reply:
        statement = tasks_of(self.user_id)
        for word in words.lower().split():
            statement = statement.where(fold(SEARCH_TEXT).contains(word, autoescape=True))
        statement = statement.order_by(
            col(Task.status).desc(),  # pending before completed
            col(Task.due_date).asc().nulls_last(),
            col(Task.id),
        )
        tasks = list(self.db.scalars(statement.limit(SHOWN + 1)))
        if not tasks:
            return Reply(f"No task mentions “{words}”.")
        return self._listing(tasks, f"mention “{words}”", urlencode({"q": words, "status": "all"}))

    # -- matching ---------------------------------------------------------------------------

    def _candidates(self, action: str, words: str, *, any_status: bool = False) -> list[Task]:
        """The tasks an action may apply to whose title holds every word; an exact title
        (ignoring case) wins over partial matches."""
        phrase = " ".join(words.lower().split())
        statement = tasks_of(self.user_id)
        if not any_status and action in {"complete", "move"}:
            statement = statement.where(col(Task.status) == Status.pending)
        elif not any_status and action == "reopen":
            statement = statement.where(col(Task.status) == Status.completed)
        for word in phrase.split():
            statement = statement.where(fold(col(Task.title)).contains(word, autoescape=True))
        exact_first = case((fold(col(Task.title)) == phrase, 0), else_=1)
        statement = statement.order_by(
            exact_first, col(Task.due_date).asc().nulls_last(), col(Task.id)
        )
        found = list(self.db.scalars(statement.limit(CHOICES_MAX + 1)))
        exact = [task for task in found if " ".join(task.title.lower().split()) == phrase]
        return exact or found

    def find_and_do(self, request: dict[str, Any], words: str) -> Reply:
        action = request["action"]
        found = self._candidates(action, words)
        if len(found) == 1:
            return self.do(request, found[0])
        if found:
            ask = {**request, "ids": [str(task.id) for task in found[:CHOICES_MAX]]}
            many = (
                f" ({CHOICES_MAX} shown; add a word to narrow it)"
                if len(found) > CHOICES_MAX
                else ""
            )
            section = Section([task_ref(t) for t in found[:CHOICES_MAX]], numbered=True)
            return Reply(
                f"Which one? Answer with its number{many}.",
                [section],
                ask=ask,
            )
        return self._no_match(action, words)

    def _no_match(self, action: str, words: str) -> Reply:
        elsewhere = self._candidates(action, words, any_status=True)
        if elsewhere and action == "complete":
            return Reply(
                f"{_quoted(elsewhere[0])} is already done.", [Section([task_ref(elsewhere[0])])]
            )
        if elsewhere and action == "reopen":
            return Reply(
                f"{_quoted(elsewhere[0])} is not done yet.", [Section([task_ref(elsewhere[0])])]
            )
        if elsewhere and action == "move":
            return Reply(
                f"{_quoted(elsewhere[0])} is already done; reopen it first.",
                [Section([task_ref(elsewhere[0])])],
            )
        text = f"No task matches “{words}”."
        statement = tasks_of(self.user_id).order_by(col(Task.updated_at).desc())
        pool = list(self.db.scalars(statement.limit(SUGGESTION_POOL)))
        # A typo ("pay rnet") is offered, never acted on: an action needs the words to match.
        close = difflib.get_close_matches(
            words.lower(), [t.title.lower() for t in pool], n=3, cutoff=0.75
        )
        suggested = [next(t for t in pool if t.title.lower() == title) for title in close]
        if suggested:
            return Reply(f"{text} Did you mean:", [Section([task_ref(t) for t in suggested])])
        return Reply(text + " Write “find …” to search, or “help” for examples.")

    def choose(self, question: dict[str, Any], number: int) -> Reply:
        ids = question["ids"]
        if not 1 <= number <= len(ids):
            section = Section([task_ref(t) for t in self._tasks_by_ids(ids)], numbered=True)
            return Reply(
                f"Please answer with a number from 1 to {len(ids)}.", [section], ask=question
            )
        task = self._tasks_by_ids([ids[number - 1]])
        if not task:
            return Reply("That task is no longer there; nothing was changed.")
        return self.do(question, task[0])

    def narrow(self, question: dict[str, Any], words: str) -> Reply:
        tasks = self._tasks_by_ids(question["ids"])
        wanted = words.lower().split()
        matching = [t for t in tasks if all(w in t.title.lower() for w in wanted)]
        if len(matching) == 1:
            return self.do(question, matching[0])
        section = Section([task_ref(t) for t in tasks], numbered=True)
        return Reply(
            "I still do not know which one. Answer with its number, or “never mind”.",
            [section],
            ask={**question, "ids": [str(t.id) for t in tasks]},
        )

    def _tasks_by_ids(self, ids: list[str]) -> list[Task]:
        """The user's live tasks among these ids, in the given order."""
        wanted = [uuid.UUID(i) for i in ids]
        found = {
            t.id: t for t in self.db.scalars(tasks_of(self.user_id).where(col(Task.id).in_(wanted)))
        }
        return [found[i] for i in wanted if i in found]

    # -- changing ---------------------------------------------------------------------------

    def do(self, request: dict[str, Any], task: Task) -> Reply:
        action = request["action"]
        if action == "complete":
            return self.complete(task)
        if action == "reopen":
            return self.reopen(task)
        if action == "delete":
            service.trash_task(self.db, owner_id=self.user_id, task_id=task.id, now=self.now)
            return Reply(
                f"Moved {_quoted(task)} to the Trash.",
                undo={"action": "delete", "task": str(task.id)},
            )
        return self.move(task, request)

    def complete(self, task: Task) -> Reply:
        if task.status == Status.completed:
            return Reply(f"{_quoted(task)} is already done.", [Section([task_ref(task)])])
        task, following = service.toggle_task(
            self.db, owner_id=self.user_id, task_id=task.id, now=self.now
        )
        sections = [Section([task_ref(task)])]
        text = f"Completed {_quoted(task)}."
        if following is not None:
            text += " The next one is on your list:"
            sections = [Section([task_ref(following)])]
        undo = {"action": "complete", "task": str(task.id)}
        if following is not None:
            undo["following"] = str(following.id)
        return Reply(text, sections, undo=undo)

    def reopen(self, task: Task) -> Reply:
        if task.status == Status.pending:
            return Reply(f"{_quoted(task)} is not done yet.", [Section([task_ref(task)])])
        service.toggle_task(self.db, owner_id=self.user_id, task_id=task.id, now=self.now)
        return Reply(
            f"Reopened {_quoted(task)}.",
            [Section([task_ref(task)])],
            undo={"action": "reopen", "task": str(task.id)},
        )

    def move(self, task: Task, request: dict[str, Any]) -> Reply:
        if request.get("by_days"):
            if task.due_date is None:
                return Reply(
                    f"{_quoted(task)} has no due date to postpone; say which day instead, "
                    f"e.g. “move {task.title} to friday”."
                )
            new_date = task.due_date + timedelta(days=int(request["by_days"]))
            new_time = task.due_time
        else:
            new_date = date.fromisoformat(request["due_date"])
            given = request.get("due_time")
            new_time = time.fromisoformat(given) if given else task.due_time  # keep the time
        if not DATE_MIN <= new_date <= DATE_MAX:
            return Reply("That date is out of range; nothing was changed.")
        undo = {
            "action": "move",
            "task": str(task.id),
            "due_date": task.due_date.isoformat() if task.due_date else None,
            "due_time": task.due_time.strftime("%H:%M") if task.due_time else None,
        }
        moved = self._set_due(task, new_date, new_time)
        if isinstance(moved, Reply):
            return moved
        return Reply(f"Moved {_quoted(moved)}:", [Section([task_ref(moved)])], undo=undo)

    def _set_due(self, task: Task, due_date: date | None, due_time: time | None) -> Task | Reply:
        """Change only the due date and time, through the edit service (version bump, 409 rule)."""
        values = {name: getattr(task, name) for name in TaskFields.model_fields}
        values |= {"due_date": due_date, "due_time": due_time if due_date else None}
        data = TaskInput(**values, tags=tags_of(self.db, self.user_id, task.id))
        try:
            return service.update_task(
                self.db, owner_id=self.user_id, task_id=task.id, version=task.version, data=data
            )
        except service.StaleVersion:
            return Reply(f"{_quoted(task)} changed elsewhere just now; nothing was changed.")

    # -- undoing ----------------------------------------------------------------------------

    def undo(self) -> Reply:
        for message in recent_replies(self.db, self.user_id, self.conversation.id):
            state = message.state or {}
            if state.get("undo") and not state.get("undone"):
                reply = self._reverse(state["undo"])
                message.state = {**state, "undone": True}  # a new dict: the ORM sees the change
                return reply
        return Reply("There is nothing of mine to undo in this conversation.")

    def _reverse(self, record: dict[str, Any]) -> Reply:
        action, task_id = record["action"], uuid.UUID(record["task"])
        try:
            if action == "delete":
                task = service.restore_task(self.db, owner_id=self.user_id, task_id=task_id)
                return Reply(
                    f"Restored {_quoted(task)} from the Trash.", [Section([task_ref(task)])]
                )
            task = get_task(self.db, self.user_id, task_id)
        except NotFoundException:
            return Reply("That task is gone (deleted or purged), so there is nothing to undo.")
        if action == "add":
            service.trash_task(self.db, owner_id=self.user_id, task_id=task.id, now=self.now)
            return Reply(f"Removed {_quoted(task)} (it is in the Trash).")
        if action == "complete":
            if task.status == Status.completed:
                service.toggle_task(self.db, owner_id=self.user_id, task_id=task.id, now=self.now)
            self._drop_following(record.get("following"))
            return Reply(f"Reopened {_quoted(task)}.", [Section([task_ref(task)])])
        if action == "reopen":
            if task.status == Status.pending:
                service.toggle_task(self.db, owner_id=self.user_id, task_id=task.id, now=self.now)
            return Reply(f"Marked {_quoted(task)} done again.", [Section([task_ref(task)])])
        old_date = date.fromisoformat(record["due_date"]) if record.get("due_date") else None
        old_time = time.fromisoformat(record["due_time"]) if record.get("due_time") else None
        moved = self._set_due(task, old_date, old_time)
        if isinstance(moved, Reply):
            return moved
        return Reply(f"Moved {_quoted(moved)} back:", [Section([task_ref(moved)])])

    def _drop_following(self, following_id: str | None) -> None:
        """Undoing a completion takes back the next occurrence it created, if untouched."""
        if not following_id:
            return
        following = self._tasks_by_ids([following_id])
        if following and following[0].status == Status.pending and following[0].version == 1:
            service.trash_task(
                self.db, owner_id=self.user_id, task_id=following[0].id, now=self.now
            )


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ())).replace("_", " ")
    return f"{where}: {first.get('msg', 'not valid')}".strip(": ")
