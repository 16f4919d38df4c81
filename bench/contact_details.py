"""CPU cost of finding contact details in a post (``infra.contact_details``).

``python -m bench.contact_details``: the median of repeated runs for texts of the
sizes and shapes members write. Behind the figures in docs/moderation.md.
"""

from __future__ import annotations

import statistics
import time

from infra.contact_details import find_contact_details

ROUNDS = 15
NUMBERS = "I woke at 3:30 and took 20 mg at 10.30pm. Since 2019 it has been like this. "
WORDS = "Feeling tired but ok today, thank you all for being here with me. "
TEXTS = {
    "short post (60 chars, no digits)": WORDS[:60],
    "reply with a phone number": "I'm here if you need someone: 07911 123456",
    "long post, words only (5,000 chars)": (WORDS * 80)[:5000],
    "long post, numbers throughout (5,000 chars)": (NUMBERS * 70)[:5000],
    "worst case: a wall of 3-digit groups (5,000 chars)": " ".join(
        f"{n * 7919 % 1000:03d}" for n in range(1250)
    )[:5000],
}


def median_ms(text: str, region: str = "GB") -> float:
    runs = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        find_contact_details(text, region)
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def main() -> None:
    for name, text in TEXTS.items():
        print(f"{name:45} {median_ms(text):7.2f} ms")


if __name__ == "__main__":
    main()
