"""What the product says, as keyed data per locale: skill/texts/<language>.yaml, with per-country overrides.

`texts("en-GB")` is the English file with the GB overrides on top (the health advice line, for one). Every
key is checked at load (`problems`) against the question plan (triage.plan), the answer kinds and the levels,
and every placeholder against the ones the product fills in, so a missing or misspelt key is an error when
the file is read, not a crash in the middle of a conversation. The emergency advice, the disclaimer and the
other advice texts are the triage's (triage/texts/en.yaml).
"""

from __future__ import annotations

import functools
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from unicode_rbnf import RbnfEngine

from triage.plan import PLAN
from triage.protocol import KINDS, LEVELS, read_yaml

from .locale import normalise_locale

__all__ = ["Texts", "QuestionTexts", "TextsError", "texts", "problems", "read", "TEXTS_DIR", "PLACEHOLDERS"]

TEXTS_DIR = Path(__file__).parent / "texts"
DEFAULT_LANGUAGE = "en"

PLACEHOLDERS = {
    "replies": {"welcome": {"number"}, "help": {"number"}, "not_understood": {"expect"},
                "heard_guess": {"heard", "label", "expect"}, "heard_other": {"heard", "expect"},
                "changed": {"question", "answer"}, "why_intro": {"why"}, "why_so_far": {"reasons"},
                "emergency_now": {"number"}, "stop_incomplete": {"number"}, "failed": {"number"},
                "line_cut": {"limit"}},
    "words": {"one_leg": {"side"}, "minutes": {"minutes"}, "hours": {"hours"}, "days": {"days"}, "outcome": {"level"},
              "volunteered": {"name"}},
}
"""The placeholders each text may hold (the product fills in exactly these); a text not listed holds none."""

_SECTIONS = {
    "replies": ("welcome", "help", "not_understood", "heard_guess", "heard_other", "give_up", "noted_value",
                "back_first", "back", "changed",
                "start_over", "why_intro", "why_so_far", "why_nothing_yet", "emergency_now", "stop_incomplete",
                "finished", "sorry", "failed", "line_cut"),
    "expect": KINDS,
    "headlines": ("EMERGENCY", *LEVELS[1:], "SELF_CARE"),
    "titles": ("EMERGENCY", *LEVELS[1:], "SELF_CARE", "default"),
    "words": ("both_legs", "one_leg", "minutes", "hours", "days", "under_a_minute", "one_minute", "yes", "no",
              "unknown", "left", "right", "outcome", "not_finished", "volunteered", "not_answered"),
}
_QUESTION_KEYS = ("text", "reprompt", "why")


class TextsError(ValueError):
    """A texts file is missing, unreadable or does not pass its checks."""


@dataclass(frozen=True)
class QuestionTexts:
    text: str
    reprompt: str
    why: str
    confirm: str = ""


class Texts:
    """The texts of one locale."""

    def __init__(self, locale: str, document: dict[str, Any]) -> None:
        self.locale = locale
        self._doc = document
        self.advice_line: str = document["advice_line"]
        """The health advice line the same-day advice names ("NHS 111"), or "" where none can be named."""

    def reply(self, key: str, **values: Any) -> str:
        return self._doc["replies"][key].format(**values)

    def expect(self, kind: str) -> str:
        return self._doc["expect"][kind]

    def headline(self, level: str) -> str:
        return self._doc["headlines"][level]

    def title(self, level: str) -> str:
        return self._doc["titles"].get(level, self._doc["titles"]["default"])

    def word(self, key: str, **values: Any) -> str:
        return self._doc["words"][key].format(**values)

    def number(self, value: int) -> str:
        """A whole number in words ("thirty"): the product says quantities in words, because a speaker reads
        every run of digits out one digit at a time (they are phone numbers)."""
        return _speller(self.locale.partition("-")[0]).format_number(value).text

    def duration(self, minutes: float) -> str:
        """A duration in words, in the largest unit that fits ("thirty minutes", "two days")."""
        if minutes < 1:
            return self.word("under_a_minute")
        if round(minutes) == 1:
            return self.word("one_minute")
        if minutes < 120:
            return self.word("minutes", minutes=self.number(round(minutes)))
        if minutes < 2 * 1440:
            return self.word("hours", hours=self.number(round(minutes / 60)))
        return self.word("days", days=self.number(round(minutes / 1440)))

    def question(self, qid: str) -> QuestionTexts:
        return QuestionTexts(**self._doc["questions"][qid])

    def section(self, name: str) -> dict[str, str]:
        """Every text of a section, unfilled (for the review sheet and the speech pre-render)."""
        return dict(self._doc[name])


