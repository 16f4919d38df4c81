"""Speed of the risk detector: ``uv run python -m bench.detector``.

Prints the median time per 1,000 characters (the target is at most 1 ms) over
- the labelled set in tests/unit/safety/ (short, realistic texts: URGENT, CONCERN, NONE);
- long posts of about 5,000 characters (the post limit) built from the labelled texts
  mixed with ordinary talk, so that many rules' keys occur and the context checks run;
- long ordinary posts with no risk words (the common case in production);
- a worst case: 5,000 characters of risk words without a sentence break, so that every
  rule, idiom and cue is tried on one long sentence.

Each figure is the median of several rounds after a warm-up, in CPU time of this process
(``time.process_time``), so that other work on a shared machine does not inflate it; the
wall-clock median is printed beside it. No text is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import time
from pathlib import Path

from domain.safety.detector import LexiconDetector

LABELLED = Path(__file__).resolve().parents[1] / "tests" / "unit" / "safety"
ORDINARY = (
    "Went for a long walk by the river this morning and the light was lovely. "
    "My sister came round for dinner and we made a huge pot of soup. "
    "Work has been busy but the new team lead is kind and listens. "
    "Therapy on Thursday went fine, we talked about sleep and routines. "
    "Does anyone have tips for getting back into reading after a slump? "
)

RISK_WORDS = [
    "i",
    "im",
    "not",
    "never",
    "want",
    "to",
    "die",
    "kill",
    "myself",
    "tonight",
    "pills",
    "ready",
    "goodbye",
    "everyone",
    "last",
    "post",
    "he",
    "hits",
    "me",
    "if",
    "i",
    "have",
    "to",
    "my",
    "friend",
    "said",
    "when",
    "everyone",
    "is",
    "asleep",
    "the",
    "rope",
    "all",
    "my",
    "tablets",
]


def _labelled() -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for path in sorted(LABELLED.glob("risk_labelled*.jsonl")):
        language = "es" if path.stem.endswith("_es") else "en"
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append((json.loads(line)["text"], language))
    return rows


def _long_posts(rows: list[tuple[str, str]], count: int, size: int) -> list[tuple[str, str]]:
    rng = random.Random(7)
    english = [t for t, lang in rows if lang == "en"]
    posts = []
    for _ in range(count):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < size:
            parts.append(rng.choice(english) if rng.random() < 0.5 else ORDINARY)
        posts.append((" ".join(parts)[:size], "en"))
    return posts


def _timings(
    detector: LexiconDetector, texts: list[tuple[str, str]], rounds: int
) -> tuple[float, float]:
    """Median CPU and wall-clock seconds to rate all ``texts`` once."""
    for text, language in texts:  # warm-up
        detector.assess(text, language)
    cpu, wall = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        for text, language in texts:
            detector.assess(text, language)
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start)
    return statistics.median(cpu), statistics.median(wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    detector = LexiconDetector()
    rows = _labelled()
    long_mixed = _long_posts(rows, 200, 5_000)
    long_plain = [((ORDINARY * 14)[:5_000], "en")] * 200
    rng = random.Random(11)
    dense = [
        (" ".join(rng.choice(RISK_WORDS) for _ in range(1_100))[:5_000], "en") for _ in range(20)
    ]
    print(f"machine: {os.cpu_count()} cpus, Python {platform.python_version()}")
    print(f"detector: {detector.version}")
    for name, texts in (
        ("labelled set", rows),
        ("mixed posts of 1,000 chars", _long_posts(rows, 500, 1_000)),
        ("mixed posts of 5,000 chars", long_mixed),
        ("ordinary posts of 5,000 chars", long_plain),
        ("worst case: 5,000 chars of risk words, no sentence break", dense),
    ):
        chars = sum(len(t) for t, _ in texts)
        cpu, wall = _timings(detector, texts, args.rounds)
        print(
            f"{name}: {len(texts)} texts, mean {chars / len(texts):.0f} chars: "
            f"{cpu * 1e6 / chars:.3f} ms per 1,000 chars CPU "
            f"({wall * 1e6 / chars:.3f} wall), {cpu * 1e6 / len(texts):.0f} us per text"
        )


if __name__ == "__main__":
    main()
