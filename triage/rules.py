"""The triage rules, read from the protocol (triage/protocol/en.yaml). Each rule names its sources.

A rule fires when every finding in `all` is yes, at least one in `any` is yes (if `any` is given), and every
finding in `none` is no. The level is the most urgent level among the rules that fire, or SELF_CARE.
Unknown answers are read the cautious way (see triage.engine): a rule that might fire counts.

Where sources differ, the more cautious reading is used (../shared/GUIDANCE.md, opening note).
"""

from __future__ import annotations

from dataclasses import dataclass

from .findings import names_in_group
from .levels import Level
from .protocol import load as load_protocol
from .protocol import source_text

__all__ = ["Rule", "RULES", "SOURCES", "PE_SIGNS", "LEG_SIGNS", "MAJOR_RISKS", "MINOR_RISKS"]

PE_SIGNS = ("breathless", "chest_pain", "coughing_blood", "fainting_or_racing_heart")
LEG_SIGNS = names_in_group("leg_sign")
MAJOR_RISKS = names_in_group("risk_major")
MINOR_RISKS = names_in_group("risk_minor")


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    reason: str
    """Why, in plain words, said to the person."""
    condition: str
    """The condition it guards against (for the clinician summary)."""
    sources: tuple[str, ...]
    """Keys of SOURCES."""
    all: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    none: tuple[str, ...] = ()
    clot: bool = False
    """What it guards against includes a blood clot: the advice then never says to rub or warm the leg."""


def _names(listed: list[str]) -> tuple[str, ...]:
    """Finding names, with `group:NAME` standing for every finding of that group."""
    names: list[str] = []
    for name in listed:
        names.extend(names_in_group(name.removeprefix("group:")) if name.startswith("group:") else (name,))
    return tuple(names)


def _rule(item: dict) -> Rule:
    return Rule(item["id"], Level[item["level"]], item["reason"], item["condition"], tuple(item["sources"]),
                all=_names(item.get("all", [])), any=_names(item.get("any", [])), none=_names(item.get("none", [])),
                clot=bool(item.get("clot", False)))


RULES: tuple[Rule, ...] = tuple(_rule(item) for item in load_protocol()["rules"])
"""The rules of the protocol (triage/protocol/en.yaml), in its order."""

SOURCES: dict[str, str] = {key: source_text(source) for key, source in load_protocol()["sources"].items()}
"""Source key -> the source in one line: who, the publisher's page, the copy read, secondary or not."""
