"""Schema checks of the clinical data: every rule names its source, every name is in the vocabulary."""

from __future__ import annotations

import pytest

from skill.questions import QUESTIONS, by_id
from triage import FINDINGS, RULES, SOURCES, Findings, FindingsError, Level, assess
from triage.findings import SAID


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_every_rule_names_known_sources_and_known_findings(rule):
    assert rule.sources, f"{rule.id} has no source"
    assert all(source in SOURCES for source in rule.sources)
    for name in rule.all + rule.any + rule.none:
        assert name in FINDINGS, f"{rule.id}: unknown finding {name}"
    assert rule.reason and rule.condition


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_every_rule_can_decide_an_outcome(rule):
    findings = {name: "no" for name, spec in FINDINGS.items() if spec.group not in ("value", "derived")}
    findings.update({"side": "both", "duration_minutes": 1})
    findings.update({name: "yes" for name in rule.all})
    findings.update({name: "no" for name in rule.none})
    if rule.any:
        findings[rule.any[0]] = "yes"
    for derived, value in (("one_sided", {"side": "left"}), ("lasting_over_10_minutes", {"duration_minutes": 30})):
        if derived in rule.all + rule.any[:1]:
            findings.update(value)
    outcome = assess(findings)
    assert outcome.level >= rule.level
    if outcome.level == rule.level:
        assert rule.id in outcome.rules


def test_rule_ids_are_unique_and_every_source_is_used():
    assert len({rule.id for rule in RULES}) == len(RULES)
    used = {source for rule in RULES for source in rule.sources}
    assert used == set(SOURCES)


def test_every_question_fills_known_findings_and_every_group_has_its_single_questions():
    for question in QUESTIONS:
        assert question.findings and all(name in FINDINGS for name in question.findings)
        if question.parent:
            assert set(question.findings) <= set(by_id(question.parent).findings)
    for question in QUESTIONS:
        if len(question.findings) > 1:  # its parts (single questions, or smaller groups) cover it exactly
            parts = {name for q in QUESTIONS if q.parent == question.id for name in q.findings}
            assert parts == set(question.findings), question.id
    singles = {q.findings[0] for q in QUESTIONS if len(q.findings) == 1}
    assert {name for q in QUESTIONS for name in q.findings} == singles  # every finding has its own question


def test_every_finding_a_rule_uses_can_be_asked_or_is_only_ever_said():
    askable = {name for q in QUESTIONS for name in q.findings}
    used = {name for rule in RULES for name in rule.all + rule.any + rule.none}
    assert used <= askable | set(SAID)
    assert not askable & set(SAID)


def test_a_finding_no_question_asks_is_no_until_it_is_said():
    """emergency_requested: only the person brings it up; left out, it must not make every case EMERGENCY."""
    everything_no = {name: "no" for name, spec in FINDINGS.items() if spec.group not in ("value", "derived", "said")}
    assert assess({**everything_no, "side": "both", "duration_minutes": 1}).level is Level.SELF_CARE
    assert Findings.from_dict({}).get("emergency_requested") == "no"
    denied = {name: "no" for name in ("breathless", "chest_pain", "coughing_blood", "fainting_or_racing_heart")}
    assert assess({**denied, "emergency_requested": "yes"}).level is Level.EMERGENCY


@pytest.mark.parametrize("bad", [{"swollen": "yes"}, {"swelling": "maybe"}, {"side": "middle"},
                                 {"duration_minutes": -3}, {"duration_minutes": "long"}, {"any_yes": [["nope"]]}])
def test_malformed_findings_are_refused_with_a_clear_error(bad):
    with pytest.raises(FindingsError):
        Findings.from_dict(bad)


def test_values_give_their_yes_no_forms():
    findings = Findings.from_dict({"side": "right", "duration_minutes": 11})
    assert findings.get("one_sided") == "yes" and findings.get("lasting_over_10_minutes") == "yes"
    findings = Findings.from_dict({"side": "both", "duration_minutes": 10, "swelling": True, "fever": None})
    assert findings.get("one_sided") == "no" and findings.get("lasting_over_10_minutes") == "no"
    assert findings.get("swelling") == "yes" and findings.get("fever") == "unknown"


def test_levels_parse_by_name():
    assert Level.parse(" urgent ") is Level.URGENT
    with pytest.raises(ValueError, match="unknown level"):
        Level.parse("soon")
