"""Notices for the author in post and reply payloads: what was changed in what they
wrote, and why."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

import strawberry

from api.enums import described_enum
from domain.safety.contact_details import ContactKind


class NoticeCode(StrEnum):
    CONTACT_DETAILS_REMOVED = "CONTACT_DETAILS_REMOVED"


ContactKindEnum = described_enum(
    ContactKind,
    "ContactDetailKind",
    "A kind of contact detail that Hearth removes from posts and replies.",
    {
        "PHONE": "A phone number.",
        "EMAIL": "An e-mail address.",
        "HANDLE": "A messenger or social media handle or username.",
        "LINK": "A link to a messenger or social media profile.",
        "INVITATION": "An invitation to talk on another app.",
    },
)
NoticeCodeEnum = described_enum(
    NoticeCode,
    "ContentNoticeCode",
    "Why Hearth changed what the member wrote. Stable: clients may switch on it.",
    {
        "CONTACT_DETAILS_REMOVED": "Contact details were replaced by "
        '"[contact details removed]" and moderators were told.',
    },
)

_CONTACT_MESSAGE = (
    "We removed contact details from what you wrote. To keep everyone safe, Hearth "
    "conversations stay in Hearth: please don't share phone numbers, e-mail "
    "addresses, usernames or invitations to other apps. Moderators can see that "
    "something was removed."
)


@strawberry.type(description="Something the author should know about what was kept.")
class ContentNotice:
    code: NoticeCode = strawberry.field(description="What happened.")
    message: str = strawberry.field(description="A sentence to show to the author.")
    contact_kinds: list[ContactKind] = strawberry.field(
        description="With CONTACT_DETAILS_REMOVED: the kinds of contact details removed."
    )


def contact_notices(kinds: Sequence[ContactKind]) -> list[ContentNotice]:
    """One notice when contact details were masked in this write; none otherwise."""
    if not kinds:
        return []
    return [
        ContentNotice(
            code=NoticeCode.CONTACT_DETAILS_REMOVED,
            message=_CONTACT_MESSAGE,
            contact_kinds=list(kinds),
        )
    ]
