"""The preset rules (and the old enum values the migration maps to them): examples of every
rule's edge cases, and properties over all dates, through rules.next_occurrence."""

from __future__ import annotations

import importlib.util
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.models import DATE_MAX, DATE_MIN
from app.tasks import rules
from tests.conftest import ROOT

RULES = ("daily", "weekdays", "weekly", "monthly", "yearly")
dates = st.dates(min_value=DATE_MIN, max_value=date(2998, 11, 30))


def next_occurrence(preset: str, due: date) -> date | None:
    following = rules.next_occurrence(rules.normalize(preset, due), due)
    return following[0] if following else None


@pytest.mark.parametrize(
    ("rule", "due", "expected"),
    [
        ("daily", date(2026, 12, 31), date(2027, 1, 1)),
        ("daily", date(2028, 2, 28), date(2028, 2, 29)),
        ("weekdays", date(2026, 11, 20), date(2026, 11, 23)),  # Friday → Monday
        ("weekdays", date(2026, 11, 21), date(2026, 11, 23)),  # Saturday → Monday
        ("weekdays", date(2026, 11, 22), date(2026, 11, 23)),  # Sunday → Monday
        ("weekdays", date(2026, 11, 23), date(2026, 11, 24)),  # Monday → Tuesday
        ("weekly", date(2026, 12, 29), date(2027, 1, 5)),
        ("monthly", date(2026, 1, 31), date(2026, 2, 28)),  # the month's last day
        ("monthly", date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        ("monthly", date(2026, 3, 31), date(2026, 4, 30)),
        ("monthly", date(2026, 12, 15), date(2027, 1, 15)),
        ("yearly", date(2028, 2, 29), date(2029, 2, 28)),
        ("yearly", date(2026, 3, 1), date(2027, 3, 1)),
        # DST: a timed task keeps its wall-clock time; only the date moves (Europe: 29 March 2026).
        ("daily", date(2026, 3, 28), date(2026, 3, 29)),
    ],
)
def test_edge_cases(rule: str, due: date, expected: date) -> None:
    assert next_occurrence(rule, due) == expected


def test_none_has_no_next_occurrence() -> None:
    assert next_occurrence("none", date(2026, 1, 1)) is None


def migration_legacy() -> dict[str, str]:
    """The rules migration 0006 writes for the six old enum values (its own frozen copy)."""
    path = ROOT / "migrations" / "versions" / "20261124_0006_repeat_rules.py"
    spec = importlib.util.spec_from_file_location("repeat_rules_migration", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    legacy: dict[str, str] = module.LEGACY
    return legacy


def test_the_migration_covers_every_old_enum_value_with_a_canonical_rule() -> None:
    legacy = migration_legacy()
    # The six names of the old `recurrence` enum (migration 0006 maps each of them).
    assert set(legacy) == {"none", "daily", "weekdays", "weekly", "monthly", "yearly"}
    assert all(rules.normalize(rule) == rule for rule in legacy.values())


@pytest.mark.parametrize("name", RULES)
def test_the_old_enum_values_mean_what_they_meant(name: str) -> None:
    due = date(2026, 1, 31)
    assert rules.next_occurrence(migration_legacy()[name], due) == rules.next_occurrence(
        rules.normalize(name, due), due
    )


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("due", [DATE_MAX, date(9999, 12, 31)])
def test_a_series_ends_at_the_edge_of_the_calendar_instead_of_failing(rule: str, due: date) -> None:
    assert next_occurrence(rule, due) is None


@given(rule=st.sampled_from(RULES), due=dates)
def test_the_next_occurrence_is_always_later(rule: str, due: date) -> None:
    following = next_occurrence(rule, due)
    assert following is not None and following > due


@given(due=dates)
def test_weekdays_land_on_the_next_working_day(due: date) -> None:
    following = next_occurrence("weekdays", due)
    assert following is not None
    assert following.weekday() < 5
    assert all((due + timedelta(days=n)).weekday() >= 5 for n in range(1, (following - due).days))
    assert (following - due).days <= 3


@given(due=dates)
def test_monthly_keeps_the_day_or_takes_the_last_one(due: date) -> None:
    following = next_occurrence("monthly", due)
    assert following is not None
    assert (following.year * 12 + following.month) - (due.year * 12 + due.month) == 1
    last_day = (following.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    assert following.day == min(due.day, last_day.day)


@given(due=dates)
def test_yearly_keeps_month_and_day_but_29_february(due: date) -> None:
    following = next_occurrence("yearly", due)
    assert following is not None
    assert following.year == due.year + 1 and following.month == due.month
    assert following.day == due.day or (due.month, due.day, following.day) == (2, 29, 28)
