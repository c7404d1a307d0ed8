"""The clinical protocol as data: protocol/en.yaml (findings, thresholds, rules, the question plan, sources),
read and checked.

`load()` returns the checked document (cached); `problems(document)` lists everything wrong with one, each
in a sentence that names the place (`python -m triage validate [FILE]` prints them). The checks are written
here rather than with a JSON-schema library: they are a page long, and a library (with its compiled
dependencies) would also have to go into the AWS Lambda bundle, which holds only pure-Python packages.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

__all__ = ["PROTOCOL", "ProtocolError", "load", "read", "read_yaml", "problems", "GROUPS", "LEVELS", "KINDS",
           "SOURCE_KINDS", "source_text"]

PROTOCOL = Path(__file__).parent / "protocol" / "en.yaml"

GROUPS = ("red_flag", "said", "leg_sign", "sign", "pattern", "risk_major", "risk_minor", "medicine", "value",
          "derived")
LEVELS = ("EMERGENCY", "URGENT", "ROUTINE")
THRESHOLDS = ("long_pain_minutes", "about_span", "severe_pain_score", "older_age")
_RULE_KEYS = {"id", "level", "reason", "condition", "sources", "all", "any", "none", "clot"}
_FINDING_KEYS = {"name", "group", "label", "meaning"}
KINDS = ("yes_no", "side", "location", "duration", "number")
"""What a question's answer may be besides yes / no / not sure (the same kinds as intents.KINDS)."""
_QUESTION_KEYS = {"id", "kind", "findings", "parent", "cannot_is"}


class ProtocolError(ValueError):
    """The protocol file is missing, unreadable or does not pass its checks."""


def read_yaml(path: Path, what: str, error: type[Exception] = ValueError) -> Any:
    """One data file of ours (the protocol, the advice texts, a locale's texts), or `error` saying why not."""
    try:
        with path.open(encoding="utf-8") as source:
            return yaml.safe_load(source)
    except (OSError, UnicodeDecodeError) as problem:
        raise error(f"cannot read the {what} {path}: {problem}") from problem
    except yaml.YAMLError as problem:
        raise error(f"the {what} {path} is not valid YAML: {problem}") from problem


def read(path: Path = PROTOCOL) -> Any:
    return read_yaml(path, "protocol", ProtocolError)


@functools.cache
def load() -> dict[str, Any]:
    """The checked protocol of this package. Raises ProtocolError listing every problem."""
    document = read()
    found = problems(document)
    if found:
        raise ProtocolError(f"the protocol {PROTOCOL} has {len(found)} problem(s):\n- " + "\n- ".join(found))
    return document


def problems(document: Any) -> list[str]:
    """Every problem of a protocol document, as sentences (empty when it is sound)."""
    if not isinstance(document, dict):
        return ["the protocol must be a mapping with findings, thresholds, rules, questions and sources"]
    found = [f"missing section {key!r}" for key in ("findings", "thresholds", "rules", "questions", "sources")
             if key not in document]
    if found:
        return found
    sources = document["sources"]
    if not isinstance(sources, dict) or not sources:
        return ["sources must map each key to a source (title, page, kind)"]
    for key, source in sources.items():
        _source_problems(key, source, found)
    if found:
        return found
    names = _finding_problems(document["findings"], found)
    _threshold_problems(document["thresholds"], sources, found)
    used = _rule_problems(document["rules"], names, sources, found)
    _question_problems(document["questions"], names, found)
    thresholds = document["thresholds"] if isinstance(document["thresholds"], dict) else {}
    used |= {key for spec in thresholds.values() if isinstance(spec, dict) for key in spec.get("sources", [])}
    unused = sorted(set(sources) - used)
    if unused:
        found.append(f"sources never named by a rule or threshold: {', '.join(unused)}")
    return found


def _finding_problems(findings: Any, found: list[str]) -> dict[str, str]:
    """Finding name -> group, appending the problems of the findings section."""
    names: dict[str, str] = {}
    if not isinstance(findings, list) or not findings:
        found.append("findings must be a non-empty list")
        return names
    for index, finding in enumerate(findings):
        where = f"findings[{index}]"
        if not isinstance(finding, dict) or set(finding) != _FINDING_KEYS:
            found.append(f"{where} must have exactly: {', '.join(sorted(_FINDING_KEYS))}")
            continue
        if not all(isinstance(finding[key], str) and finding[key] for key in _FINDING_KEYS):
            found.append(f"{where} ({finding.get('name')}): every field must be a non-empty text")
        elif finding["group"] not in GROUPS:
            found.append(f"{where} ({finding['name']}): unknown group {finding['group']!r}; one of {', '.join(GROUPS)}")
        elif finding["name"] in names:
            found.append(f"{where}: finding {finding['name']!r} is listed twice")
        else:
            names[finding["name"]] = finding["group"]
    return names


