"""Clinical vignettes played through the real `legcheck chat --json` CLI.

The cases (tests/data/vignettes.yaml) were written from the guidance, independently of the rules in
triage/. Each case is played once through `chat --json` (tests/vignette_player.py): one in ten as a real
subprocess, for the command's contract (pipes, exit code, start-up), the rest with the same command run on a
thread in this process (the same parser, dialogue and JSON lines; only the start of a Python is saved). The
tests then check the outcome. Under-triage (a level lower than expected) is reported as DANGEROUS, distinctly from
over-triage. At the end of the run a table of questions asked per case, the median, and every
disagreement is printed.
"""

from __future__ import annotations

import os
import statistics
from concurrent.futures import ThreadPoolExecutor
from numbers import Number

import pytest
from vignette_player import LEVELS, Case, Play, PlayerError, answer_for, load_cases, play, truth

CASES = load_cases()
BY_ID = {case.id: case for case in CASES}

# The finding vocabulary, as the issue gives it (kept here so the data are checked against the spec).
SIDES = ("left", "right", "both")
LOCATIONS = ("calf", "thigh", "behind_knee", "foot", "whole_leg")
VALUE_NAMES = ("side", "location", "duration_minutes")
DERIVED_NAMES = ("one_sided", "lasting_over_10_minutes")
YES_NO_NAMES = (
    "constant", "eases_with_stretch_or_walking", "worse_walking_better_rest", "swelling",
    "redness_or_discoloration", "warmth", "hard_tender_vein", "fever", "sepsis_signs", "cold_pale_or_numb",
    "weakness_or_cannot_move", "severe_pain", "after_injury", "cannot_bear_weight", "recurrent", "breathless",
    "chest_pain", "cough", "coughing_blood", "fainting_or_racing_heart", "pain_from_back",
    "saddle_numbness_or_bladder", "recent_surgery", "hospital_stay", "immobility", "long_travel",
    "cast_or_leg_injury", "cancer", "previous_clot", "pregnancy_or_postpartum", "estrogen", "age_over_60",
    "obesity", "smoking", "clotting_disorder", "heart_or_lung_disease", "central_venous_catheter",
    "numb_or_weak", "worse_on_moving",  # issue 13: numbness apart from ischaemia, pressure in the muscle
)
RED_FLAGS = ("breathless", "chest_pain", "coughing_blood", "fainting_or_racing_heart", "cold_pale_or_numb",
             "weakness_or_cannot_move")
"""Signs the product checks first and that mean EMERGENCY on their own."""
LOOK_ALIKES = ("acute_limb_ischaemia", "pad_claudication", "critical_limb_ischaemia", "cellulitis",
               "bakers_cyst", "compartment_syndrome", "muscle_strain", "sciatica", "thrombophlebitis")
"""Every row of guidance table 1.5."""
RED_FLAG_WINDOW = 2
"""EMERGENCY must be reached within this many questions after the first red-flag question."""

RED_FLAG_CASES = [case for case in CASES if any(truth(case.findings, name) == "yes" for name in RED_FLAGS)]
VALUE_CASES = [BY_ID[case_id] for case_id in (
    "cramp_exactly_10_minutes", "cramp_11_minutes", "cramp_15_minutes_eased_in_the_end",
    "cramp_both_legs_over_10_minutes", "cramp_pregnancy_both_legs", "cramp_pregnancy_one_leg_eased",
    "dvt_subtle_ache_cannot_walk_off", "dvt_after_knee_surgery_short_ache", "dvt_smoker_obese_short_ache",
    "sciatica_one_side", "sciatica_both_sides", "pe_new_cough_long_one_sided_pain", "muscle_strain_typical",
    "cough_cold_brief_cramp_both_legs", "unknown_duration_woke_with_pain",
)]
"""Cases where the side or the duration decides the level: also played answering with the values."""
VALUE_TEST = "test_vignette_value_answers"


def _case_id(case: Case) -> str:
    return case.id


# ----------------------------------------------------------------------------- playing, once per case

class _Summary:
    """Collects what each case did, and prints it at the end of the run (a pytest plugin object)."""

    def __init__(self) -> None:
        self.rows: dict[str, tuple[str, str, int]] = {}

    def record(self, case: Case, outcome: Play) -> None:
        self.rows[case.id] = (case.expected, str(outcome.result.get("level")), outcome.questions_asked)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.rows:
            return
        write = terminalreporter.write_line
        terminalreporter.section("vignettes: questions asked per case")
        for case_id, (expected, got, asked) in self.rows.items():
            mark = "" if got == expected else ("  UNDER-TRIAGE" if _rank(got) < _rank(expected) else "  over-triage")
            write(f"{case_id:<45} {asked:>3} questions  expected {expected:<9} got {got}{mark}")
        counts = [asked for _, _, asked in self.rows.values()]
        agree = sum(1 for expected, got, _ in self.rows.values() if expected == got)
        write(f"cases played: {len(counts)}; median questions: {statistics.median(counts)}; "
              f"min {min(counts)}, max {max(counts)}; level agrees in {agree}/{len(counts)}")


