"""`legcheck rules`: the clinician's review sheet, in Markdown: every rule in plain words with its sources,
the thresholds, every question (with why it is asked) and every advice and reply text. Made from the same
data the product runs on (triage/protocol/en.yaml, triage/texts/en.yaml, skill/texts/en.yaml).
"""

from __future__ import annotations

from triage import FINDINGS, RULES, SOURCES
from triage import advice as advice_texts
from triage.protocol import load as load_protocol

from .questions import questions
from .texts import texts

__all__ = ["review_sheet"]


def _findings(names: tuple[str, ...], word: str) -> str:
    labels = [FINDINGS[name].label for name in names]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + f" {word} " + labels[-1]


def _when(rule) -> str:
    parts = []
    if rule.all:
        parts.append(_findings(rule.all, "and"))
    if rule.any:
        parts.append(("any of: " if len(rule.any) > 1 else "") + _findings(rule.any, "or"))
    if rule.none:
        parts.append("and not " + _findings(rule.none, "or"))
    return "; ".join(parts)


class _Filled(dict):
    """The emergency number filled in; any other placeholder shown as what goes there ("<question>")."""

    def __missing__(self, key: str) -> str:
        return f"<{key}>"


def review_sheet(number: str = "999", advice_line: str = "", locale: str | None = None) -> str:
    lines = ["# legcheck: clinical review sheet", "",
             "Made from the data the product runs on. A rule fires when all its findings are present; unknown "
             "answers are read the cautious way (they can only raise the level). The most urgent rule that "
             "might fire decides.", "", "## Rules", ""]
    for rule in RULES:
        sources = ", ".join(rule.sources)
        lines += [f"### {rule.level.name}: {rule.id}", "", f"- When: {_when(rule)}",
                  f"- Guards against: {rule.condition}" + (" (a clot: the leg is never to be rubbed or warmed)"
                                                            if rule.clot else ""),
                  f"- Said to the person: {rule.reason[0].upper()}{rule.reason[1:]}.", f"- Sources: {sources}", ""]
    lines += ["## Thresholds", ""]
    for name, spec in load_protocol()["thresholds"].items():
        sources = f" ({', '.join(spec['sources'])})" if spec.get("sources") else ""
        lines.append(f"- {name} = {spec['value']}: {spec['meaning']}{sources}")
    lines += ["", "## Questions, in the order they are considered", ""]
    words = texts(locale)
    for question in questions(locale):
        grouped = f" (part of {question.parent})" if question.parent else ""
        lines.append(f"- **{question.id}**{grouped}: {question.text} *Why:* I ask because {question.why}.")
    lines += ["", "## Outcomes and advice", ""]
    for level, headline in words.section("headlines").items():
        lines.append(f"- {level}: {headline}")
    filled = _Filled(number=number, advice_line=f", or call {advice_line}" if advice_line else "")
    lines += [""] + [f"- {name}: {text.format_map(filled)}" for name, text in vars(advice_texts).items()
                     if name.isupper() and isinstance(text, str)]
    lines += ["", "## Replies", ""] + [f"- {key}: {text.format_map(filled)}"
                                        for key, text in {**words.section("replies"),
                                                          **words.section("expect")}.items()]
    lines += ["", "## Sources", ""] + [f"- {key}: {text}" for key, text in SOURCES.items()]
    return "\n".join(lines) + "\n"
