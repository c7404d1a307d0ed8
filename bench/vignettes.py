"""The clinical vignettes (tests/data/vignettes.yaml) as cases, and how a person with a case's findings answers
a question: shared by the vignette tests (tests/vignette_player.py drives the real CLI with them) and the
natural-answers bench (bench/nlu.py plays them through the dialogue in natural words).

Each question is answered from the case's findings by the question's own `findings` list: "yes" if any
listed finding is true in the case, "no" if all of them are false, "I don't know" if none is true and at
least one is "unknown". Findings a case does not list are absent ("no"). The derived names are worked out
from the values: `one_sided` is true when side is left or right, `lasting_over_10_minutes` when
duration_minutes > 10; with no value they are false, and with an "unknown" value they are unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
VIGNETTES = ROOT / "tests" / "data" / "vignettes.yaml"
LEVELS = ("SELF_CARE", "ROUTINE", "URGENT", "EMERGENCY")
"""Dispositions from least to most cautious."""

YES, NO, UNKNOWN = "yes", "no", "unknown"
ANSWERS = {YES: "yes", NO: "no", UNKNOWN: "I don't know"}

@dataclass(frozen=True)
class Case:
    """One vignette from tests/data/vignettes.yaml."""

    id: str
    group: str
    story: str
    source: str
    findings: Mapping[str, Any]
    """Present findings only: name -> "yes" | "unknown" | a value (side, location, duration_minutes)."""
    expected: str
    note: str = ""



def _normalise(value: Any) -> Any:
    """YAML reads a bare yes/no as a boolean: turn it back into the answer word."""
    if value is True:
        return YES
    if value is False:
        return NO
    return value


def load_cases(path: Path = VIGNETTES) -> list[Case]:
    """Read the vignettes; a malformed entry raises ValueError naming it."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    for entry in data["cases"]:
        try:
            findings = {name: _normalise(value) for name, value in entry["findings"].items()}
            cases.append(Case(entry["id"], entry["group"], entry["story"], entry["source"], findings,
                              entry["expected"], entry.get("note", "")))
        except (KeyError, AttributeError, TypeError) as error:
            raise ValueError(f"malformed vignette {entry.get('id', entry)!r}: {error!r}") from error
    return cases


def _derived(findings: Mapping[str, Any], name: str) -> str:
    value = findings.get("side" if name == "one_sided" else "duration_minutes")
    if value is None:
        return NO
    if value == UNKNOWN:
        return UNKNOWN
    if name == "one_sided":
        return YES if value in ("left", "right") else NO
    return YES if float(value) > 10 else NO


def truth(findings: Mapping[str, Any], name: str) -> str:
    """yes | no | unknown for one finding name in a case (derived names included)."""
    if name in ("one_sided", "lasting_over_10_minutes"):
        return _derived(findings, name)
    value = findings.get(name)
    if value is None or value == NO:
        return NO
    if value == UNKNOWN:
        return UNKNOWN
    return YES


def answer_for(findings: Mapping[str, Any], asked: tuple[str, ...] | list[str]) -> str:
    """The answer a person with these findings gives to a question about the `asked` findings."""
    states = {truth(findings, name) for name in asked}
    if YES in states:
        return ANSWERS[YES]
    if UNKNOWN in states:
        return ANSWERS[UNKNOWN]
    return ANSWERS[NO]


# ---- playing a case through the dialogue in natural words ---------------------------------------------------

PHRASINGS = ROOT / "tests" / "data" / "natural_phrasings.yaml"
"""Natural ways to say yes, no and "not sure" to each question, written by a helper who never saw the code."""


def load_phrasings(path: Path = PHRASINGS) -> dict[str, dict[str, list[str]]]:
    """question id -> {"yes": [...], "no": [...], "unknown": [...]} (YAML's bare yes/no keys read back)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["phrasings"]
    return {qid: {_normalise(label): [str(text) for text in texts] for label, texts in answers.items()}
            for qid, answers in data.items()}


@dataclass(frozen=True)
class Played:
    level: str | None
    """The outcome, or None when the dialogue did not finish."""
    questions: int
    said: tuple[tuple[str, str], ...]
    """(question id, what the player said), in order."""


def play_in_words(case: Case, phrasings: dict[str, dict[str, list[str]]] | None, variant: int = 0,
                  limit: int = 60) -> Played:
    """Play a case through the real matcher and dialogue. With phrasings, each answer is said in natural
    words (the variant-th phrasing, turning round the list); without, as "yes", "no" or "I don't know"."""
    from intents import match
    from skill.dialogue import Dialogue

    dialogue = Dialogue("en-GB")
    turn = dialogue.start()
    said: list[tuple[str, str]] = []
    for count in range(limit):
        ask = turn.open_question
        if ask is None:
            return Played(turn.state.finished and _level(turn), count, tuple(said))
        plain = answer_for(case.findings, ask.findings)
        label = {ANSWERS[YES]: YES, ANSWERS[NO]: NO}.get(plain, UNKNOWN)
        options = (phrasings or {}).get(_phrased_as(case, ask.question, ask.findings, label), {}).get(label) or [plain]
        text = options[(variant + count) % len(options)]
        said.append((ask.question, text))
        turn = dialogue.respond(turn.state, match(text, ask.kind))
    return Played(None, limit, tuple(said))


def _phrased_as(case: Case, qid: str, findings: tuple[str, ...], label: str) -> str:
    """The question whose phrasings say this answer: for a yes to a grouped question, the own question of the
    finding that is true (a yes phrased for the hormones question may name a pregnancy; a case on the pill
    says the pill)."""
    if label != YES or len(findings) < 2:
        return qid
    from skill.questions import QUESTIONS

    singles = {question.findings[0]: question.id for question in QUESTIONS if len(question.findings) == 1}
    true = [name for name in findings if truth(case.findings, name) == YES and name in singles]
    return singles[true[0]] if true else qid


def _level(turn) -> str | None:
    results = [event for event in turn.events if type(event).__name__ == "Result"]
    return results[-1].level if results else None
