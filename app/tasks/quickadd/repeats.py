"""Reading repeat phrases (`every other wednesday`, `monthly`, `… until dec 24`) as RRULEs.

app.tasks.rules holds the rules themselves and knows nothing of this grammar; `read_rule`
is where a form's repeat field meets both: a phrase is read here, then normalised there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.models import RULE_MAX
from app.tasks import rules
from app.tasks.quickadd import words as w
from app.tasks.quickadd.cursor import Cursor, tokens_of
from app.tasks.quickadd.dates import check_possible, read_date, read_month_day
from app.tasks.quickadd.result import QuickAddError


@dataclass(frozen=True)
class Repeat:
    """A repeat phrase: the RRULE's core and its optional end."""

    core: str
    until: date | None = None
    count: int | None = None

    def rule(self) -> str:
        end = f";UNTIL={self.until:%Y%m%d}" if self.until else ""
        return self.core + end + (f";COUNT={self.count}" if self.count else "")


def read_repeat(cur: Cursor, i: int) -> tuple[int, Repeat] | None:
    """`every …` or a `daily`…`yearly` adverb, with an optional `until`/`for N times`."""
    word = cur.word(i)
    if word in w.ADVERBS:
        core: tuple[int, str] | None = (i + 1, f"FREQ={w.ADVERBS[word]}")
    elif word == "every":
        core = _repeat_core(cur, i + 1)
    else:
        core = None
    if core is None:
        return None
    end, repeat = core[0], Repeat(core[1])
    ending = read_repeat_end(cur, end)
    if ending is not None:
        end, until, count = ending
        repeat = Repeat(repeat.core, until, count)
    return end, repeat


def read_repeat_end(cur: Cursor, i: int) -> tuple[int, date | None, int | None] | None:
    """`until <date>` or `for N times`: (end, until, count)."""
    if cur.word(i) == "until":
        found = read_date(cur, i + 1, prefixed=True)
        return None if found is None else (found[0], found[1], None)
    count = w.number(cur.word(i + 1))
    if cur.word(i) == "for" and count and cur.word(i + 2) in ("time", "times"):
        if count > rules.COUNT_MAX:
            raise QuickAddError(f"A task repeats at most {rules.COUNT_MAX} times.")
        return i + 3, None, count
    return None


def _repeat_core(cur: Cursor, i: int) -> tuple[int, str] | None:
    word, then = cur.word(i), cur.word(i + 1)
    interval = 2 if word == "other" else w.number(word)
    if interval is not None:  # every other week, every 3 days, every other wednesday
        if (unit := w.UNITS.get(then)) is not None:
            return i + 2, _interval(f"FREQ={w.FREQ[unit]}", interval)
        if word == "other" and then in w.WEEKDAYS:
            return i + 2, f"FREQ=WEEKLY;INTERVAL=2;BYDAY={w.WEEKDAY_CODES[w.WEEKDAYS[then]]}"
        return None
    if word in w.UNITS and word == w.UNITS[word][:-1]:  # day, week, month, year
        return i + 1, f"FREQ={w.FREQ[w.UNITS[word]]}"
    if word in ("weekday", "weekdays", "workday", "workdays"):
        return i + 1, rules.PRESETS["weekdays"]
    if word == "weekend":
        return i + 1, "FREQ=WEEKLY;BYDAY=SA,SU"
    if word in w.WEEKDAYS:
        return _weekday_list(cur, i)
    ordinal = w.ORDINAL.fullmatch(word)
    nth = w.ORDINAL_WORDS.get(word) or (int(ordinal[1]) if ordinal else None)
    if nth is not None:
        if then in w.WEEKDAYS and -1 <= nth <= 5:  # every 3rd friday, every last friday
            return i + 2, f"FREQ=MONTHLY;BYDAY={nth}{w.WEEKDAY_CODES[w.WEEKDAYS[then]]}"
        if nth == -1 and then == "day":
            return i + 2, "FREQ=MONTHLY;BYMONTHDAY=-1"
        if word[0].isdigit() and 1 <= nth <= 31:  # every 27th
            return i + 1, f"FREQ=MONTHLY;BYMONTHDAY={nth}"
    if (month_day := read_month_day(cur, i)) is not None:  # every dec 24
        end, month, day = month_day
        check_possible(month, day)
        return end, f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={day}"
    return None


def _weekday_list(cur: Cursor, i: int) -> tuple[int, str]:
    """`mon, wed`, `monday and thursday`, `mon, wed, and fri`."""
    days, end = [w.WEEKDAYS[cur.word(i)]], i + 1
    while True:
        after = end + 1 if cur.word(end) in (",", "and") else end
        if cur.word(end) == "," and cur.word(after) == "and":
            after += 1
        if after == end or cur.word(after) not in w.WEEKDAYS:
            break
        days.append(w.WEEKDAYS[cur.word(after)])
        end = after + 1
    codes = ",".join(w.WEEKDAY_CODES[day] for day in sorted(set(days)))
    return end, f"FREQ=WEEKLY;BYDAY={codes}"


def _interval(core: str, interval: int) -> str:
    if not 1 <= interval <= rules.INTERVAL_MAX:
        raise QuickAddError(f"Repeat every 1 to {rules.INTERVAL_MAX} days, weeks, months or years.")
    return core if interval == 1 else f"{core};INTERVAL={interval}"


def read_repeat_phrase(text: str, *, today: date | None, date_order: str = "dmy") -> str:
    """The RRULE an `every …` phrase says (as typed in a form); `today` places an `until`
    date without a year. Raises QuickAddError if the text is not one."""
    tokens = tokens_of(text)
    found = read_repeat(Cursor(tokens, today, date_order), 0)
    if found is not None and found[0] < len(tokens) and tokens[found[0]].word == "starting":
        raise QuickAddError("Give the first date as the due date rather than “starting …”.")
    if found is None or found[0] != len(tokens):
        raise QuickAddError(f"“{text}” is not a repeat rule this app understands.")
    return found[1].rule()


def read_rule(
    text: str, due: date | None = None, *, today: date | None = None, date_order: str = "dmy"
) -> str:
    """Canonical RRULE text ("" for none) from what a form's repeat field holds: a preset
    name, an RRULE or an `every …` phrase. `today` (else `due`) and `date_order` place a
    phrase's `until <date>`. Raises rules.RuleError with a message for the user."""
    words = " ".join(text.split()).lower()
    if words.startswith("every ") and len(words) <= RULE_MAX:
        try:
            text = read_repeat_phrase(words, today=today or due, date_order=date_order)
        except QuickAddError as error:
            raise rules.RuleError(str(error)) from None
    return rules.normalize(text, due)
