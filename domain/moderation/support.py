"""What a member who reports a risk to someone's life or safety is given back."""

from __future__ import annotations

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
"""Shown with SUICIDE_RISK and SELF_HARM_RISK reports. Crisis lines for the reporter's
region come from the crisis-resources data (another branch adds it next to this)."""
