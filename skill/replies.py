"""Text to SSML for every reply. The reply texts themselves are data: skill/texts (skill.texts); the emergency
advice and the disclaimer are the triage's (triage/texts/en.yaml)."""

from __future__ import annotations

import re
from html import escape

__all__ = ["ssml"]

_DIGIT_RUN = re.compile(r"\d{2,}")


def ssml(text: str, number: str = "") -> str:
    """Plain text to SSML; every phone number (the emergency number, NHS 111) is read digit by digit.

    The product writes quantities in words, so every run of digits in its texts is a phone number (the
    voice path spells them out the same way: speech.tts.speakable). `number` is kept for callers that name
    the emergency number; it is a run of digits like any other."""
    body = escape(text, quote=False)
    body = _DIGIT_RUN.sub(lambda run: f'<say-as interpret-as="digits">{run.group()}</say-as>', body)
    return f"<speak>{body}</speak>"
