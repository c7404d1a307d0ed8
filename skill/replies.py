"""Fixed replies, keyed. The emergency advice and the disclaimer live in triage.advice (one text each)."""

from __future__ import annotations

import re
from html import escape

__all__ = ["REPLIES", "EXPECT", "HEADLINES", "reply", "ssml"]

REPLIES = {
    "welcome": "Hello. I can help you tell whether leg pain is probably a cramp, or could be a blood clot that "
    "needs a doctor. This is not a diagnosis. If you have chest pain or trouble breathing, call {number} now, "
    "or tell me at any time. Answer yes or no; you can also say I don't know, repeat, why, go back, or stop.",
    "help": "I am checking whether your leg pain sounds like a cramp or a possible blood clot, by asking a few "
    "questions. Answer yes or no, or say I don't know. You can say repeat, why, go back, start over, or stop. "
    "If you have chest pain or trouble breathing at any time, say so, or call {number}.",
    "not_understood": "Sorry, I did not catch that. {expect}",
    "give_up": "I still could not tell, so I will treat that as not sure, and be cautious.",
    "noted_value": "Thank you, I have noted that.",
    "back_first": "We are at the first question.",
    "back": "All right, let's go back.",
    "changed": "All right. I have changed your answer to \"{question}\" to {answer}.",
    "start_over": "All right, let's start again.",
    "why_intro": "I ask because {why}.",
    "why_so_far": "So far: {reasons}",
    "why_nothing_yet": "Nothing so far points to anything serious.",
    "emergency_now": "That can be serious. Call {number} now.",
    "stop_incomplete": "Stopping here. I could not finish the check, so I cannot say it is only a cramp. If you "
    "have chest pain, trouble breathing, or a cold, pale or numb leg, call {number} now. If the leg is swollen, "
    "red or warm, or the pain lasts more than ten minutes, get a doctor's check today.",
    "finished": "The check is finished. Say start over to begin again, or stop.",
}

EXPECT = {
    "yes_no": "Please say yes or no, or I don't know.",
    "side": "Please say yes or no, or left, right, or both.",
    "duration": "Please say yes or no, or how long, for example about twenty minutes.",
    "number": "Please say yes or no, or a number.",
    "location": "Please say yes or no, or where it hurts, for example the calf.",
}

HEADLINES = {
    "EMERGENCY": "This could be serious. You need emergency help now.",
    "URGENT": "You need a doctor to check your leg today.",
    "ROUTINE": "This does not sound like an emergency, but please see a doctor in the next few days.",
    "SELF_CARE": "This sounds like something you can look after at home.",
}


def reply(key: str, **values: str) -> str:
    return REPLIES[key].format(**values)


_DIGIT_RUN = re.compile(r"\d{2,}")


def ssml(text: str, number: str = "") -> str:
    """Plain text to SSML; every phone number (the emergency number, NHS 111) is read digit by digit.

    The product writes quantities in words, so every run of digits in its texts is a phone number (the
    voice path spells them out the same way: speech.tts.speakable). `number` is kept for callers that name
    the emergency number; it is a run of digits like any other."""
    body = escape(text, quote=False)
    body = _DIGIT_RUN.sub(lambda run: f'<say-as interpret-as="digits">{run.group()}</say-as>', body)
    return f"<speak>{body}</speak>"
