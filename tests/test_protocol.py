"""The clinical protocol as data (triage/protocol/en.yaml): its checks, `python -m triage validate`, and the
clinician's review sheet (`legcheck rules`)."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from skill.questions import QUESTIONS
from triage import RULES, SOURCES
from triage.protocol import PROTOCOL, problems, read

ROOT = Path(__file__).resolve().parents[1]


def test_the_protocol_in_use_is_sound():
    assert problems(read()) == []


def _broken(change) -> dict:
    document = copy.deepcopy(read())
    change(document)
    return document


@pytest.mark.parametrize(("change", "said"), [
    (lambda d: d["rules"][0]["any"].append("tingly_toes"), "unknown finding 'tingly_toes'"),
    (lambda d: d["rules"][0].update(sources=["NICE-NG999"]), "names at least one source"),
    (lambda d: d["rules"][0].update(level="SOON"), "level must be one of"),
    (lambda d: d["rules"][1].update(id=d["rules"][0]["id"]), "the id is used twice"),
    (lambda d: d["rules"][0].pop("any"), "needs `all` or `any`"),
    (lambda d: d["rules"][0].update(colour="red"), "unknown keys colour"),
    (lambda d: d.pop("sources"), "missing section 'sources'"),
    (lambda d: d["findings"].append(dict(d["findings"][0])), "listed twice"),
    (lambda d: d["findings"][0].update(group="vibes"), "unknown group 'vibes'"),
    (lambda d: d["thresholds"]["long_pain_minutes"].update(value=-1), "must be a positive number"),
    (lambda d: d["thresholds"]["about_span"].update(value=[1.2, 0.8]), "about_span"),
    (lambda d: d["sources"].update({"UNUSED": {"title": "a source no rule names", "kind": "secondary"}}),
     "never named"),
    (lambda d: d["sources"]["NHS-DVT"].update(kind="blog"), "kind must be one of primary, secondary"),
    (lambda d: d["sources"]["NHS-DVT"].pop("page"), "a primary source names the publisher's page"),
    (lambda d: d["sources"].update({"NHS-DVT": "NHS, DVT"}), "must have title and kind"),
    (lambda d: d.pop("questions"), "missing section 'questions'"),
    (lambda d: d["questions"][0].update(kind="colour"), "kind must be one of"),
    (lambda d: d["questions"][0]["findings"].append("tingly_toes"), "findings must be a non-empty list of findings"),
    (lambda d: d["questions"][1].update(parent="risk_minor"), "must be a question listed before it"),
    (lambda d: d["questions"].append(dict(d["questions"][0])), "question 'red_flags_chest': the id is used twice"),
    (lambda d: d["questions"][5].update(cannot_is="maybe"), "cannot_is must be yes or no"),
])
def test_a_broken_protocol_is_refused_with_a_sentence_naming_the_place(change, said):
    found = problems(_broken(change))
    assert any(said in problem for problem in found), found


def test_validate_command_passes_the_protocol_and_lists_every_problem(tmp_path):
    command = [sys.executable, "-m", "triage", "validate"]
    good = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert good.returncode == 0 and "sound" in good.stdout
    broken = tmp_path / "protocol.yaml"
    document = _broken(lambda d: (d["rules"][0]["any"].append("tingly_toes"), d["rules"][2].update(level="SOON")))
    broken.write_text(yaml.safe_dump(document), encoding="utf-8")
    bad = subprocess.run([*command, str(broken)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert bad.returncode == 1 and "2 problem(s)" in bad.stderr and "tingly_toes" in bad.stderr
    not_yaml = tmp_path / "not.yaml"
    not_yaml.write_text("rules: [unclosed", encoding="utf-8")
    unreadable = subprocess.run([*command, str(not_yaml)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert unreadable.returncode == 1 and "not valid YAML" in unreadable.stderr


def test_group_names_in_rules_stand_for_every_finding_of_the_group():
    document = read(PROTOCOL)
    leg_signs = [item["name"] for item in document["findings"] if item["group"] == "leg_sign"]
    rule = next(rule for rule in RULES if rule.id == "leg_signs")
    assert list(rule.any) == leg_signs and len(leg_signs) == 4


def test_review_sheet_names_every_rule_source_question_and_advice():
    sheet = subprocess.run([sys.executable, "-m", "skill.cli", "rules", "--locale", "en-AU"], capture_output=True,
                           text=True, cwd=ROOT, timeout=120, check=True).stdout
    assert sheet.startswith("# legcheck: clinical review sheet")
    for rule in RULES:
        assert f": {rule.id}\n" in sheet and ", ".join(rule.sources) in sheet
    assert all(key in sheet for key in SOURCES)
    assert all(question.text in sheet for question in QUESTIONS)
    assert "Call 000 now" in sheet and "{" not in sheet and "healthdirect on 1800 022 222" in sheet


def test_every_source_says_whether_it_is_primary_and_third_party_copies_are_only_how_it_was_read():
    """Issue 13.8: rules cited third-party copies of NHS pages. Each source now names the publisher's own page;
    a copy appears only as `read_via`, and a source with no primary page behind it is marked secondary."""
    sources = read()["sources"]
    third_party = ("drpharmacy", "barabone", "em-doctors", "1stchoicepharmacy", "axappphealthcare", "doctoori")
    for key, source in sources.items():
        assert source["kind"] in ("primary", "secondary"), key
        if source["kind"] == "primary":
            assert not any(name in source["page"] for name in third_party), key
    assert [key for key, source in sources.items() if source["kind"] == "secondary"] == ["SEED-LIVESTRONG"]
    assert "[secondary source]" in SOURCES["SEED-LIVESTRONG"]
