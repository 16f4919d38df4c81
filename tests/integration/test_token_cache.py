"""The verified-token cache of the Firebase verifier: what it keeps, for how long,
and what it drops first when full."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.clock import FixedClock
from infra.auth.verifier import Identity, _VerifiedTokenCache

START = datetime(2026, 12, 5, 9, tzinfo=UTC)


def cache(max_entries: int = 3, ttl: float = 300) -> tuple[_VerifiedTokenCache, FixedClock]:
    clock = FixedClock(START)
    return _VerifiedTokenCache(clock, ttl_seconds=ttl, max_entries=max_entries), clock


def key(n: int) -> bytes:
    return _VerifiedTokenCache.key(f"token-{n}")


LATER = START.timestamp() + 3600  # a token exp an hour away


def test_an_entry_lives_until_the_earlier_of_its_exp_and_the_ttl() -> None:
    tokens, clock = cache(ttl=300)
    tokens.put(key(1), Identity("a"), LATER)
    tokens.put(key(2), Identity("b"), START.timestamp() + 60)
    clock.set(START + timedelta(seconds=59))
    assert tokens.get(key(2)) == Identity("b")
    clock.set(START + timedelta(seconds=60))
    assert tokens.get(key(2)) is None  # its exp, to the second
    clock.set(START + timedelta(seconds=299))
    assert tokens.get(key(1)) == Identity("a")
    clock.set(START + timedelta(seconds=300))
    assert tokens.get(key(1)) is None  # the ttl
    assert len(tokens) == 0


@pytest.mark.parametrize("exp", [None, "3600", True, START.timestamp(), START.timestamp() - 1])
def test_no_usable_or_future_exp_means_not_cached(exp: object) -> None:
    tokens, _ = cache()
    tokens.put(key(1), Identity("a"), exp)
    assert len(tokens) == 0
    assert tokens.get(key(1)) is None


def test_a_ttl_of_zero_turns_the_cache_off_and_it_needs_room_for_one() -> None:
    tokens, _ = cache(ttl=0)
    tokens.put(key(1), Identity("a"), LATER)
    assert len(tokens) == 0
    with pytest.raises(ValueError, match=r"^max_entries must be at least 1$"):
        cache(max_entries=0)
    assert len(cache(max_entries=1)[0]) == 0


def test_when_full_expired_entries_go_first_then_the_oldest() -> None:
    tokens, clock = cache(max_entries=3)
    tokens.put(key(1), Identity("a"), LATER)
    tokens.put(key(2), Identity("b"), START.timestamp() + 10)  # expires soon
    tokens.put(key(3), Identity("c"), LATER)
    clock.set(START + timedelta(seconds=10))
    tokens.put(key(4), Identity("d"), LATER)  # full: the expired one goes
    assert [tokens.get(key(n)) for n in (1, 3, 4)] == [Identity("a"), Identity("c"), Identity("d")]
    assert len(tokens) == 3
    tokens.put(key(1), Identity("a"), LATER)  # putting again makes it the newest
    tokens.put(key(5), Identity("e"), LATER)  # full, nothing expired: the oldest (3) goes
    assert tokens.get(key(3)) is None
    assert [tokens.get(key(n)) for n in (1, 4, 5)] == [Identity("a"), Identity("d"), Identity("e")]
    tokens.clear()
    assert len(tokens) == 0