def _threshold_problems(thresholds: Any, sources: dict, found: list[str]) -> None:
    if not isinstance(thresholds, dict) or set(thresholds) != set(THRESHOLDS):
        found.append(f"thresholds must be exactly: {', '.join(THRESHOLDS)}")
        return
    for name, spec in thresholds.items():
        if not isinstance(spec, dict) or "value" not in spec or not isinstance(spec.get("meaning"), str):
            found.append(f"threshold {name}: needs a value and a meaning")
            continue
        unknown = [key for key in spec.get("sources", []) if key not in sources]
        if unknown:
            found.append(f"threshold {name}: unknown sources {', '.join(unknown)}")
    span = thresholds.get("about_span", {}).get("value") if isinstance(thresholds.get("about_span"), dict) else None
    if not (isinstance(span, list) and len(span) == 2 and all(isinstance(v, int | float) for v in span)
            and 0 < span[0] <= 1 <= span[1]):
        found.append("threshold about_span: value must be [low, high] with 0 < low <= 1 <= high")
    for name in ("long_pain_minutes", "severe_pain_score", "older_age"):
        value = thresholds.get(name, {}).get("value") if isinstance(thresholds.get(name), dict) else None
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            found.append(f"threshold {name}: value must be a positive number")


def _rule_problems(rules: Any, names: dict[str, str], sources: dict, found: list[str]) -> set[str]:
    """The source keys the rules name, appending the problems of the rules section."""
    used: set[str] = set()
    if not isinstance(rules, list) or not rules:
        found.append("rules must be a non-empty list")
        return used
    ids: set[str] = set()
    for index, rule in enumerate(rules):
        if not isinstance(rule, dict):
            found.append(f"rules[{index}] must be a mapping")
            continue
        where = f"rule {rule.get('id', index)!r}"
        if _shape_problem(rule, where, found):
            continue
        if rule["id"] in ids:
            found.append(f"{where}: the id is used twice")
        ids.add(rule["id"])
        if rule["level"] not in LEVELS:
            found.append(f"{where}: level must be one of {', '.join(LEVELS)}, not {rule['level']!r}")
        if not rule["sources"] or any(key not in sources for key in rule["sources"]):
            found.append(f"{where}: every rule names at least one source, all of them keys of `sources`")
        used.update(key for key in rule["sources"] if key in sources)
        _name_problems(rule, where, names, found)
    return used


def _shape_problem(rule: dict, where: str, found: list[str]) -> bool:
    extra = set(rule) - _RULE_KEYS
    missing = {"id", "level", "reason", "condition", "sources"} - set(rule)
    if extra:
        found.append(f"{where}: unknown keys {', '.join(sorted(extra))}")
    if missing:
        found.append(f"{where}: missing {', '.join(sorted(missing))}")
    return bool(extra or missing)


def _name_problems(rule: dict, where: str, names: dict[str, str], found: list[str]) -> None:
    for part in ("all", "any", "none"):
        for name in rule.get(part, []):
            group = name.removeprefix("group:") if name.startswith("group:") else None
            if group is not None and group not in GROUPS:
                found.append(f"{where}: {part} names unknown group {group!r}")
            elif group is None and name not in names:
                found.append(f"{where}: {part} names unknown finding {name!r}")
    if not (rule.get("all") or rule.get("any")):
        found.append(f"{where}: needs `all` or `any` (a rule with neither would always fire)")


def _question_problems(questions: Any, names: dict[str, str], found: list[str]) -> None:
    """The question plan: ids used once, known kinds and findings, a parent asked before its parts."""
    if not isinstance(questions, list) or not questions:
        found.append("questions must be a non-empty list")
        return
    ids: list[str] = []
    for index, question in enumerate(questions):
        if not isinstance(question, dict) or not {"id", "kind", "findings"} <= set(question) <= _QUESTION_KEYS:
            found.append(f"questions[{index}] must have id, kind and findings (and may have parent, cannot_is)")
            continue
        where = f"question {question['id']!r}"
        if question["id"] in ids:
            found.append(f"{where}: the id is used twice")
        if question["kind"] not in KINDS:
            found.append(f"{where}: kind must be one of {', '.join(KINDS)}, not {question['kind']!r}")
        listed = question["findings"]
        if not isinstance(listed, list) or not listed or any(name not in names for name in listed):
            found.append(f"{where}: findings must be a non-empty list of findings of the protocol")
        if "parent" in question and question["parent"] not in ids:
            found.append(f"{where}: parent {question['parent']!r} must be a question listed before it")
        if question.get("cannot_is", "yes") not in ("yes", "no"):
            found.append(f"{where}: cannot_is must be yes or no")
        ids.append(question["id"])


_SOURCE_KEYS = {"title", "page", "read_via", "kind"}
SOURCE_KINDS = ("primary", "secondary")


def _source_problems(key: str, source: Any, found: list[str]) -> None:
    """A source: who says it (title), the publisher's page, the copy it was read through if any, and whether
    it is a primary source (the publisher itself) or a secondary one."""
    where = f"source {key!r}"
    if not isinstance(source, dict) or not {"title", "kind"} <= set(source) <= _SOURCE_KEYS:
        found.append(f"{where} must have title and kind (and may have page, read_via)")
        return
    if not all(isinstance(value, str) and value.strip() for value in source.values()):
        found.append(f"{where}: every field must be a non-empty text")
    elif source["kind"] not in SOURCE_KINDS:
        found.append(f"{where}: kind must be one of {', '.join(SOURCE_KINDS)}, not {source['kind']!r}")
    elif source["kind"] == "primary" and not source.get("page", "").startswith(("http://", "https://")):
        found.append(f"{where}: a primary source names the publisher's page (an http(s) address)")


def source_text(source: dict[str, str]) -> str:
    """One line for a source, as the review sheet and the summary print it."""
    text = source["title"]
    if source.get("page"):
        text += f" {source['page']}"
    if source.get("read_via"):
        text += f" (read through a copy: {source['read_via']})"
    if source["kind"] == "secondary":
        text += " [secondary source]"
    return text
