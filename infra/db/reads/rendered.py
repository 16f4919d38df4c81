"""Pages rendered to JSON by PostgreSQL: one statement answers the whole page.

``SqlPostReads.rendered_feed_page`` (``domain.posts.reads.PostReads``; and
``rendered_replies_page``, a thread's replies, alike) asks for the posts of a feed page
as a ``Shape``: the fields a known document selects of each post
(``api.posts.rendered`` reads them off the document). This module writes the SQL that
renders each post's fields with ``json_build_object``, in the shape's order and under its
response keys, on top of the same page statement ``feed_page`` reads (the same rows, the
same blocks left out, the same reply counts and reaction tallies), with the latest
replies in a correlated subquery: one statement for the page instead of two, and no
Python objects per post or reply.

What a viewer sees of each post and reply is ``domain.posts.reads``' decision
(``_seen``, ``post_view``, ``reply_view``); the expressions below say the same in SQL:

- ``isMine``: the author is the viewer;
- the body is withheld once removed, or while hidden by a moderator from anyone but
  its author; so is a post's content warning;
- the author is shown unless the message is anonymous or removed;
- the hidden reason only to the author of a hidden message;
- reaction counts per kind in ``KINDS`` order, and the kinds the viewer sent.

``tests/integration/test_rendered_feed.py`` holds them together: Hypothesis draws
circles of posts and replies (removed, hidden, anonymous, warned, reacted to, blocked)
and requires the rendered page to equal what the views make of the same rows. A field
this module does not know makes the shape unrenderable (``renderable``), and the API
reads the page as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import BigInteger, Text, and_, case, cast, extract, func, literal_column, not_, or_
from sqlalchemy import null as sql_null
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.sql.elements import ColumnElement

from domain.posts.reads import KINDS, Shape, Wanted

_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*$")


def _text(value: str) -> Any:
    """A string constant written into the SQL (GraphQL names and fixed formats only)."""
    assert "'" not in value, value
    assert "\\" not in value, value
    return literal_column(f"'{value}'", Text)


def _iso(column: Any) -> Any:
    """``api.scalars.serialize_datetime`` in SQL: RFC 3339 in UTC with ``Z``, with
    microseconds when there are any."""
    utc = func.timezone(_text("UTC"), column)
    fraction = case(
        (
            cast(extract("microseconds", column), BigInteger) % 1000000 != 0,
            func.to_char(utc, _text(".US")),
        ),
        else_=_text(""),
    )
    return (
        func.to_char(utc, literal_column("'YYYY-MM-DD\"T\"HH24:MI:SS'", Text))
        .op("||")(fraction)
        .op("||")(_text("Z"))
    )


def _global_id(type_name: str, column: Any) -> Any:
    """``api.node.to_global_id`` in SQL: base64url of ``Type:uuid``, padding kept."""
    assert _NAME.match(type_name)
    raw = _text(f"{type_name}:").op("||")(cast(column, Text))
    encoded = func.encode(func.convert_to(raw, _text("UTF8")), _text("base64"))
    return func.translate(encoded, literal_column("E'+/\\n'", Text), _text("-_"))


def _object(fields: list[tuple[str, Any]]) -> Any:
    """``json_build_object`` of (response key, expression) pairs, in order."""
    args: list[Any] = []
    for key, value in fields:
        assert _NAME.match(key), key
        args.extend((_text(key), value))
    return func.json_build_object(*args)


Replies = Callable[[Any, Wanted], Any | None]
"""(the post's id column, the ``latestReplies`` field) -> the replies' JSON array."""


def _object_of(shape: Shape, values: Mapping[str, Any]) -> Any | None:
    """``json_build_object`` of an object's fields, each leaf's expression taken from
    ``values`` (by field name); None when the shape asks for anything else."""
    fields: list[tuple[str, Any]] = []
    for want in shape:
        if want.name == "__typename" and want.type_name:
            value = _text(want.type_name)
        elif want.of is None and want.name in values:
            value = values[want.name]
        else:
            return None
        fields.append((want.key, value))
    return _object(fields)


class _Message:
    """The columns of a post's or reply's row (with its author's and its tally), and
    what the viewer (``viewer``: the bound viewer id) sees of them."""

    def __init__(self, row: Any, viewer: Any, type_name: str, replies: Replies) -> None:
        c = self.c = row.c
        self.type_name = type_name
        self.replies = replies
        mine = c.author_id == viewer
        removed, hidden = c.removed_at.is_not(None), c.hidden_at.is_not(None)
        self.withheld = or_(removed, and_(hidden, c.author_id != viewer))
        self.shown_author = not_(or_(c.anonymous, removed))
        sent = [
            case((self.tally(len(KINDS) + i) > 0, _text(kind.value)), else_=sql_null())
            for i, kind in enumerate(KINDS)
        ]
        self.leaves: dict[str, Any] = {
            "id": _global_id(type_name, c.id),
            "body": case((self.withheld, sql_null()), else_=c.body),
            "createdAt": _iso(c.created_at),
            "editedAt": case((c.edited_at.is_(None), sql_null()), else_=_iso(c.edited_at)),
            "isRemoved": removed,
            "isAnonymous": c.anonymous,
            "isMine": mine,
            "isHidden": hidden,
            "hiddenReason": case((and_(hidden, mine), c.hidden_reason), else_=sql_null()),
            "viewerReactions": func.array_to_json(func.array_remove(array(sent), sql_null())),
        }
        self.author_leaves: dict[str, Any] = {
            "id": _global_id("Member", c.author_id),
            "displayName": c.author_name,
            "pronouns": c.author_pronouns,
            "bio": c.author_bio,
            "memberSince": _iso(c.author_since),
            "isViewer": mine,
        }
        self.warning_leaves: dict[str, Any] = {}
        if type_name == "Post":
            split = func.string_to_array(c.cw_topics, _text(","))
            topics = func.array_remove(split, _text(""))
            self.warning_leaves = {
                "topics": func.coalesce(func.array_to_json(topics), literal_column("'[]'::json")),
                "note": c.cw_note,
            }
            self.leaves["replyCount"] = c.reply_count

    def tally(self, index: int) -> Any:
        """The ``index``-th (0-based) number of the row's ``tally`` array."""
        return self.c.tally[index + 1]

    def field(self, want: Wanted) -> Any | None:
        """The expression of one field, or None when this module does not know it."""
        if want.name == "__typename":
            return _text(want.type_name) if want.type_name else None
        if want.of is None:
            return self.leaves.get(want.name)
        if want.name == "author":
            shown = _object_of(want.of, self.author_leaves)
            return None if shown is None else case((self.shown_author, shown), else_=sql_null())
        if want.name == "reactionCounts":
            counts = [
                _object_of(want.of, {"kind": _text(kind.value), "count": self.tally(i)})
                for i, kind in enumerate(KINDS)
            ]
            return None if any(c is None for c in counts) else func.json_build_array(*counts)
        if self.type_name != "Post":
            return None
        if want.name == "contentWarning":
            c = self.c
            warning = _object_of(want.of, self.warning_leaves)
            none = or_(self.withheld, and_(c.cw_topics.is_(None), c.cw_note.is_(None)))
            return None if warning is None else case((none, sql_null()), else_=warning)
        if want.name == "latestReplies":
            return self.replies(self.c.id, want)
        return None


def render(
    row: Any, viewer: Any, type_name: str, shape: Shape, replies: Replies
) -> ColumnElement[Any] | None:
    """``json_build_object`` of ``shape`` over a post's or reply's row, or None when a
    field is not one this module renders."""
    message = _Message(row, viewer, type_name, replies)
    fields: list[tuple[str, Any]] = []
    for want in shape:
        value = message.field(want)
        if value is None:
            return None
        fields.append((want.key, value))
    rendered: ColumnElement[Any] = _object(fields)
    return rendered