def _rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else -1


Key = tuple[str, bool]
"""(case id, whether side and duration questions are answered with the value)."""


def _selected_plays(session: pytest.Session) -> list[tuple[Case, bool]]:
    wanted: list[tuple[Case, bool]] = []
    for item in session.items:
        if "plays" not in getattr(item, "fixturenames", ()):
            continue
        params = getattr(getattr(item, "callspec", None), "params", {})
        pair = (params.get("case"), getattr(item, "originalname", "") == VALUE_TEST)
        if isinstance(pair[0], Case) and pair not in wanted:
            wanted.append(pair)
    return wanted


SUBPROCESS_EVERY = 10
"""One case in this many is played through a real `legcheck chat --json` process."""


def _play_safely(pair: tuple[Case, bool]) -> Play | PlayerError:
    in_process = CASES.index(pair[0]) % SUBPROCESS_EVERY != 0
    try:
        return play(pair[0], values=pair[1], in_process=in_process)
    except PlayerError as error:
        return error


@pytest.fixture(scope="module")
def plays(request: pytest.FixtureRequest) -> dict[Key, Play | PlayerError]:
    """Play every selected case once per answering style (a few at a time: each is a separate process)."""
    summary = _Summary()
    request.config.pluginmanager.register(summary, f"vignette-summary-{id(summary)}")
    pairs = _selected_plays(request.session)
    with ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 1)) as pool:
        outcomes = dict(zip(((case.id, values) for case, values in pairs), pool.map(_play_safely, pairs),
                            strict=True))
    for case, values in pairs:
        outcome = outcomes[(case.id, values)]
        if isinstance(outcome, Play) and not values:
            summary.record(case, outcome)
    return outcomes


def _outcome(plays: dict[Key, Play | PlayerError], case: Case, values: bool = False) -> Play:
    outcome = plays[(case.id, values)]
    if isinstance(outcome, PlayerError):
        pytest.fail(f"could not play the case through the CLI: {outcome}")
    return outcome


def _story(case: Case, outcome: Play) -> str:
    answered = ", ".join(f"{e.question}={e.answer}" for e in outcome.exchanges)
    reasons = "; ".join(outcome.result.get("reasons") or [])
    return f"\n  story: {case.story}\n  source: {case.source}\n  answered: {answered}\n  reasons: {reasons}"


# ----------------------------------------------------------------------------- the outcome of each case

@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_vignette_level(case: Case, plays: dict[Key, Play | PlayerError]) -> None:
    outcome = _outcome(plays, case)
    got = outcome.result.get("level")
    assert got in LEVELS, f"{case.id}: not a level: {got!r}"
    if _rank(got) < _rank(case.expected):
        pytest.fail(f"UNDER-TRIAGE (dangerous): {case.id} expected {case.expected}, got {got}"
                    f"{_story(case, outcome)}")
    assert got == case.expected, f"over-triage: {case.id} expected {case.expected}, got {got}{_story(case, outcome)}"


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_vignette_result_explains_itself(case: Case, plays: dict[Key, Play | PlayerError]) -> None:
    result = _outcome(plays, case).result
    reasons = result.get("reasons")
    assert isinstance(reasons, list) and reasons and all(isinstance(r, str) and r.strip() for r in reasons), \
        f"{case.id}: the result gives no reasons: {reasons!r}"
    assert result.get("questions_asked") == _outcome(plays, case).questions_asked, \
        f"{case.id}: the result counts {result.get('questions_asked')} questions, the player answered " \
        f"{_outcome(plays, case).questions_asked}"
    for field in ("advice", "disclaimer"):
        assert isinstance(result.get(field), str) and result[field].strip(), f"{case.id}: no {field} in the result"
    if result.get("level") == "EMERGENCY":
        number = result.get("emergency_number", "")
        assert number and number in result["advice"], \
            f"{case.id}: emergency advice does not give the emergency number {number!r}: {result['advice']!r}"


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_vignette_findings_are_not_contradicted(case: Case, plays: dict[Key, Play | PlayerError]) -> None:
    """The product must never record "no" for a finding the person said yes to."""
    recorded = _outcome(plays, case).result.get("findings") or {}
    wrong = sorted(name for name, value in recorded.items()
                   if value == "no" and truth(case.findings, name) == "yes")
    assert not wrong, f"{case.id}: recorded as absent but present in the case: {wrong}"


