"""The questions, in the order they are considered: the plan (triage/protocol/en.yaml, `questions`) with the
words of a locale (skill/texts/<language>.yaml).

Every question can be answered yes / no / "I don't know"; a "yes" means at least one of its findings is
present. The planner (triage.plan) skips a question that can no longer change the outcome. Red flags come
first. A grouped question answered "I don't know" is followed by its single questions, so that "not sure"
about one sign does not hide the others.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from triage.plan import PLAN

from .texts import texts

__all__ = ["Question", "QUESTIONS", "by_id", "questions"]


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    """Grammar / answer type: yes_no, side, location, duration or number (all also take yes/no)."""
    findings: tuple[str, ...]
    text: str
    reprompt: str
    why: str
    """Why it is asked, for the Why intent ("I ask because ...")."""
    parent: str = ""
    """The grouped question this one breaks down, if any."""
    confirm: str = ""
    """For a red flag's own question: the one line that checks it when a word in another answer pointed at
    it ("Did you say you are short of breath?")."""
    cannot_is: str = ""
    """The answer that "I can't" gives ("yes" where the finding is not being able to do something: "no, I
    can't" to "Is it too painful to put weight on that leg?" is a yes). "I can" then gives the other answer,
    for a question about one finding only. Empty: "I can't" says nothing about the finding, and only a yes
    or no said with it ("no, I can't") answers."""


@functools.cache
def questions(locale: str | None = None) -> tuple[Question, ...]:
    """The plan's questions with the words of a locale (English by default)."""
    words = texts(locale)
    built = []
    for planned in PLAN:
        said = words.question(planned.id)
        built.append(Question(planned.id, planned.kind, planned.findings, said.text, said.reprompt, said.why,
                              planned.parent, said.confirm, planned.cannot_is))
    return tuple(built)


QUESTIONS = questions()


@functools.cache
def _by_id(locale: str | None) -> dict[str, Question]:
    return {q.id: q for q in questions(locale)}


def by_id(qid: str, locale: str | None = None) -> Question:
    try:
        return _by_id(locale)[qid]
    except KeyError:
        raise KeyError(f"unknown question id {qid!r}") from None
