"""``api.mutation_support.payload``, the one helper every mutation answers through:
what a client sees in the payload when the use case succeeds, when it refuses the
input, and when the viewer may not do it at all."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from api.errors import HearthError, UserError
from api.mutation_support import Fields, payload
from domain.errors import DomainError, ErrorCode, Forbidden, ValidationError


@dataclass
class _Payload:
    thing: str | None
    removed: bool | None
    user_errors: list[UserError]
    notices: list[str] = field(default_factory=lambda: ["default"])


async def _made() -> str:
    return "made"


async def test_success_fills_the_fields_present_gives_and_no_errors() -> None:
    answer = await payload(_Payload, _made, lambda made: {"thing": made, "removed": True})
    assert answer == _Payload(thing="made", removed=True, user_errors=[])


async def test_present_may_be_async_and_unnamed_fields_keep_defaults_or_are_null() -> None:
    async def present(made: str) -> Fields:
        return {"thing": made.upper()}

    answer = await payload(_Payload, _made, present)
    assert answer == _Payload(thing="MADE", removed=None, user_errors=[], notices=["default"])


async def test_refused_input_is_user_errors_under_input_with_the_failed_fields() -> None:
    async def refused() -> str:
        raise ValidationError(
            [
                DomainError(ErrorCode.TOO_LONG, "Too long.", ("body",)),
                DomainError(ErrorCode.INVALID, "Not that.", ("input", "kind")),
            ]
        )

    answer = await payload(
        _Payload, refused, lambda made: {"thing": made}, lambda: {"removed": False}
    )
    assert (answer.thing, answer.removed, answer.notices) == (None, False, ["default"])
    assert [(e.code, e.field) for e in answer.user_errors] == [
        (ErrorCode.TOO_LONG, ["input", "body"]),
        (ErrorCode.INVALID, ["input", "kind"]),
    ]


@pytest.mark.parametrize(
    "error",
    [Forbidden("Not yours."), DomainError(ErrorCode.FORBIDDEN, "Not yours.")],
)
async def test_a_permission_failure_is_a_top_level_forbidden_error(error: Exception) -> None:
    async def refused() -> str:
        raise error

    with pytest.raises(HearthError) as raised:
        await payload(_Payload, refused, lambda made: {"thing": made})
    assert raised.value.extensions == {"code": "FORBIDDEN"}
    assert raised.value.message == "Not yours."
