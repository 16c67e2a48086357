"""Print the judges' figures per page from a report.json that test_judges wrote (JUDGE_DIR):
python -m tests.e2e.judge_summary DIR"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path


def main(folder: str) -> None:
    report = json.loads((Path(folder) / "report.json").read_text())
    print(
        "| page | axe serious+critical (light / dark, desktop+phone) | rules | Nu errors"
        " | Nu on hx-* attributes (apart) | sideways px (390 / 320) |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for name, entry in report.items():
        light = sum(
            len(entry.get(f"light-{s}", {}).get("axe_serious", [])) for s in ("desktop", "phone")
        )
        dark = sum(
            len(entry.get(f"dark-{s}", {}).get("axe_serious", [])) for s in ("desktop", "phone")
        )
        rules = Counter(
            v.split(" ")[0]
            for key, combo in entry.items()
            if isinstance(combo, dict)
            for v in combo.get("axe_serious", [])
        )
        wide = max(
            (c.get("overflow_px", 0) for c in entry.values() if isinstance(c, dict)), default=0
        )
        narrow = max(
            (c.get("overflow_320_px", 0) for c in entry.values() if isinstance(c, dict)), default=0
        )
        errors = entry.get("vnu_errors", [])
        htmx = entry.get("vnu_htmx_attributes")
        if htmx is None:  # a report from before hx-* messages were counted apart
            htmx = sum("“hx-" in e for e in errors)
        vnu = len(errors) - (htmx if "vnu_htmx_attributes" not in entry else 0)
        rule_list = ", ".join(sorted(rules)) or "—"
        print(f"| {name} | {light} / {dark} | {rule_list} | {vnu} | {htmx} | {wide} / {narrow} |")


if __name__ == "__main__":
    main(sys.argv[1])
