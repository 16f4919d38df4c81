"""Values completed before execution reaches them.

A resolver that already has its field's whole completed value (``api.posts.rendered``:
a feed page the store rendered to JSON) returns it wrapped in ``Prebuilt``;
``CompiledExecutionContext.execute_fields`` then takes it as the completed value of the
field's selection set instead of executing the selection on it. Only the compiled plans
of known documents take it: a resolver returns one only while a plan runs
(``taking_prebuilt``), for a selection it read off that plan's document.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

_TAKEN: ContextVar[bool] = ContextVar("hearth_prebuilt_taken", default=False)


@contextlib.contextmanager
def taking_prebuilt() -> Iterator[None]:
    """Inside, resolvers may return ``prebuilt`` values: a compiled plan runs."""
    token = _TAKEN.set(True)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):  # finished in another context
            _TAKEN.reset(token)


def prebuilt_taken() -> bool:
    """Whether the running execution takes ``prebuilt`` values."""
    return _TAKEN.get()


class Prebuilt:
    """The completed value of an object field's selection set (its response keys in
    order, nested values already serialised)."""

    __slots__ = ("value",)

    def __init__(self, value: dict[str, Any]) -> None:
        self.value = value


def prebuilt(value: dict[str, Any]) -> Any:
    """``value`` as a resolver returns it in place of the field's object."""
    return Prebuilt(value)