@pytest.mark.slow
@pytest.mark.parametrize("case", VALUE_CASES, ids=_case_id)
def test_vignette_value_answers(case: Case, plays: dict[Key, Play | PlayerError]) -> None:
    """Answering "the left leg" or "fifteen minutes" instead of yes / no gives the same level."""
    outcome = _outcome(plays, case, values=True)
    spoken = [e for e in outcome.exchanges if e.kind in ("side", "duration")]
    assert spoken, f"{case.id}: no side or duration question was asked{_story(case, outcome)}"
    got = outcome.result.get("level")
    if _rank(got) < _rank(case.expected):
        pytest.fail(f"UNDER-TRIAGE (dangerous) with value answers: {case.id} expected {case.expected}, got {got}"
                    f"{_story(case, outcome)}")
    assert got == case.expected, f"{case.id} with value answers: expected {case.expected}, got {got}" \
                                 f"{_story(case, outcome)}"


def _emergency_window(outcome: Play) -> tuple[int | None, int | None]:
    """(number of the first red-flag question, number of questions asked when EMERGENCY was first given)."""
    asked, first_red_flag = 0, None
    for event in outcome.events:
        kind = event.get("type")
        if kind == "ask":
            asked += 1
            if first_red_flag is None and set(event.get("findings") or ()) & set(RED_FLAGS):
                first_red_flag = asked
        emergency_said = kind == "say" and "emergency" in str(event.get("key", ""))
        if emergency_said or (kind == "result" and event.get("level") == "EMERGENCY"):
            return first_red_flag, asked
    return first_red_flag, None


@pytest.mark.slow
@pytest.mark.parametrize("case", RED_FLAG_CASES, ids=_case_id)
def test_red_flag_reaches_emergency_quickly(case: Case, plays: dict[Key, Play | PlayerError]) -> None:
    outcome = _outcome(plays, case)
    first, reached = _emergency_window(outcome)
    assert first is not None, f"{case.id}: no red-flag question was asked{_story(case, outcome)}"
    assert reached is not None, f"{case.id}: EMERGENCY was never given{_story(case, outcome)}"
    assert reached - first <= RED_FLAG_WINDOW, (
        f"{case.id}: EMERGENCY only after question {reached}; first red-flag question was {first}"
        f"{_story(case, outcome)}")


# ----------------------------------------------------------------------------- the data themselves

def test_vignettes_are_enough_and_unique() -> None:
    assert len(CASES) >= 60
    assert len(BY_ID) == len(CASES), "duplicate case ids"
    assert {case.expected for case in CASES} == set(LEVELS), "every level needs cases"


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_vignette_is_well_formed(case: Case) -> None:
    assert case.story.strip() and case.source.strip(), f"{case.id}: story and source are required"
    assert case.expected in LEVELS, f"{case.id}: bad expected level {case.expected!r}"
    for name, value in case.findings.items():
        assert name not in DERIVED_NAMES, f"{case.id}: write side/duration_minutes, not {name}"
        assert name in VALUE_NAMES or name in YES_NO_NAMES, f"{case.id}: unknown finding {name!r}"
        assert value != "no", f"{case.id}: list only present findings ({name}: no)"
    assert case.findings.get("side") in (*SIDES, "unknown"), f"{case.id}: side must be given"
    assert case.findings.get("location") in (*LOCATIONS, "unknown"), f"{case.id}: location must be given"
    duration = case.findings.get("duration_minutes")
    assert duration == "unknown" or (isinstance(duration, Number) and duration >= 0), f"{case.id}: bad duration"
    for name in YES_NO_NAMES:
        assert case.findings.get(name, "yes") in ("yes", "unknown"), f"{case.id}: {name} must be yes or unknown"


def test_every_look_alike_is_covered() -> None:
    groups = {case.group for case in CASES}
    missing = [name for name in LOOK_ALIKES if name not in groups]
    assert not missing, f"look-alikes of table 1.5 with no case: {missing}"


def test_vocabulary_matches_the_product() -> None:
    """Every name the cases may use is a finding the product knows (the contract in DEVELOPERS.md)."""
    from triage import FINDINGS

    spec = set(VALUE_NAMES) | set(DERIVED_NAMES) | set(YES_NO_NAMES)
    assert spec <= set(FINDINGS), f"names the product does not know: {sorted(spec - set(FINDINGS))}"


def test_player_answers_from_the_findings() -> None:
    findings = {"side": "both", "duration_minutes": "unknown", "swelling": "yes", "clotting_disorder": "unknown"}
    assert answer_for(findings, ["swelling", "warmth"]) == "yes"
    assert answer_for(findings, ["warmth", "fever"]) == "no"
    assert answer_for(findings, ["previous_clot", "clotting_disorder"]) == "I don't know"
    assert answer_for(findings, ["one_sided"]) == "no"
    assert answer_for(findings, ["lasting_over_10_minutes"]) == "I don't know"
    assert answer_for({"side": "left", "duration_minutes": 11}, ["one_sided"]) == "yes"
    assert answer_for({"side": "left", "duration_minutes": 10}, ["lasting_over_10_minutes"]) == "no"
    assert answer_for({"side": "right", "duration_minutes": 11}, ["lasting_over_10_minutes"]) == "yes"
    assert answer_for({}, ["one_sided", "lasting_over_10_minutes"]) == "no"
