"""What a member who reports a risk to someone's life or safety is given back."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import DomainError
from domain.moderation.model import SAFETY_REASONS, ReportReason
from domain.safety.crisis import CrisisDirectory, CrisisResources, resources_for

SUPPORT_GUIDE = (
    "Thank you for speaking up: the circle's moderators and Hearth's safety team will see "
    "this. If you want to support them: let them know you care and give them your full "
    "attention; it is all right to ask directly whether they are thinking about suicide "
    "(talking about it does not put the idea in their head); listen without judgement, and "
    "don't promise to keep it a secret; let them know there is always someone to listen, "
    "and share a crisis line. If someone is in immediate danger, call your local emergency "
    "number. Supporting someone can affect you too: look after yourself and get support."
)
"""Shown with SUICIDE_RISK and SELF_HARM_RISK reports, beside the crisis lines for the
reporter's region (:func:`reporter_support`). Each clause rests on a source of the reply
guide below (docs/moderation.md, "After a risk report", lists which)."""


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
# Every point rests on a source in REPLY_GUIDE_SOURCES read on its publisher's own site
# (never a reprint), checked on REPLY_GUIDE_CHECKED (docs/support.md lists which point comes
# from where). What no publisher's own page supported was reworded to what it says, or left
# out.


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
REPLY_GUIDE_VERSION = "2026-12-05.2"
REPLY_GUIDE_SUMMARY = (
    "Listen more than you advise, take what they say seriously, keep method details out, "
    "and point to a crisis line when someone may be at risk."
)
REPLY_GUIDE: tuple[GuideSection, ...] = (
    GuideSection(
        "Listen first",
        (
            "Show you care: focus on them and give them your full attention.",
            "Have patience: it can take time, and a few tries, before someone is ready to open up.",
            'Use open questions that need more than a yes or no, such as "How are you '
            'feeling today?", and follow up with "Tell me more".',
            "Say it back to check you've understood, without interrupting or offering a solution.",
            "Have courage: try not to be put off by a negative response, and you don't have "
            "to fill every silence.",
        ),
    ),
    GuideSection(
        "Validate, don't fix",
        (
            "You don't have to be an expert: the fact that you care is what matters.",
            "Listen without judging, and try not to jump in with your advice, your opinions "
            "or your own experiences.",
            "Don't brush their feelings off with \"it's not that bad\": acknowledge how much "
            "it hurts.",
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
            "If someone may be in immediate danger, encourage them to call their local "
            "emergency number now.",
            "Let them know there is always someone to talk to: share a crisis line for where "
            'they live from the "Get help now" list (crisisResources).',
        ),
    ),
    GuideSection(
        "Look after yourself",
        (
            "Supporting someone in distress can affect you too: be clear about what support "
            "you can offer, take a break when you need one, and get support for yourself.",
        ),
    ),
)
REPLY_GUIDE_SOURCES: tuple[GuideSource, ...] = (
    GuideSource(
        "Samaritans: We believe in tomorrow, listening tips (Show you care, Have patience, "
        "Use open questions, Say it back, Have courage)",
        "http://samaritans.org/tomorrow",
        REPLY_GUIDE_CHECKED,
    ),
    GuideSource(
        "Samaritans (Dunfermline branch): World Suicide Prevention Day 2024, how to help "
        "someone open up",
        "https://samaritans.org/branches/dunfermline/news/world-suicide-prevention-day-tuesday-10-september-2024",
        REPLY_GUIDE_CHECKED,
    ),
    GuideSource(
        "Durham County Council: Helping someone who has suicidal thoughts",
        "https://durham.gov.uk/article/32461/Helping-someone-who-has-suicidal-thoughts",
        REPLY_GUIDE_CHECKED,
    ),
    GuideSource(
        "Beyond Blue: how you can help a young person who may be thinking about suicide",
        "https://healthyfamilies.beyondblue.org.au/age-13/mental-health-conditions-in-young-people/suicide/how-you-can-help",
        REPLY_GUIDE_CHECKED,
    ),
    GuideSource(
        "Orygen: #chatsafe, responding to someone online",
        "https://orygen.org.au/chatsafe/responding",
        REPLY_GUIDE_CHECKED,
    ),
    GuideSource(
        "Action Alliance for Suicide Prevention, Framework for Successful Messaging: the don'ts",
        "https://suicidepreventionmessaging.org/safety/messaging-donts",
        REPLY_GUIDE_CHECKED,
    ),
    GuideSource(
        "Mindframe (Everymind): language when communicating about suicide",
        "https://mindframe.org.au/suicide/communicating-about-suicide/language",
        REPLY_GUIDE_CHECKED,
    ),
    GuideSource(
        "Rethink Mental Illness: Suicidal thoughts, how to support someone",
        "https://rethink.org/advice-and-information/carers-information-hub/supporting-someone-with-suicidal-thoughts/",
        REPLY_GUIDE_CHECKED,
    ),
)
