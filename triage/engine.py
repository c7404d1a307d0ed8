"""Apply the rules to what is known, reading unknown answers the cautious way.

For each rule we ask two questions:
- is it certain to fire? (every literal is known to hold), and
- might it fire? (no literal is known to fail; an unknown answer could go either way).
The level is the most urgent rule that might fire: an unknown answer can only raise the level, never lower it
(safety rule 3). The level is "settled" when the rules that are certain to fire already reach it: nothing
still unknown can change it. The dialogue uses this to stop asking.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .findings import Answer, Findings
from .levels import Level
from .rules import RULES, Rule

__all__ = ["Evaluation", "evaluate", "any_met"]


@dataclass(frozen=True)
class Evaluation:
    level: Level
    """The cautious level: the most urgent rule that might fire (SELF_CARE if none)."""
    floor: Level
    """The most urgent rule certain to fire (SELF_CARE if none)."""
    deciding: tuple[Rule, ...]
    """Rules at `level`: the certain ones when the level is settled, else all that might fire."""
    uncertain: tuple[Rule, ...]
    """Deciding rules that are not certain: they count only because something is unknown."""
    undecided: tuple[Rule, ...] = ()
    """Every rule that might fire but is not certain to: what further answers could still decide."""
    open_findings: tuple[frozenset[str], ...] = ()
    """For each undecided rule, in the same order: its findings still unknown that could decide it (an `any`
    part already met needs no more). The dialogue asks about these."""

    @property
    def settled(self) -> bool:
        return self.floor == self.level


@dataclass(frozen=True)
class _Known:
    """The yes and no answers of one Findings as sets, so each rule is a few set operations."""

    yes: frozenset[str]
    no: frozenset[str]
    any_yes: tuple[frozenset[str], ...]

    @classmethod
    def of(cls, findings: Findings) -> _Known:
        answers = findings.answers
        return cls(
            yes=frozenset(name for name, answer in answers.items() if answer is Answer.YES),
            no=frozenset(name for name, answer in answers.items() if answer is Answer.NO),
            any_yes=findings.any_yes,
        )

    @property
    def answered(self) -> frozenset[str]:
        return self.yes | self.no


@dataclass(frozen=True)
class _RuleSets:
    """A rule's literals as sets (made once per rule of RULES, see _sets_of)."""

    all: frozenset[str]
    any: frozenset[str]
    none: frozenset[str]
    all_and_none: frozenset[str]
    every: frozenset[str]

    @classmethod
    def of(cls, rule: Rule) -> _RuleSets:
        all_and_none = frozenset(rule.all + rule.none)
        return cls(frozenset(rule.all), frozenset(rule.any), frozenset(rule.none), all_and_none,
                   all_and_none | frozenset(rule.any))


_RULES_SETS = tuple(_RuleSets.of(rule) for rule in RULES)


def _sets_of(rules: tuple[Rule, ...]) -> tuple[_RuleSets, ...]:
    return _RULES_SETS if rules is RULES else tuple(_RuleSets.of(rule) for rule in rules)


def _any_certain(known: _Known, names: frozenset[str]) -> bool:
    if not names.isdisjoint(known.yes):
        return True
    return bool(known.any_yes) and any(group <= names for group in known.any_yes)


def _certain(sets: _RuleSets, known: _Known) -> bool:
    return (
        sets.all <= known.yes
        and (not sets.any or _any_certain(known, sets.any))
        and sets.none <= known.no
    )


def _possible(sets: _RuleSets, known: _Known) -> bool:
    return (
        sets.all.isdisjoint(known.no)
        and (not sets.any or not sets.any <= known.no)
        and sets.none.isdisjoint(known.yes)
    )


def _open(sets: _RuleSets, known: _Known, answered: frozenset[str]) -> frozenset[str]:
    """The rule's findings still unknown that could decide it (an `any` part already met needs no more)."""
    any_met_now = not sets.any or _any_certain(known, sets.any)
    return (sets.all_and_none if any_met_now else sets.every) - answered


def any_met(rule: Rule, findings: Findings) -> bool:
    """True if the rule's `any` part (if it has one) is already certainly met."""
    if not rule.any:
        return True
    answers = findings.answers
    if any(answers.get(name) is Answer.YES for name in rule.any):
        return True
    return any(group.issubset(rule.any) for group in findings.any_yes)


def _top(rules: Iterable[Rule]) -> Level:
    return max((rule.level for rule in rules), default=Level.SELF_CARE)


def evaluate(findings: Findings, rules: tuple[Rule, ...] = RULES) -> Evaluation:
    """The cautious level, the certain floor, and the rules that decided.

    With the standard RULES, results are cached by the yes/no/unknown answers and "at least one" groups (all
    that the evaluation reads): conversations go through the same few states again and again, every opening
    turn especially, and an Evaluation is immutable, so a cached one can be shared."""
    if rules is RULES:
        groups = tuple(frozenset(group) for group in findings.any_yes)
        return _evaluate_rules(frozenset(findings.answers.items()), groups)
    return _evaluate(_Known.of(findings), rules)


@lru_cache(maxsize=4096)
def _evaluate_rules(answers: frozenset[tuple[str, Answer]], any_yes: tuple[frozenset[str], ...]) -> Evaluation:
    return _evaluate(_Known.of(Findings(answers=dict(answers), any_yes=any_yes)), RULES)


def _evaluate(known: _Known, rules: tuple[Rule, ...]) -> Evaluation:
    checked = [  # (rule, its sets, certain) for every rule that might fire, in order
        (rule, sets, _certain(sets, known))
        for rule, sets in zip(rules, _sets_of(rules), strict=True)
        if _possible(sets, known)
    ]
    answered = known.answered
    open_findings = tuple(_open(sets, known, answered) for _, sets, sure in checked if not sure)
    undecided = tuple(rule for rule, _, sure in checked if not sure)
    level = _top(rule for rule, _, _ in checked)
    floor = _top(rule for rule, _, sure in checked if sure)
    # When the level is certain, the certain rules explain it; otherwise every rule that might reach it does.
    pool = [(rule, sure) for rule, _, sure in checked if sure or floor != level]
    deciding = tuple(rule for rule, _ in pool if rule.level == level)
    uncertain = tuple(rule for rule, sure in pool if rule.level == level and not sure)
    return Evaluation(level, floor, deciding, uncertain, undecided, open_findings)
