"""The block and topic-filter rules, on their own."""

from __future__ import annotations

from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st

from domain.circles.model import Topic
from domain.moderation.model import SAFETY_REASONS, SEVERITY, ReportReason, ViewerFilters
from domain.moderation.visibility import (
    blocked_between,
    can_see_author,
    folded_reason,
    hidden_authors,
    muted_in,
)

A, B, C = uuid4(), uuid4(), uuid4()


def test_a_block_hides_both_ways_and_only_for_the_pair() -> None:
    pairs = [(A, B)]
    assert hidden_authors(A, pairs) == {B}
    assert hidden_authors(B, pairs) == {A}
    assert hidden_authors(C, pairs) == frozenset()
    assert blocked_between(pairs, B, A)
    assert not blocked_between(pairs, A, C)


def test_nobody_is_hidden_from_themself() -> None:
    assert hidden_authors(A, [(A, A)]) == frozenset()
    assert can_see_author(ViewerFilters(hidden_authors=frozenset({B})), A)
    assert not can_see_author(ViewerFilters(hidden_authors=frozenset({B})), B)


@given(st.lists(st.tuples(st.sampled_from([A, B, C]), st.sampled_from([A, B, C]))))
def test_hiding_is_symmetric(pairs: list[tuple[object, object]]) -> None:
    for x in (A, B, C):
        for y in hidden_authors(x, pairs):  # type: ignore[arg-type]
            assert x in hidden_authors(y, pairs)  # type: ignore[arg-type]


def test_a_post_folds_only_for_muted_topics_and_says_which() -> None:
    filters = ViewerFilters(muted_topics=frozenset({Topic.GRIEF}))
    assert muted_in(filters, (Topic.TRAUMA, Topic.GRIEF)) == [Topic.GRIEF]
    assert muted_in(filters, (Topic.TRAUMA,)) == []
    reason = folded_reason([Topic.GRIEF])
    assert reason is not None
    assert "grief" in reason
    assert folded_reason([]) is None


def test_every_reason_has_a_severity_and_risk_to_life_comes_first() -> None:
    assert set(SEVERITY) == set(ReportReason)
    ranked = sorted(ReportReason, key=lambda r: -SEVERITY[r])
    assert set(ranked[:2]) == SAFETY_REASONS
