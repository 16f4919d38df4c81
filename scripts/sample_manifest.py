"""Writes docs/examples/persisted-documents.json: the app operations the tests use, as a
trusted-documents manifest in GraphQL Codegen's client-preset format ({sha256: document}).
tests/api/test_persisted_operations.py checks that the file is up to date.

    uv run python scripts/sample_manifest.py
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.support import circles
from tests.support.graphql import ME, ONBOARD

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "docs" / "examples" / "persisted-documents.json"


def documents() -> dict[str, str]:
    found = [ONBOARD, ME] + [
        value
        for name, value in sorted(vars(circles).items())
        if name.isupper()
        and isinstance(value, str)
        and value.lstrip().startswith(("query", "mutation"))
    ]
    return {hashlib.sha256(d.encode()).hexdigest(): d for d in found}


def render() -> str:
    return json.dumps(documents(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    FILE.write_text(render())
    print(f"wrote {FILE.relative_to(ROOT)} ({len(documents())} documents)")
