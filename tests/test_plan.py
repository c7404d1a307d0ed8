"""The planner in triage (triage.plan): which question comes next, from the findings and answers alone."""

from __future__ import annotations

from triage import Findings
from triage.plan import PLAN, next_question, outcome_fixed, plan_question


def test_the_red_flags_come_first():
    assert next_question(Findings.from_dict({}), {}).id == "red_flags_chest"
    assert [q.id for q in PLAN[:2]] == ["red_flags_chest", "breathless"]


def test_a_red_flag_settles_the_outcome_and_nothing_more_is_asked():
    findings = Findings.from_dict({"breathless": "yes"})
    assert outcome_fixed(findings, {"breathless": "yes"})
    assert next_question(findings, {"breathless": "yes"}) is None


def test_a_group_answered_no_is_not_broken_down_but_not_sure_is():
    no = {name: "no" for name in plan_question("red_flags_chest").findings}
    assert next_question(Findings.from_dict(no), {"red_flags_chest": "no"}).id == "red_flags_leg"
    unsure = {name: "unknown" for name in plan_question("red_flags_chest").findings}
    assert next_question(Findings.from_dict(unsure), {"red_flags_chest": "unknown"}).id == "breathless"


def test_a_finding_the_person_could_not_give_keeps_its_rule_open_and_is_not_asked_again():
    """'Not sure' to a single red flag leaves EMERGENCY possible and unanswerable: the outcome is fixed."""
    answers = {"breathless": "unknown"}
    findings = Findings.from_dict({"breathless": "unknown"})
    assert outcome_fixed(findings, answers)
    assert next_question(findings, answers) is None
