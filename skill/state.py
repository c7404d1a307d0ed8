"""The dialogue state: a frozen dataclass with explicit names, its versioned JSON form, and its checks.

A stateless front end (Alexa) carries the state between turns as `state.to_dict()` in its session attributes,
and hands it back to `Dialogue.respond`, which reads it with `DialogueState.from_dict`: the session attributes
are input from outside, so everything is checked, and a state that does not validate raises StateError (the
dialogue then starts again, or gives the emergency advice if the raw state shows a red flag answered yes).
Inside one step the dialogue works on a `Draft` (the same fields, mutable) and freezes it at the end.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

from triage import FINDINGS, Findings, FindingsError, names_in_group
from triage.plan import PLAN, PlanQuestion, plan_question
from triage.rules import RULES

__all__ = ["DialogueState", "Draft", "StateError", "STATE_VERSION", "RED_FLAGS", "VOLUNTEERED", "ONLY_RAISE",
           "findings_of", "raw_red_flag"]

STATE_VERSION = 2
"""Version 2: explicit names (version 1 used short keys such as "v", "qvalues" and "volunteered")."""
RED_FLAGS = names_in_group("red_flag")
_PLAN_IDS = frozenset(question.id for question in PLAN)
_RED_FLAG_QUESTIONS = {q.id: q.findings for q in PLAN if set(q.findings) & set(RED_FLAGS)}
ONLY_RAISE = frozenset(FINDINGS) - {name for rule in RULES for name in rule.none}
"""Findings whose yes can only raise the level: none of them is in a rule's `none`."""
VOLUNTEERED = ONLY_RAISE & frozenset(names_in_group("leg_sign", "sign", "pattern", "risk_major", "risk_minor",
                                                    "medicine"))
"""Findings the dialogue keeps when they are said at any question without being asked ("no cough, but my
calf is swollen", "I flew back from Australia last week"): yes only, as their yes can only raise the level;
a denial said out of turn is left to its question, where a misreading costs a question, never a level."""
_SAID = frozenset(RED_FLAGS) | frozenset(names_in_group("said")) | VOLUNTEERED
_ANSWERS = frozenset({"yes", "no", "unknown"})
_ANSWER_VALUE_KEYS = {"side": {"side"}, "duration": {"duration_minutes"}}
"""What a question's answer may carry as values (side and duration questions only)."""
_SAID_VALUE_KEYS = {"side", "location", "duration_minutes", "lasting_over_10_minutes"}
"""What a value said out of turn may set."""


class StateError(ValueError):
    """A dialogue state that does not validate; `kind` names the check that failed (no values in it)."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"dialogue state is not valid: {kind}")
        self.kind = kind


@dataclass(frozen=True)
class DialogueState:
    """Where a conversation stands. Immutable: every step of the dialogue makes a new one."""

    locale: str
    number: str
    """The emergency number (always the Dialogue's own on load, never the client's)."""
    asked: tuple[str, ...] = ()
    """Question ids in the order first asked."""
    answers: Mapping[str, str] = field(default_factory=dict)
    """Question id -> yes | no | unknown."""
    answer_values: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Question id -> the values its answer gave ({"side": "left"}, {"duration_minutes": 30.0}, or for a
    grouped question answered yes, the findings the answer named: {"pregnancy_or_postpartum": "yes"})."""
    said_values: Mapping[str, Any] = field(default_factory=dict)
    """Values said out of turn ("it's my left calf" at another question): side, location, a duration."""
    said_findings: Mapping[str, str] = field(default_factory=dict)
    """Red flags, a request for an ambulance, and findings (VOLUNTEERED) said at any question: name -> "yes"
    (only ever yes)."""
    open_question: str | None = None
    """The question waiting for an answer (None once finished)."""
    misses: int = 0
    """Answers in a row to the open question that were not understood."""
    finished: bool = False
    complete: bool = True
    """False when the conversation was stopped before the level was settled."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "asked", tuple(self.asked))
        for name in ("answers", "said_values", "said_findings"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        values = {qid: MappingProxyType(dict(v)) for qid, v in self.answer_values.items()}
        object.__setattr__(self, "answer_values", MappingProxyType(values))

    @functools.cached_property
    def findings(self) -> Findings:
        """Every answer so far as triage findings (computed once per state)."""
        return findings_of(self)

    def draft(self) -> Draft:
        """A mutable copy to work on within one step."""
        return Draft(self.locale, self.number, list(self.asked), dict(self.answers),
                     {qid: dict(values) for qid, values in self.answer_values.items()}, dict(self.said_values),
                     dict(self.said_findings), self.open_question, self.misses, self.finished, self.complete)

    def to_dict(self) -> dict[str, Any]:
        """The versioned JSON-able form (what the Alexa endpoint keeps in the session attributes)."""
        return {"version": STATE_VERSION, "locale": self.locale, "number": self.number, "asked": list(self.asked),
                "answers": dict(self.answers),
                "answer_values": {qid: dict(values) for qid, values in self.answer_values.items()},
                "said_values": dict(self.said_values), "said_findings": dict(self.said_findings),
                "open_question": self.open_question, "misses": self.misses, "finished": self.finished,
                "complete": self.complete}

    @classmethod
    def from_dict(cls, data: Any, locale: str, number: str) -> DialogueState:
        """Read and check a state from outside, with the locale and emergency number given (never the
        client's). Raises StateError naming the check that failed."""
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            raise StateError("version")
        if set(data) - _KEYS:
            raise StateError("keys")
        for key, kind in _TYPES.items():
            if type(data.get(key)) is not kind:
                raise StateError(f"type of {key}")
        state = cls(locale, number, tuple(data["asked"]), data["answers"], data["answer_values"],
                    data["said_values"], data["said_findings"], data.get("open_question"), data["misses"],
                    data["finished"], data["complete"])
        _check_questions(state, data)
        _check_findings(state)
        return state


@dataclass
class Draft:
    """The same fields as DialogueState, mutable: what one step of the dialogue works on."""

    locale: str
    number: str
    asked: list[str] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)
    answer_values: dict[str, dict[str, Any]] = field(default_factory=dict)
    said_values: dict[str, Any] = field(default_factory=dict)
    said_findings: dict[str, str] = field(default_factory=dict)
    open_question: str | None = None
    misses: int = 0
    finished: bool = False
    complete: bool = True

    def freeze(self) -> DialogueState:
        return DialogueState(**{f.name: getattr(self, f.name) for f in fields(self)})

    @property
    def findings(self) -> Findings:
        return findings_of(self)


