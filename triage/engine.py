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

from .findings import Answer, Findings
from .levels import Level
from .rules import RULES, Rule

__all__ = ["Evaluation", "evaluate", "certain", "possible", "any_met"]


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

    @property
    def settled(self) -> bool:
        return self.floor == self.level


def _holds(findings: Findings, name: str) -> bool:
    return findings.get(name) is Answer.YES


def _may_hold(findings: Findings, name: str) -> bool:
    return findings.get(name) is not Answer.NO


def any_met(rule: Rule, findings: Findings) -> bool:
    """True if the rule's `any` part (if it has one) is already certainly met."""
    return not rule.any or _any_certain(findings, rule.any)


def _any_certain(findings: Findings, names: tuple[str, ...]) -> bool:
    if any(_holds(findings, name) for name in names):
        return True
    return any(group <= set(names) for group in findings.any_yes)


def certain(rule: Rule, findings: Findings) -> bool:
    """True if the rule fires whatever the unknown answers turn out to be."""
    return (
        all(_holds(findings, name) for name in rule.all)
        and (not rule.any or _any_certain(findings, rule.any))
        and all(findings.get(name) is Answer.NO for name in rule.none)
    )


def possible(rule: Rule, findings: Findings) -> bool:
    """True unless some known answer rules it out."""
    return (
        all(_may_hold(findings, name) for name in rule.all)
        and (not rule.any or any(_may_hold(findings, name) for name in rule.any))
        and all(findings.get(name) is not Answer.YES for name in rule.none)
    )


def _top(rules: Iterable[Rule]) -> Level:
    return max((rule.level for rule in rules), default=Level.SELF_CARE)


def evaluate(findings: Findings, rules: tuple[Rule, ...] = RULES) -> Evaluation:
    """The cautious level, the certain floor, and the rules that decided."""
    might = [rule for rule in rules if possible(rule, findings)]
    sure = [rule for rule in might if certain(rule, findings)]
    undecided = tuple(rule for rule in might if rule not in sure)
    level, floor = _top(might), _top(sure)
    # When the level is certain, the certain rules explain it; otherwise every rule that might reach it does.
    pool = sure if floor == level else might
    deciding = tuple(rule for rule in pool if rule.level == level)
    uncertain = tuple(rule for rule in deciding if rule in undecided)
    return Evaluation(level=level, floor=floor, deciding=deciding, uncertain=uncertain, undecided=undecided)
