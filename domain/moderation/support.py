"""What a member who reports a risk to someone's life or safety is given back."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import DomainError
from domain.moderation.model import SAFETY_REASONS, ReportReason
from domain.safety.crisis import CrisisDirectory, CrisisResources, resources_for

SUPPORT_GUIDE = (
    "Thank you for speaking up. You did the right thing, and the circle's moderators and "
    "Hearth's safety team will see this. If you want to support them: reach out gently "
    "and privately-in-the-circle, say you are worried and that you care; ask directly "
    "whether they are thinking about suicide or hurting themselves (asking does not put "
    "the idea in their head); listen without judging or arguing; encourage them to "
    "contact a crisis line, a doctor or someone they trust, and offer to stay with them "
    "while they do. If someone is in immediate danger, call your local emergency number. "
    "You are not responsible for keeping them safe alone: look after yourself too."
)
"""Shown with SUICIDE_RISK and SELF_HARM_RISK reports, beside the crisis lines for the
reporter's region (:func:`reporter_support`)."""


@dataclass(frozen=True, slots=True)
class ReporterSupport:
    """What a member who reported a risk to someone's life gets back."""

    guide: str
    resources: CrisisResources


def reporter_support(
    reason: ReportReason, region: str | None, directory: CrisisDirectory
) -> ReporterSupport | None:
    """The guide and the crisis lines for the reporter's region (the international
    directories when the region has none verified) for a SUICIDE_RISK or
    SELF_HARM_RISK report; None for any other reason."""
    if reason not in SAFETY_REASONS:
        return None
    try:
        resources = resources_for(directory, region)
    except DomainError:  # an unknown region must not cost the reporter the lines
        resources = resources_for(directory, None)
    return ReporterSupport(SUPPORT_GUIDE, resources)


# -- "How to reply supportively": shown before a member's first reply (issue #17) ----------
#
# Every point rests on a published source in REPLY_GUIDE_SOURCES, checked on
# REPLY_GUIDE_CHECKED (docs/support.md lists which point comes from where). What could not
# be checked against a source was left out.


@dataclass(frozen=True, slots=True)
class GuideSection:
    title: str
    points: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GuideSource:
    title: str
    url: str
    checked_on: str


REPLY_GUIDE_CHECKED = "2026-12-05"
REPLY_GUIDE_VERSION = "2026-12-05"
REPLY_GUIDE_SUMMARY = (
    "Listen more than you advise, take what they say seriously, keep method details out, "
    "and point to a crisis line when someone may be at risk."
)
REPLY_GUIDE: tuple[GuideSection, ...] = (
    GuideSection(
        "Listen first",
        (
            "Show you care: give them your full attention and make your reply about them, "
            "not about you.",
            "Have patience: it can take time, and more than one try, before someone is "
            "ready to open up.",
            'Use open questions that need more than a yes or no, such as "Tell me more".',
            "Say it back in your own words to check you understood.",
            "Have courage: don't be put off by a negative response, and don't be afraid "
            "of silence.",
        ),
    ),
    GuideSection(
        "Validate, don't fix",
        (
            "You don't need to be an expert: being listened to helps.",
            "Hold back from advice and solutions unless they ask for them, and don't turn "
            "the thread to your own story.",
            "Don't tell them their situation is \"not that bad\": you don't know what it is "
            "like for them.",
        ),
    ),
    GuideSection(
        "If they talk about suicide",
        (
            'Take it seriously. It is all right to ask directly, for example "Are you '
            'thinking about suicide?": talking about it does not put the idea in '
            "someone's head.",
            'Never describe or discuss methods, and don\'t call an attempt "failed" or '
            '"successful".',
            "Don't promise to keep it secret: use Report so Hearth's safety team sees it.",
        ),
    ),
    GuideSection(
        "Point to help",
        (
            "If someone may be at immediate risk, encourage them to call their local "
            "emergency number now.",
            'Share a crisis line for where they live: the "Get help now" list '
            "(crisisResources) has them.",
        ),
    ),
    GuideSection(
        "Look after yourself",
        (
            "Responding to someone in distress can be hard on you too: look after yourself, "
            "and get support for yourself when you need it.",
        ),
    ),
)
REPLY_GUIDE_SOURCES: tuple[GuideSource, ...] = (
    GuideSource(
        "Samaritans: SHUSH listening tips (as published by Southend, Essex & Thurrock Mind)",
        "https://www.seandcessexmind.org.uk/post/shush-samaritans-listening-tips",
        REPLY_GUIDE_CHECKED,
    ),
    GuideSource(
        "Orygen: #chatsafe, a young person's guide for communicating safely online about "
        "suicide (2018; summary by mindline.sg)",
        "https://mindline.sg/youth/article/chatsafe-guidelines?type=interest",
        REPLY_GUIDE_CHECKED,
    ),
    GuideSource(
        "National Suicide Prevention Alliance: Responding to suicidal content online, "
        "best-practice guidelines",
        "https://www.scribd.com/document/563199967/NSPA-Guidelines-Responding-to-Suicidal-Content-Online",
        REPLY_GUIDE_CHECKED,
    ),
    GuideSource(
        "Recommendations for Reporting on Suicide (reportingonsuicide.org), top points as "
        "published by #BeThe1To",
        "http://www.bethe1to.com/reporting-on-suicide/",
        REPLY_GUIDE_CHECKED,
    ),
    GuideSource(
        "Beyond Blue: how you can help a young person who may be thinking about suicide",
        "https://healthyfamilies.beyondblue.org.au/age-13/mental-health-conditions-in-young-people/suicide/how-you-can-help",
        REPLY_GUIDE_CHECKED,
    ),
    GuideSource(
        "Alliance for Safe Kids: talking points for someone at risk of suicide (adapted from "
        "the National Suicide Prevention Lifeline)",
        "https://allianceforsafekids.org/talking-points-for-someone-at-risk-of-suicide",
        REPLY_GUIDE_CHECKED,
    ),
)
