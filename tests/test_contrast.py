"""WCAG contrast of static/app.css, computed for the light and the dark theme: text pairs
reach AA (4.5:1), control borders and the focus ring 3:1 (WCAG 1.4.11).

`python -m tests.test_contrast` prints the table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parent.parent / "static" / "app.css"

# (foreground, background, minimum): every pair the stylesheet puts text (or a boundary) on.
PAIRS: list[tuple[str, str, float]] = [
    (fg, bg, 4.5)
    for fg in ("fg", "muted", "accent", "danger")
    for bg in ("bg", "card", "row-hover")
] + [
    ("on-accent", "accent", 4.5),  # primary buttons, the active tab
    ("on-danger", "danger", 4.5),  # "Delete … for good", "Delete my account"
    ("fg", "flash-bg", 4.5),
    ("accent", "flash-bg", 4.5),  # the link in a message
    ("danger", "error-bg", 4.5),
    ("tag-fg", "tag-bg", 4.5),
    ("high", "card", 4.5),
    ("high", "row-hover", 4.5),
    ("control-line", "card", 3.0),
    ("control-line", "bg", 3.0),
    ("focus", "bg", 3.0),
    ("focus", "card", 3.0),
    ("ok", "card", 3.0),  # a completed task's filled circle
]


def themes() -> dict[str, dict[str, str]]:
    css = CSS.read_text()
    light = re.search(r":root \{(.*?)\}", css, re.S)
    dark = re.search(r':root\[data-theme="dark"\] \{(.*?)\}', css, re.S)
    assert light and dark
    return {
        name: dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", block.group(1)))
        for name, block in (("light", light), ("dark", dark))
    }


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_dark_theme_is_the_same_in_both_places() -> None:
    css = CSS.read_text()
    media = re.search(r':root:not\(\[data-theme="light"\]\) \{(.*?)\}', css, re.S)
    assert media
    assert dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", media.group(1))) == themes()["dark"]


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize(("fg", "bg", "minimum"), PAIRS)
def test_contrast_meets_aa(theme: str, fg: str, bg: str, minimum: float) -> None:
    colours = themes()[theme]
    measured = ratio(colours[fg], colours[bg])
    assert measured >= minimum, f"{theme}: --{fg} on --{bg} is {measured:.2f}:1"


if __name__ == "__main__":
    for theme, colours in themes().items():
        for fg, bg, minimum in PAIRS:
            value = ratio(colours[fg], colours[bg])
            print(f"{theme:5} --{fg:12} on --{bg:10} {value:5.2f}:1 (needs {minimum})")
