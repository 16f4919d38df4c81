"""Print the mutation score of the last `mutmut run`, per area, against the targets.

Reads mutmut's own result files (mutants/**/*.py.meta) and counts a mutant as
killed when mutmut says "killed" or "timeout". Mutants listed in
docs/testing.md as equivalent (they cannot change behaviour) count as killed, so
the score is about behaviour the tests can see. Exits non-zero when an area misses
its target, or when mutants of an area that ran were not checked (an area
left out of a narrowed run prints "not run").

    uv run python scripts/mutation_score.py
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

ROOT = Path(__file__).resolve().parent.parent
AREAS = [  # (name, module prefix, target %)
    ("domain/", "domain.", 85.0),
    ("infra/auth", "infra.auth.", 80.0),
    ("infra/worker", "infra.worker.", 80.0),
    ("infra/db/reads (visibility)", "infra.db.reads.", None),
]
EQUIVALENT = re.compile(r"^\| `([\w.ǁ]+__mutmut_\d+)` \|", re.MULTILINE)


def equivalent_mutants() -> set[str]:
    """Mutant names listed in docs/testing.md's table of equivalent mutants."""
    return set(EQUIVALENT.findall((ROOT / "docs" / "testing.md").read_text()))


def results() -> dict[str, str]:
    """mutant name -> mutmut status, for every mutant of the last run."""
    found: dict[str, str] = {}
    for meta in (ROOT / "mutants").rglob("*.py.meta"):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        found.update({name: status_by_exit_code[code] for name, code in codes.items()})
    return found


def main() -> int:
    statuses = results()
    if not statuses:
        print("No mutation results: run `make mutate` first.")
        return 1
    equivalent = equivalent_mutants()
    failed = False
    for name, prefix, target in AREAS:
        mine = {k: v for k, v in statuses.items() if k.startswith(prefix)}
        if not mine:
            continue
        counts = Counter(mine.values())
        if set(counts) == {"not checked"}:
            print(f"{name:28} not run ({len(mine)} mutants; make mutate MUTANTS='{prefix}*')")
            continue
        killed = counts["killed"] + counts["timeout"]
        eq = sum(1 for k, v in mine.items() if k in equivalent and v == "survived")
        checked = len(mine) - counts["not checked"] - counts["skipped"]
        score = 100.0 * killed / (checked - eq) if checked > eq else 0.0
        raw = 100.0 * killed / checked if checked else 0.0
        goal = f" (target {target:.0f}%)" if target is not None else ""
        detail = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        print(
            f"{name:28} {score:5.1f}% killed{goal}, raw {raw:.1f}% "
            f"({detail}; {eq} of the survivors equivalent)"
        )
        if counts["not checked"] or (target is not None and score < target):
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