_TYPES = {"asked": list, "answers": dict, "answer_values": dict, "said_values": dict, "said_findings": dict,
          "misses": int, "finished": bool, "complete": bool}
_KEYS = frozenset({*_TYPES, "version", "open_question", "locale", "number"})


def _check_questions(state: DialogueState, data: dict[str, Any]) -> None:
    asked = state.asked
    if not all(isinstance(qid, str) and qid in _PLAN_IDS for qid in asked) or len(set(asked)) != len(asked):
        raise StateError("asked")
    if not all(qid in _PLAN_IDS and answer in _ANSWERS for qid, answer in state.answers.items()):
        raise StateError("answers")
    if not all(qid in _PLAN_IDS and isinstance(values, dict) for qid, values in data["answer_values"].items()):
        raise StateError("answer_values")
    if state.open_question is not None and state.open_question not in _PLAN_IDS:
        raise StateError("open_question")
    if state.open_question is None and not state.finished:
        raise StateError("open_question")
    if state.misses < 0:
        raise StateError("misses")


def _check_findings(state: DialogueState) -> None:
    """Values only where the dialogue puts them, and what was said out of turn only as red flags said: a
    crafted state must not cancel an answer ("yes" to the lung group undone by answer_values saying no)."""
    for qid, values in state.answer_values.items():
        question = plan_question(qid)
        named = {name for name, value in values.items() if name in question.findings and value == "yes"}
        allowed = _ANSWER_VALUE_KEYS.get(question.kind, set()) | (named if len(question.findings) > 1 else set())
        if not set(values) <= allowed:
            raise StateError("answer_values")
    if not set(state.said_values) <= _SAID_VALUE_KEYS:
        raise StateError("said_values")
    if not all(name in _SAID and value == "yes" for name, value in state.said_findings.items()):
        raise StateError("said_findings")
    try:
        _ = state.findings
    except (FindingsError, KeyError, TypeError, ValueError) as error:
        raise StateError("findings") from error


def findings_of(state: DialogueState | Draft) -> Findings:
    """Every answer so far as triage findings (groups answered yes become 'at least one of')."""
    raw: dict[str, Any] = {}
    any_yes: list[list[str]] = []
    for qid in state.asked:
        answer = state.answers.get(qid)
        if answer is not None:
            _apply_answer(plan_question(qid), answer, raw, any_yes)
    for values in state.answer_values.values():
        raw.update(values)
    raw.update(state.said_values)
    raw.update(state.said_findings)
    for group in any_yes:  # "yes" to a group whose other findings were all answered no: the one left is yes
        left = [name for name in group if raw.get(name) != "no"]
        if len(left) == 1 and raw.get(left[0]) in (None, "unknown"):
            raw[left[0]] = "yes"
    raw["any_yes"] = [group for group in any_yes if not any(raw.get(name) == "yes" for name in group)]
    if not raw["any_yes"]:
        del raw["any_yes"]
    return Findings.from_dict(raw)


def _apply_answer(question: PlanQuestion, answer: str, raw: dict[str, Any], any_yes: list[list[str]]) -> None:
    """A question's answer onto the findings so far (in the order asked). A question about one finding always
    sets it, "not sure" too: a red flag checked again after its group was answered no ("Did you say you
    are short of breath?" "I don't know") is unknown, never the group's no. A group's "not sure" leaves
    what is already known."""
    names = question.findings
    if len(names) == 1:
        raw[names[0]] = answer
        return
    if answer != "yes":
        for name in names:
            if answer != "unknown" or raw.get(name) not in ("yes", "no"):
                raw[name] = answer
        return
    for name in names:
        raw.setdefault(name, "unknown")
    any_yes.append(list(names))


def raw_red_flag(data: Any) -> bool:
    """A red flag answered yes anywhere in a state that may not validate, read with no assumptions (either
    version's names: a session from before an upgrade must not hide a red flag)."""
    if isinstance(data, DialogueState):
        data = data.to_dict()
    if not isinstance(data, dict):
        return False
    places = [data.get(key) for key in ("said_findings", "said_values", "volunteered", "values")]
    answers = data.get("answers")
    if isinstance(answers, dict):
        places.append({name: value for qid, value in answers.items() if qid in _RED_FLAG_QUESTIONS
                       for name in _RED_FLAG_QUESTIONS[qid]})
    return any(isinstance(place, dict) and place.get(name) == "yes" for place in places for name in RED_FLAGS)


