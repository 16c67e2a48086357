"""The code's shape: no import circles in app/, and quick add and the assistant in modules a
reader can hold."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"
MODULE_LINES_MAX = 350


def _module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Each app module and the app modules it imports, at the top or inside a function."""
    modules = {_module_name(path): path for path in APP.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{alias.name}" for alias in node.names]
                found |= {t if t in modules else node.module for t in targets}
            elif isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
        graph[name] = {target for target in found if target in modules and target != name}
    return graph


def _circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle, as the modules along it, or None."""
    state: dict[str, int] = {}  # 1 on the path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)) is not None:
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)) is not None:
            return found
    return None


def test_no_import_circle_in_app() -> None:
    circle = _circle(_imports())
    assert circle is None, " → ".join(circle or [])


def test_the_circle_finder_finds_one() -> None:
    assert _circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _circle({"a": {"b"}, "b": set()}) is None


def test_repeat_rules_know_nothing_of_the_quick_add_grammar() -> None:
    graph = _imports()
    for rules_module in ("app.tasks.rules", "app.tasks.rule_words"):
        assert not {m for m in graph[rules_module] if m.startswith("app.tasks.quickadd")}


@pytest.mark.parametrize("package", ["tasks/quickadd", "assistant"])
def test_the_parser_and_assistant_modules_stay_small(package: str) -> None:
    sizes = {path.name: len(path.read_text().splitlines()) for path in (APP / package).glob("*.py")}
    assert len(sizes) > 3
    assert {name: n for name, n in sizes.items() if n > MODULE_LINES_MAX} == {}


def test_the_assistant_acts_without_knowing_how_a_task_was_chosen() -> None:
    """Reading, choosing and acting are apart: acting imports neither the reader nor the
    matcher, so a new kind of request adds a module rather than lengthening one."""
    graph = _imports()
    assert not graph["app.assistant.acting"] & {"app.assistant.matching", "app.assistant.reading"}
    assert not {m for m in graph["app.assistant.reading"] if m.startswith("app.assistant.")} - {
        "app.assistant.intents",
        "app.assistant.phrases",
    }