@functools.cache
def _speller(language: str) -> RbnfEngine:
    try:
        return RbnfEngine.for_language(language)
    except Exception:  # a language unicode-rbnf lacks: English, as for the texts
        return RbnfEngine.for_language(DEFAULT_LANGUAGE)


def read(language: str) -> Any:
    return read_yaml(TEXTS_DIR / f"{language}.yaml", "texts", TextsError)


@functools.cache
def texts(locale: str | None = None) -> Texts:
    """The texts for a locale ("en-GB"): its language's file (English where there is none) and its country's
    overrides. Raises TextsError naming every problem of the file."""
    normal = normalise_locale(locale)
    language, _, country = normal.partition("-")
    if not (TEXTS_DIR / f"{language}.yaml").exists():
        language = DEFAULT_LANGUAGE
    document = read(language)
    found = problems(document)
    if found:
        raise TextsError(f"the texts {TEXTS_DIR / language}.yaml have {len(found)} problem(s):\n- "
                         + "\n- ".join(found))
    merged = {key: value for key, value in document.items() if key not in ("countries", "sources")}
    for key, value in document.get("countries", {}).get(country, {}).items():
        merged[key] = value
    return Texts(normal, merged)


def problems(document: Any) -> list[str]:
    """Every problem of a texts document, as sentences naming the place (empty when it is sound)."""
    if not isinstance(document, dict):
        return ["the texts must be a mapping with questions, replies, expect, headlines, titles and words"]
    found: list[str] = []
    for section, keys in _SECTIONS.items():
        _section_problems(document.get(section), section, keys, found)
    _question_problems(document.get("questions"), found)
    if not isinstance(document.get("advice_line"), str):
        found.append("advice_line must be a text (empty where no advice line is named)")
    countries = document.get("countries", {})
    if not isinstance(countries, dict):
        found.append("countries must map a country code to its overrides")
        return found
    sources = document.get("sources", {})
    for country, overrides in countries.items():
        if not isinstance(overrides, dict) or not set(overrides) <= {"advice_line"}:
            found.append(f"countries.{country}: only advice_line may be overridden, as a text")
        elif not isinstance(sources, dict) or not sources.get(country):
            found.append(f"countries.{country}: its advice line needs a source in `sources`")
    return found


def _section_problems(section: Any, name: str, keys: tuple[str, ...], found: list[str]) -> None:
    if not isinstance(section, dict):
        found.append(f"missing section {name!r}")
        return
    missing = [key for key in keys if key not in section]
    extra = [key for key in section if key not in keys]
    if missing:
        found.append(f"{name}: missing {', '.join(missing)}")
    if extra:
        found.append(f"{name}: unknown keys {', '.join(map(str, extra))}")
    for key, text in section.items():
        _text_problems(text, f"{name}.{key}", PLACEHOLDERS.get(name, {}).get(key, set()), found)


def _question_problems(questions: Any, found: list[str]) -> None:
    if not isinstance(questions, dict):
        found.append("missing section 'questions'")
        return
    plan = {question.id for question in PLAN}
    for qid in sorted(plan - set(questions)):
        found.append(f"questions: no texts for the question {qid!r} of the plan")
    for qid in sorted(set(questions) - plan):
        found.append(f"questions: {qid!r} is not a question of the plan (triage/protocol/en.yaml)")
    for qid, entry in questions.items():
        if not isinstance(entry, dict) or not set(_QUESTION_KEYS) <= set(entry) <= {*_QUESTION_KEYS, "confirm"}:
            found.append(f"questions.{qid}: needs text, reprompt and why (and may have confirm)")
            continue
        for key, text in entry.items():
            _text_problems(text, f"questions.{qid}.{key}", set(), found)


def _text_problems(text: Any, where: str, allowed: set[str], found: list[str]) -> None:
    if not isinstance(text, str) or not text.strip():
        found.append(f"{where}: must be a non-empty text")
        return
    try:
        used = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as error:
        found.append(f"{where}: {error} (write a brace as {{{{ or }}}})")
        return
    unknown = used - allowed
    if unknown:
        found.append(f"{where}: unknown placeholder(s) {', '.join(sorted(unknown))}; "
                     f"this text may use {', '.join(sorted(allowed)) or 'none'}")
