"""Print the mutation score of the last `mutmut run`, per area, against the targets.

Reads mutmut's own result files (mutants/**/*.py.meta) and counts a mutant as
killed when mutmut says "killed" or "timeout". The `domain/` figure comes from the
domain-only run (`make mutate-domain`, var/mutate-domain/mutants: domain/ against
tests/unit); the other areas from `make mutate` (mutants/). Mutants listed in
docs/testing.md as equivalent (they cannot change behaviour) count as killed, so
the score is about behaviour the tests can see. Exits non-zero when an area misses
its target, or when mutants of an area that ran were not checked (an area
left out of a narrowed run prints "not run").

    uv run python scripts/mutation_score.py
    uv run python scripts/mutation_score.py --pending domain.notifications.
    uv run python scripts/mutation_score.py --modules

``--pending PREFIX`` prints the names of the mutants under PREFIX that are not
checked yet, had no test or survived (leaving out the equivalent ones), for
``make mutate MUTANTS="$(...)"`` (``make mutate-domain`` for a ``domain.`` prefix):
naming mutants makes mutmut test them again, while a pattern such as
``'domain.notifications.*'`` also re-tests every killed one.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

ROOT = Path(__file__).resolve().parent.parent
MUTATE = ROOT / "mutants"  # make mutate
MUTATE_DOMAIN = ROOT / "var" / "mutate-domain" / "mutants"  # make mutate-domain
AREAS = [  # (name, module prefix, target %, the run's results, its make target)
    ("domain/", "domain.", 85.0, MUTATE_DOMAIN, "mutate-domain"),
    ("infra/auth", "infra.auth.", 80.0, MUTATE, "mutate"),
    ("infra/worker", "infra.worker.", 80.0, MUTATE, "mutate"),
    ("infra/db/reads (visibility)", "infra.db.reads.", None, MUTATE, "mutate"),
]
EQUIVALENT = re.compile(r"^\| `([\w.ǁ]+__mutmut_\d+)` \|", re.MULTILINE)


def equivalent_mutants() -> set[str]:
    """Mutant names listed in docs/testing.md's table of equivalent mutants."""
    return set(EQUIVALENT.findall((ROOT / "docs" / "testing.md").read_text()))


def results(where: Path) -> dict[str, str]:
    """mutant name -> mutmut status, for every mutant of the last run in ``where``."""
    found: dict[str, str] = {}
    for meta in where.rglob("*.py.meta"):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        found.update({name: status_by_exit_code[code] for name, code in codes.items()})
    return found


def pending(prefix: str) -> list[str]:
    """Mutants under ``prefix`` not checked yet, with no test, or surviving and not
    equivalent."""
    equivalent = equivalent_mutants()
    where = MUTATE_DOMAIN if prefix.startswith("domain.") else MUTATE
    return sorted(
        name
        for name, status in results(where).items()
        if name.startswith(prefix)
        and (
            status in ("not checked", "no tests")
            or (status == "survived" and name not in equivalent)
        )
    )


def score(mine: dict[str, str], equivalent: set[str]) -> tuple[float, float, int]:
    """Killed (and timed-out) over checked, without and with the equivalent survivors
    counted, and how many survivors are equivalent."""
    counts = Counter(mine.values())
    killed = counts["killed"] + counts["timeout"]
    eq = sum(1 for k, v in mine.items() if k in equivalent and v == "survived")
    checked = len(mine) - counts["not checked"] - counts["skipped"]
    real = 100.0 * killed / (checked - eq) if checked > eq else 0.0
    raw = 100.0 * killed / checked if checked else 0.0
    return real, raw, eq


def line(name: str, mine: dict[str, str], equivalent: set[str], target: float | None) -> str:
    """One area's (or module's) score line."""
    real, raw, eq = score(mine, equivalent)
    goal = f" (target {target:.0f}%)" if target is not None else ""
    detail = ", ".join(f"{n} {s}" for s, n in sorted(Counter(mine.values()).items()))
    return (
        f"{name:28} {real:5.1f}% killed{goal}, raw {raw:.1f}% "
        f"({detail}; {eq} of the survivors equivalent)"
    )


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--pending":
        print("\n".join(pending(sys.argv[2])))
        return 0
    by_module = sys.argv[1:] == ["--modules"]
    statuses = {where: results(where) for where in (MUTATE, MUTATE_DOMAIN)}
    if not any(statuses.values()):
        print("No mutation results: run `make mutate` or `make mutate-domain` first.")
        return 1
    equivalent = equivalent_mutants()
    failed = False
    for name, prefix, target, where, make in AREAS:
        mine = {k: v for k, v in statuses[where].items() if k.startswith(prefix)}
        if not mine:
            print(f"{name:28} not run (make {make})")
            continue
        counts = Counter(mine.values())
        if set(counts) == {"not checked"}:
            print(f"{name:28} not run ({len(mine)} mutants; make {make} MUTANTS='{prefix}*')")
            continue
        print(line(name, mine, equivalent, target))
        if by_module:  # each module that ran: "  domain.notifications.rules"
            modules = sorted({k.rsplit(".", 1)[0] for k in mine})
            for module in modules:
                its = {k: v for k, v in mine.items() if k.rsplit(".", 1)[0] == module}
                if set(its.values()) != {"not checked"}:
                    print(line(f"  {module}", its, equivalent, None))
        if counts["not checked"] or (target is not None and score(mine, equivalent)[0] < target):
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
