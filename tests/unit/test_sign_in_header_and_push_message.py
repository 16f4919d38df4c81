"""Two small contracts of the domain: how a request names its bearer token
(domain.members.identity) and which push messages can be built at all
(domain.notifications.push.PushMessage)."""

from __future__ import annotations

import pytest

from domain.errors import Unauthenticated
from domain.members.identity import Identity, parse_bearer
from domain.notifications.push import Platform, PushMessage, PushPriority


@pytest.mark.parametrize(
    ("header", "token"),
    [
        (None, None),
        ("Bearer abc.def", "abc.def"),
        ("bearer abc", "abc"),
        ("  BEARER   abc  ", "abc"),
        ("Bearer\tabc", "abc"),
    ],
)
def test_a_bearer_header_gives_its_token_and_no_header_is_anonymous(
    header: str | None, token: str | None
) -> None:
    assert parse_bearer(header) == token


@pytest.mark.parametrize(
    "header",
    ["", "   ", "Basic abc", "Token abc", "Bearer", "Bearer   ", "Bearer a b", "Bearerabc"],
)
def test_any_other_authorization_header_is_refused(header: str) -> None:
    with pytest.raises(Unauthenticated):
        parse_bearer(header)


def test_an_identitys_claims_are_a_read_only_copy() -> None:
    claims = {"auth_time": 1}
    identity = Identity("uid-1", claims)
    claims["auth_time"] = 2
    assert identity.claims == {"auth_time": 1}
    with pytest.raises(TypeError):
        identity.claims["auth_time"] = 3  # type: ignore[index]
    assert Identity("uid-2").claims == {}
    assert Identity("uid-2").dev is False


def _message(**changes: object) -> PushMessage:
    values: dict[str, object] = {
        "device_token": "fid",
        "platform": Platform.ANDROID,
        "title": "t",
        "body": "b",
        "data": {},
        "channel_id": "replies",
        "priority": PushPriority.HIGH,
    }
    return PushMessage(**(values | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"device_token": ""}, "device_token"),
        ({"channel_id": ""}, "channel_id"),
        ({"ttl_seconds": -1}, "ttl_seconds"),
        ({"badge": -1}, "badge"),
        ({"collapse_key": ""}, "collapse_key"),
        ({"collapse_key": "x" * 65}, "collapse_key"),
        ({"tag": ""}, "tag"),
        ({"tag": "é" * 33}, "tag"),  # 66 bytes
    ],
)
def test_a_push_message_that_no_push_service_takes_is_refused(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(ValueError, match=rf"^PushMessage\.{field} must"):
        _message(**changes)


def test_the_limits_of_a_push_message_are_inclusive() -> None:
    message = _message(ttl_seconds=0, badge=0, collapse_key="x" * 64, tag="é" * 32)
    assert (message.ttl_seconds, message.badge) == (0, 0)
    assert _message().ttl_seconds == 86400
