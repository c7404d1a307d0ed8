"""What the dialogue says and asks, and what a front end reports: one small event type per kind of output.

Every front end (typed chat, JSON machine mode, offline voice, Alexa) renders the dialogue's events (Ask,
Say, Result); chat --json and voice --json also write what they heard (HeardEvent; a Heard whose intent is
None is not understood) and what went wrong with an input (ErrorEvent). One writer (`to_json`, and
skill.chat.emit_json for a line) and one reader (`event_from_json`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from intents import Heard

__all__ = ["Ask", "Say", "Result", "HeardEvent", "ErrorEvent", "Event", "event_from_json"]


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


@dataclass(frozen=True)
class HeardEvent:
    """What a front end heard as the answer (typed text matched, or a recognizer's hypothesis)."""

    heard: Heard
    kind: str = ""
    """The grammar it was heard under (the open question's kind), where a front end names it."""
    timing: dict[str, Any] = field(default_factory=dict)
    """Endpoint and decode times, for voice (see skill.voice.Listened.timing)."""

    type = "heard"

    @property
    def understood(self) -> bool:
        return self.heard.understood

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type, **self.heard.to_json()}
        if self.kind:
            data["kind"] = self.kind
        if self.timing:
            data["timing"] = dict(self.timing)
        return data


@dataclass(frozen=True)
class ErrorEvent:
    """An input that could not be used as given (a line cut to its first characters, a WAV that would not
    decode): the conversation goes on."""

    text: str

    type = "error"

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "text": self.text}


Event = Ask | Say | Result | HeardEvent | ErrorEvent

_TYPES = {"ask": Ask, "say": Say, "result": Result, "error": ErrorEvent}


def event_from_json(data: dict[str, Any]) -> Event:
    """Rebuild an event from its JSON form (round trip of to_json). Raises ValueError for an unknown type."""
    if data.get("type") == "heard":
        return HeardEvent(Heard.from_json(data), str(data.get("kind", "")), dict(data.get("timing") or {}))
    kind = _TYPES.get(data.get("type", ""))
    if kind is None:
        raise ValueError(f"unknown event type: {data.get('type')!r}")
    fields = {k: v for k, v in data.items() if k != "type"}
    for name in ("findings", "reasons", "rules"):
        if isinstance(fields.get(name), list):
            fields[name] = tuple(fields[name])
    return kind(**fields)
