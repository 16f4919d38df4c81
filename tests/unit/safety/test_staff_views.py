"""What the safety team sees of a queue item, decided in domain/safety/reads.py."""

from __future__ import annotations

from uuid import uuid4

from domain.safety.reads import ItemAuthorView, staff_author, staff_text
from domain.safety.team import TargetKind


def test_a_check_in_note_is_never_shown_and_removed_text_is_gone() -> None:
    assert staff_text(TargetKind.POST, "words", removed=False) == "words"
    assert staff_text(TargetKind.REPLY, "words", removed=True) is None
    assert staff_text(TargetKind.CHECK_IN, "a note", removed=False) is None


def test_an_anonymous_author_is_never_in_a_view() -> None:
    member = uuid4()
    assert staff_author(True, member, "Ada") is None
    assert staff_author(False, member, "Ada") == ItemAuthorView(member, "Ada")


def test_an_item_about_a_member_shows_who_never_any_text() -> None:
    member = uuid4()
    assert staff_text(TargetKind.MEMBER, "anything", removed=False) is None
    assert staff_author(False, member, "Ada") == ItemAuthorView(member, "Ada")
