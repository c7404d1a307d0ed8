"""Property tests of the triage core: the safety promises hold for every combination of findings."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from triage import FINDINGS, Level, assess, names_in_group
from triage.rules import LEG_SIGNS, PE_SIGNS

YES_NO = [name for name, spec in FINDINGS.items() if spec.group not in ("value", "derived")]
SIGNS_AND_RISKS = names_in_group("red_flag", "leg_sign", "sign", "risk_major", "risk_minor")
RED_FLAGS = names_in_group("red_flag")

answers = st.sampled_from(["yes", "no", "unknown"])


@st.composite
def cases(draw, values=("yes", "no", "unknown")):
    case = {name: draw(st.sampled_from(values)) for name in YES_NO}
    case["side"] = draw(st.sampled_from(["left", "right", "both", None]))
    case["duration_minutes"] = draw(st.one_of(st.none(), st.floats(min_value=0, max_value=20000)))
    return case


def level(case) -> Level:
    return assess(case).level


@settings(max_examples=300)
@given(cases(), st.sampled_from(SIGNS_AND_RISKS))
def test_adding_a_sign_or_risk_factor_never_lowers_the_level(case, name):
    before = level({**case, name: "no"})
    assert level({**case, name: "yes"}) >= before


@settings(max_examples=300)
@given(cases(), st.sampled_from(PE_SIGNS), st.sampled_from(["swelling", "pain"]))
def test_a_lung_sign_with_leg_pain_or_swelling_is_an_emergency(case, sign, leg):
    case = {**case, sign: "yes"}
    if leg == "swelling":
        case["swelling"] = "yes"
    assert level(case) is Level.EMERGENCY


@settings(max_examples=200)
@given(cases())
def test_a_cold_pale_or_numb_leg_is_an_emergency(case):
    assert level({**case, "cold_pale_or_numb": "yes"}) is Level.EMERGENCY


@settings(max_examples=300)
@given(cases(), st.sampled_from(["left", "right"]), st.sampled_from(LEG_SIGNS))
def test_one_sided_pain_with_a_leg_sign_is_at_least_urgent(case, side, sign):
    assert level({**case, "side": side, sign: "yes"}) >= Level.URGENT


@settings(max_examples=300)
@given(cases(), st.sampled_from(RED_FLAGS), st.sampled_from(["yes", "no"]))
def test_a_red_flag_answer_turned_unknown_never_lowers_the_level(case, flag, known):
    assert level({**case, flag: "unknown"}) >= level({**case, flag: known})


@settings(max_examples=300)
@given(cases(), st.sampled_from(YES_NO), st.sampled_from(["yes", "no"]))
def test_any_answer_turned_unknown_never_lowers_the_level(case, name, known):
    assert level({**case, name: "unknown"}) >= level({**case, name: known})


@settings(max_examples=200)
@given(cases(values=("yes", "no")))
def test_self_care_only_when_no_clot_sign_is_present(case):
    if level(case) is Level.SELF_CARE:
        assert all(case[name] == "no" for name in PE_SIGNS + LEG_SIGNS + ("cold_pale_or_numb",))


@settings(max_examples=300)
@given(cases(), st.lists(st.sampled_from(PE_SIGNS), min_size=2, max_size=3, unique=True))
def test_the_cached_evaluation_equals_a_fresh_one(case, group):
    """evaluate() caches results for the standard rules; a copy of the rules (not the same object) skips the
    cache, so both paths must agree, "at least one of" groups included."""
    from triage.engine import evaluate
    from triage.findings import Findings
    from triage.rules import RULES

    findings = Findings.from_dict({**case, "any_yes": [list(group)]})
    assert evaluate(findings) == evaluate(findings, tuple(RULES))
