"""What the dialogue says and asks: one small event type per kind of output.

Every front end (typed chat, JSON machine mode, offline voice, Alexa) renders these same events.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Ask", "Say", "Result", "Event", "event_from_json"]


@dataclass(frozen=True)
class Ask:
    """A question waiting for an answer."""

    question: str
    """Stable question id, e.g. "red_flags_chest"."""
    kind: str
    """Which answers it takes: yes_no | side | location | duration | number (all also take yes/no)."""
    findings: tuple[str, ...]
    """The findings this question fills (a "yes" means at least one of them is present)."""
    text: str
    """The question as plain text."""
    ssml: str
    """The question as SSML (<speak>...</speak>)."""
    reprompt: str
    """A shorter form to say again when the answer was not heard."""

    type = "ask"

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, **asdict(self), "findings": list(self.findings)}


@dataclass(frozen=True)
class Say:
    """Anything said that is not a question: acknowledgements, help, advice."""

    text: str
    ssml: str
    key: str = ""
    """Which reply this is (e.g. "help", "emergency_advice"), for front ends and tests."""

    type = "say"

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, **asdict(self)}


@dataclass(frozen=True)
class Result:
    """The outcome of the conversation."""

    level: str
    """EMERGENCY | URGENT | ROUTINE | SELF_CARE."""
    findings: dict[str, str]
    """Every finding with an answer: name -> yes | no | unknown | a value."""
    reasons: tuple[str, ...]
    """Plain-language reasons for the level, with the rule ids that decided it."""
    advice: str
    safety_net: str
    disclaimer: str
    questions_asked: int
    summary: str = ""
    """The clinician summary (plain text)."""
    rules: tuple[str, ...] = field(default=())
    """Ids of the rules that decided the level."""
    complete: bool = True
    """False when the conversation stopped before the level was settled."""
    emergency_number: str = ""

    type = "result"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["reasons"] = list(self.reasons)
        data["rules"] = list(self.rules)
        return {"type": self.type, **data}


Event = Ask | Say | Result

_TYPES = {"ask": Ask, "say": Say, "result": Result}


def event_from_json(data: dict[str, Any]) -> Event:
    """Rebuild an event from its JSON form (round trip of to_json)."""
    kind = _TYPES.get(data.get("type", ""))
    if kind is None:
        raise ValueError(f"unknown event type: {data.get('type')!r}")
    fields = {k: v for k, v in data.items() if k != "type"}
    for name in ("findings", "reasons", "rules"):
        if isinstance(fields.get(name), list):
            fields[name] = tuple(fields[name])
    return kind(**fields)
