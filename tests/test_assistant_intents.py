"""The assistant's understanding, as pure functions: text (+ an open question) → an intent."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from app.assistant.intents import (
    Act,
    Add,
    Choose,
    Dismiss,
    Help,
    Intent,
    Move,
    Narrow,
    NotUnderstood,
    Pending,
    Problem,
    Show,
    SmallTalk,
    Undo,
)
from app.assistant.reading import understand

# Wednesday 25 November 2026, 10:00 in Paris.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
TOMORROW, FRIDAY, NEXT_MONDAY = date(2026, 11, 26), date(2026, 11, 27), date(2026, 11, 30)
QUESTION = Pending(action="complete", count=3)


def said(text: str, pending: Pending | None = None) -> Intent:
    return understand(text, pending=pending, now=NOW)


@pytest.mark.parametrize(
    "text",
    [
        "help",
        "Help!",
        "?",
        "what can you do?",
        "What do you understand",
        "how does this work",
        "How do I add a task?",  # a question about adding, not an add
        "how can I delete something",
        "please help",
    ],
)
def test_help(text: str) -> None:
    assert said(text) == Help()


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("add pay rent", "pay rent"),
        ("Add: pay rent", "pay rent"),
        ("add task pay rent", "pay rent"),
        ("add a task pay rent", "pay rent"),
        ("new task pay rent", "pay rent"),
        ("New task: pay rent", "pay rent"),
        ("create task pay rent", "pay rent"),
        ("remind me to pay rent", "pay rent"),
        ("Remind me pay rent", "pay rent"),
        ("please add pay rent", "pay rent"),
        ("todo: pay rent", "pay rent"),
        ("add to-do list cleanup", "to-do list cleanup"),
    ],
)
def test_add_phrasings_keep_the_title(text: str, title: str) -> None:
    intent = said(text)
    assert isinstance(intent, Add)
    assert intent.parsed.title == title


def test_add_uses_the_quick_add_grammar() -> None:
    intent = said("add Pay rent tomorrow 9am !high #bills")
    assert isinstance(intent, Add)
    parsed = intent.parsed
    assert (parsed.title, parsed.due_date, parsed.due_time) == ("Pay rent", TOMORROW, time(9))
    assert (parsed.priority, parsed.tags) == ("high", ("bills",))


def test_remind_me_with_the_date_first_drops_the_to() -> None:
    intent = said("remind me friday to call Mum")
    assert isinstance(intent, Add)
    assert (intent.parsed.title, intent.parsed.due_date) == ("call Mum", FRIDAY)


@pytest.mark.parametrize("text", ["add", "Add a task", "new task", "remind me to"])
def test_add_with_nothing_to_add_asks_what(text: str) -> None:
    intent = said(text)
    assert isinstance(intent, Problem) and "Add what?" in intent.message


def test_add_with_only_a_date_is_a_problem_not_a_task() -> None:
    intent = said("add tomorrow 9am")
    assert isinstance(intent, Problem) and "Nothing was added" in intent.message


@pytest.mark.parametrize(
    ("text", "view"),
    [
        ("what's due today", "today"),
        ("What’s due today?", "today"),
        ("whats due today", "today"),
        ("what is due today", "today"),
        ("today", "today"),
        ("show today's tasks", "today"),
        ("what do I have today", "today"),
        ("due tomorrow", "tomorrow"),
        ("what's due tomorrow?", "tomorrow"),
        ("what's due this week", "week"),
        ("this week", "week"),
        ("what's next", "next"),
        ("What's next?", "next"),
        ("what should I do next", "next"),
        ("upcoming", "next"),
        ("show overdue", "overdue"),
        ("what's overdue", "overdue"),
        ("overdue tasks", "overdue"),
        ("show completed", "completed"),
        ("list", "pending"),
        ("show my tasks", "pending"),
        ("what do I have to do", "pending"),
    ],
)
def test_views(text: str, view: str) -> None:
    assert said(text) == Show(view)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("list #bills", Show("tag", "bills")),
        ("#bills", Show("tag", "bills")),
        ("show tasks tagged bills", Show("tag", "bills")),
        ("show high priority", Show("priority", "high")),
        ("show high priority tasks", Show("priority", "high")),
        ("list !low", Show("priority", "low")),
        ("p1", Show("priority", "high")),
        ("urgent", Show("priority", "high")),
        ("find milk", Show("find", "milk")),
        ("search for oat milk", Show("find", "oat milk")),
        ("where is my passport?", Show("find", "passport")),
    ],
)
def test_filters_and_search(text: str, intent: Intent) -> None:
    assert said(text) == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("complete pay rent", Act("complete", "pay rent")),
        ("done pay rent", Act("complete", "pay rent")),
        ("Done with the pay rent task", Act("complete", "pay rent")),
        ("finished pay rent", Act("complete", "pay rent")),
        ("mark pay rent as done", Act("complete", "pay rent")),
        ("mark pay rent complete", Act("complete", "pay rent")),
        ("check off pay rent", Act("complete", "pay rent")),
        ("please complete “Pay rent”", Act("complete", "Pay rent")),
        ("reopen pay rent", Act("reopen", "pay rent")),
        ("mark pay rent as not done", Act("reopen", "pay rent")),
        ("uncheck pay rent", Act("reopen", "pay rent")),
        ("delete pay rent", Act("delete", "pay rent")),
        ("remove the task pay rent", Act("delete", "pay rent")),
        ("trash pay rent", Act("delete", "pay rent")),
        ("get rid of pay rent", Act("delete", "pay rent")),
    ],
)
def test_actions_name_the_task(text: str, intent: Intent) -> None:
    assert said(text) == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("move pay rent to friday", Move("pay rent", due_date=FRIDAY)),
        ("postpone pay rent to next week", Move("pay rent", due_date=NEXT_MONDAY)),
        ("Postpone pay rent until friday", Move("pay rent", due_date=FRIDAY)),
        ("reschedule pay rent for tomorrow", Move("pay rent", due_date=TOMORROW)),
        ("move talk to bob to friday", Move("talk to bob", due_date=FRIDAY)),
        ("postpone pay rent tomorrow", Move("pay rent", due_date=TOMORROW)),
        ('move "Dinner on friday" to tomorrow', Move("Dinner on friday", due_date=TOMORROW)),
        ("move pay rent to friday 3pm", Move("pay rent", due_date=FRIDAY, due_time=time(15))),
        ("postpone pay rent by a week", Move("pay rent", by_days=7)),
        ("push pay rent by 2 days", Move("pay rent", by_days=2)),
    ],
)
def test_moves_find_the_date_with_the_quick_add_grammar(text: str, intent: Intent) -> None:
    assert said(text) == intent


def test_numeric_dates_follow_the_users_date_order() -> None:
    move = "move pay rent to 12/01"
    assert understand(move, pending=None, now=NOW, date_order="mdy") == Move(
        "pay rent", due_date=date(2026, 12, 1)
    )
    assert understand(move, pending=None, now=NOW, date_order="dmy") == Move(
        "pay rent",
        due_date=date(2027, 1, 12),  # 12 January has passed: next year's
    )


@pytest.mark.parametrize(
    "text", ["postpone pay rent", "move pay rent to someday", "move it to friday"]
)
def test_moves_without_a_date_or_a_task_ask(text: str) -> None:
    assert isinstance(said(text), Problem)


@pytest.mark.parametrize(
    "text",
    ["undo", "Undo that", "undo!", "revert", "take that back", "oops", "undo the last change"],
)
def test_undo(text: str) -> None:
    assert said(text) == Undo()


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("2", 2),
        ("#2", 2),
        ("number 2", 2),
        ("the 2nd one", 2),
        ("the second one", 2),
        ("second", 2),
        ("Two", 2),
        ("the first", 1),
        ("one", 1),
        ("the last one", 3),
        ("3.", 3),
        ("7", 7),  # out of range is the service's to answer, with the question kept
    ],
)
def test_answers_to_which_one(text: str, number: int) -> None:
    assert said(text, QUESTION) == Choose(number)


@pytest.mark.parametrize("text", ["never mind", "cancel", "none of them", "no"])
def test_a_question_can_be_dismissed(text: str) -> None:
    assert said(text, QUESTION) == Dismiss()


def test_words_answering_a_question_narrow_the_candidates() -> None:
    assert said("the one about rent", QUESTION) == Narrow("one about rent")
    assert said("Rent for March", QUESTION) == Narrow("Rent for March")


def test_a_new_command_while_a_question_is_open_is_that_command() -> None:
    assert said("delete milk", QUESTION) == Act("delete", "milk")
    assert said("what's due today", QUESTION) == Show("today")


@pytest.mark.parametrize(
    "text",
    [
        "2",
        "the second one",
    ],
)
def test_a_number_without_a_question_does_nothing(text: str) -> None:
    intent = said(text)
    assert isinstance(intent, Problem) and "no question" in intent.message


@pytest.mark.parametrize(
    ("text", "reply"),
    [("hello", "Hello!"), ("Thanks!", "welcome"), ("thank you", "welcome")],
)
def test_small_talk(text: str, reply: str) -> None:
    intent = said(text)
    assert isinstance(intent, SmallTalk) and reply in intent.reply


# Must not act: nothing here is an add, a completion, a deletion or a move.
@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "what's up",
        "I have a meeting today",
        "address the envelope",  # "add" only as a whole word
        "added milk yesterday",
        "don't delete anything",
        "I did not pay rent",
        "the report is done",
        "tell me a joke",
        "moved house last week",
        "deleted scenes",
        "completed",  # a view word alone, never a completion
        "1984",
        "cancel my gym membership",
        "new york trip",
    ],
)
def test_phrasings_that_must_not_act(text: str) -> None:
    intent = said(text)
    assert not isinstance(intent, Add | Act | Move | Undo | Choose), intent


@pytest.mark.parametrize(
    "text",
    ["delete", "done", "complete", "move", "postpone", "delete it", "complete that"],
)
def test_an_action_without_a_task_asks_which(text: str) -> None:
    intent = said(text)
    assert isinstance(intent, Problem) and "Which task?" in intent.message


@pytest.mark.parametrize(
    "text", ["delete all", "delete everything", "complete all my tasks", "move all to friday"]
)
def test_everything_at_once_is_refused(text: str) -> None:
    assert isinstance(said(text), Problem)


def test_anything_else_is_not_understood() -> None:
    assert said("tell me a joke") == NotUnderstood()
    assert said("what's up") == NotUnderstood()


def test_understanding_is_deterministic() -> None:
    assert said("add pay rent friday") == said("add pay rent friday")
