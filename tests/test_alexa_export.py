"""The exported Alexa skill-package: generated from intents/, and valid by Alexa's rules.

Limits checked (where each comes from):
- a slot value or synonym: at most 140 characters (the developer console's error "Slot value length
  exceeds the limit of 140 characters", quoted in github.com/m0ngr31/kanzi issue 263);
- slot values in a skill: at most 50,000 (alexa-js/alexa-app pull 34: "The current limit is 50K");
- sample text: community reports of a limit near 200 KB for a skill's samples (m0ngr31/kanzi pull 90);
  we keep the whole interaction model under 200,000 characters, far below it;
- per intent: our own cap of MAX_SAMPLES_PER_INTENT (1,000) samples, and 200 characters a sample, margins
  we chose because the official per-intent table could not be re-read from here;
- invocation name: lower-case letters and spaces, two words or more, no launch phrases or wake words
  (Alexa's invocation-name rules); intent and slot names: ASCII letters and underscores.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from intents import load_intents, match
from intents.alexa import (
    BUILT_INS,
    INVOCATION_NAME,
    LOCALES,
    MAX_SAMPLES_PER_INTENT,
    REQUIRED_BUILT_INS,
    SLOTS,
    alexa_intent_name,
    interaction_model,
    our_intent_name,
    skill_manifest,
)

MAX_SAMPLE_CHARS = 200
MAX_SLOT_VALUE_CHARS = 140
MAX_SLOT_VALUES = 50_000
MAX_MODEL_CHARS = 200_000
LAUNCH_WORDS = {"alexa", "amazon", "echo", "computer", "skill", "app", "launch", "ask", "tell", "load", "begin",
                "enable", "open", "start", "play", "resume", "run", "use", "wake"}
SAMPLE_SHAPE = re.compile(r"^[a-z' .{}_]+$")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
OUR_VALUES = {
    "LEG_SIDE": {"left", "right", "both"},
    "LEG_LOCATION": {"calf", "thigh", "behind_knee", "foot", "whole_leg"},
    "RED_FLAG_SYMPTOM": {"breathless", "chest_pain", "coughing_blood", "fainting_or_racing_heart",
                         "cold_pale_or_numb", "weakness_or_cannot_move"},
    "CORRECTED_ANSWER": {"yes", "no"},
}
# A spoken example for each slot, to put a sample back into words for the round trip through the matcher.
EXAMPLE_SLOT_TEXT = {"duration": "twenty minutes", "number": "forty two"}


@pytest.fixture(scope="module")
def model() -> dict:
    return interaction_model(load_intents())["interactionModel"]["languageModel"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """The package as `legcheck alexa export DIR` writes it (the real command, in a subprocess)."""
    target = tmp_path_factory.mktemp("alexa")
    done = subprocess.run([sys.executable, "-m", "skill.cli", "alexa", "export", str(target)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return target / "skill-package"


def intents_by_name(model: dict) -> dict[str, dict]:
    return {intent["name"]: intent for intent in model["intents"]}


def types_by_name(model: dict) -> dict[str, dict]:
    return {slot_type["name"]: slot_type for slot_type in model["types"]}


def spoken_forms(value: dict) -> list[str]:
    return [value["name"]["value"], *value["name"].get("synonyms", [])]


# ---- the package on disk --------------------------------------------------------------------------------


def test_export_writes_manifest_and_a_model_per_locale(exported: Path, model: dict):
    assert (exported / "skill.json").is_file()
    for locale in ("en-US", "en-GB"):
        written = json.loads((exported / "interactionModels" / "custom" / f"{locale}.json").read_text())
        assert written["interactionModel"]["languageModel"] == model, locale


def test_export_refuses_a_file_as_target(tmp_path: Path):
    target = tmp_path / "a-file"
    target.write_text("not a directory")
    done = subprocess.run([sys.executable, "-m", "skill.cli", "alexa", "export", str(target)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "not a directory" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_export_refuses_a_plain_http_endpoint(tmp_path: Path):
    done = subprocess.run([sys.executable, "-m", "skill.cli", "alexa", "export", str(tmp_path),
                           "--endpoint", "http://example.org/alexa"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "https://" in done.stdout and "Traceback" not in done.stderr
    assert not (tmp_path / "skill-package").exists()


def test_manifest_carries_the_health_disclaimer_and_no_claims(exported: Path):
    manifest = json.loads((exported / "skill.json").read_text())["manifest"]
    publishing = manifest["publishingInformation"]
    assert publishing["category"] == "HEALTH_AND_FITNESS"
    assert set(publishing["locales"]) == set(LOCALES)
    for locale, info in publishing["locales"].items():
        text = info["description"].lower()
        assert "not medical advice" in text and "not a diagnosis" in text, locale
        assert "call your doctor" in text, locale
        assert "emergency" in text and "dial your local emergency number" in text, locale
        assert not re.search(r"life[- ]?sav|save your life|saves lives|diagnos(e|es) ", text), locale
        assert len(info["summary"]) <= 160
        for phrase in info["examplePhrases"]:
            assert phrase.startswith("Alexa, ") and INVOCATION_NAME in phrase.lower()
    privacy = manifest["privacyAndCompliance"]
    assert privacy["usesPersonalInfo"] is False and privacy["containsAds"] is False


def test_manifest_endpoint_must_be_https_or_lambda():
    assert skill_manifest(endpoint="https://example.org/alexa")["manifest"]["apis"]["custom"]["endpoint"] == {
        "uri": "https://example.org/alexa", "sslCertificateType": "Trusted"}
    with pytest.raises(Exception, match="https"):
        skill_manifest(endpoint="http://example.org/alexa")


# ---- Alexa's rules ------------------------------------------------------------------------------------


def test_invocation_name_follows_alexa_rules(model: dict):
    name = model["invocationName"]
    assert re.fullmatch(r"[a-z]+( [a-z]+)+", name), "lower-case words only, at least two"
    assert not set(name.split()) & LAUNCH_WORDS
    assert len(name) <= 50


def test_required_built_ins_are_present(model: dict):
    names = set(intents_by_name(model))
    assert names >= REQUIRED_BUILT_INS
    assert {"AMAZON.YesIntent", "AMAZON.NoIntent", "AMAZON.HelpIntent", "AMAZON.StopIntent",
            "AMAZON.CancelIntent", "AMAZON.FallbackIntent", "AMAZON.RepeatIntent",
            "AMAZON.StartOverIntent", "AMAZON.NavigateHomeIntent"} <= names
    assert "YesIntent" not in names and "NoIntent" not in names, "yes/no must be the built-ins"


def test_every_template_intent_is_exported(model: dict):
    names = set(intents_by_name(model))
    for ours in load_intents().intents:
        assert alexa_intent_name(ours) in names, ours
        assert our_intent_name(alexa_intent_name(ours)) == ours


def test_intent_and_slot_names_are_valid(model: dict):
    for intent in model["intents"]:
        assert re.fullmatch(r"(AMAZON\.)?[A-Za-z_]+", intent["name"]), intent["name"]
        for slot in intent.get("slots", []):
            assert re.fullmatch(r"[A-Za-z_]+", slot["name"]), slot["name"]


def test_every_sample_uses_only_declared_slots_once(model: dict):
    declared_types = {slot_type["name"] for slot_type in model["types"]}
    for intent in model["intents"]:
        slots = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for sample in intent["samples"]:
            used = PLACEHOLDER.findall(sample)
            assert set(used) <= set(slots), (intent["name"], sample)
            assert len(used) == len(set(used)), (intent["name"], sample)
        for slot_type in slots.values():
            assert slot_type.startswith("AMAZON.") or slot_type in declared_types, slot_type


def test_no_sample_appears_in_two_intents(model: dict):
    counts = Counter(sample for intent in model["intents"] for sample in set(intent["samples"]))
    assert [sample for sample, count in counts.items() if count > 1] == []


def test_sample_counts_and_lengths_are_within_limits(model: dict):
    for intent in model["intents"]:
        samples = intent["samples"]
        assert len(samples) <= MAX_SAMPLES_PER_INTENT, intent["name"]
        assert len(samples) == len(set(samples)), intent["name"]
        for sample in samples:
            assert 0 < len(sample) <= MAX_SAMPLE_CHARS, sample
            assert SAMPLE_SHAPE.match(sample), f"characters Alexa does not take: {sample!r}"
            assert sample == sample.strip() and "  " not in sample
    assert len(json.dumps(model)) <= MAX_MODEL_CHARS


def test_custom_intents_have_samples(model: dict):
    for intent in model["intents"]:
        if not intent["name"].startswith("AMAZON."):
            assert intent["samples"], intent["name"]


def test_slot_values_are_within_limits_and_unambiguous(model: dict):
    total = 0
    for slot_type in model["types"]:
        owner: dict[str, str] = {}
        for value in slot_type["values"]:
            for form in spoken_forms(value):
                total += 1
                assert 0 < len(form) <= MAX_SLOT_VALUE_CHARS, form
                assert SAMPLE_SHAPE.match(form) and "{" not in form, form
                assert owner.setdefault(form, value["id"]) == value["id"], (slot_type["name"], form)
    assert total <= MAX_SLOT_VALUES


def test_custom_slot_ids_are_our_values(model: dict):
    types = types_by_name(model)
    for type_name, ours in OUR_VALUES.items():
        assert {value["id"] for value in types[type_name]["values"]} == ours, type_name
    for slot in SLOTS.values():
        if slot.kind == "seconds_id":
            for value in types[slot.alexa_type]["values"]:
                assert value["id"].isdigit() and int(value["id"]) > 0, (slot.alexa_type, value)


def test_yes_no_use_the_built_ins_with_our_samples(model: dict):
    intents = intents_by_name(model)
    assert "yes" in intents[BUILT_INS["Yes"]]["samples"]
    assert "no" in intents[BUILT_INS["No"]]["samples"]
    assert intents["AMAZON.FallbackIntent"]["samples"] == []


def test_durations_become_one_amazon_duration_slot(model: dict):
    duration = intents_by_name(model)["DurationIntent"]
    assert "{duration}" in duration["samples"]
    types = {slot["name"]: slot["type"] for slot in duration["slots"]}
    assert types["duration"] == "AMAZON.DURATION"
    assert not any("{count}" in s or "{unit}" in s for s in duration["samples"])


# ---- round trip: every sample, put back into words, is heard as its own intent ----------------------------


def _fill(sample: str, types: dict[str, dict]) -> str:
    def one(found: re.Match) -> str:
        name = found.group(1)
        if name in EXAMPLE_SLOT_TEXT:
            return EXAMPLE_SLOT_TEXT[name]
        return types[SLOTS[name].alexa_type]["values"][0]["name"]["value"]

    return PLACEHOLDER.sub(one, sample)


@pytest.mark.slow
def test_every_sample_matches_back_to_its_intent(model: dict):
    types = types_by_name(model)
    wrong = []
    for intent in model["intents"]:
        ours = our_intent_name(intent["name"])
        for sample in intent["samples"]:
            text = _fill(sample, types)
            heard = match(text)
            if heard.intent != ours:
                wrong.append((intent["name"], text, heard.intent))
    assert wrong == []


# Custom slot type -> (question kind to match under, our intent, how our slots should show the value id).
TYPE_READINGS = {
    "RED_FLAG_SYMPTOM": (None, "Emergency", lambda slots: slots.get("symptom")),
    "CORRECTED_ANSWER": (None, "Back", lambda slots: slots.get("answer")),
    "LEG_SIDE": ("side", "Side", lambda slots: slots.get("side")),
    "LEG_LOCATION": ("location", "Location", lambda slots: slots.get("location")),
    "DURATION_PHRASE": ("duration", "Duration", lambda slots: str(round(slots.get("minutes", -1) * 60))),
    "SINCE_WHEN": ("duration", "Duration", lambda slots: str(round(slots.get("minutes", -1) * 60))),
    "BRIEF_MOMENT": ("duration", "Duration", lambda slots: str(round(slots.get("minutes", -1) * 60))),
    "DURATION_BOUND": ("duration", "Duration", lambda slots: slots.get("bound")),
    "ABILITY_ANSWER": ("yes_no", "Ability", lambda slots: slots.get("ability")),
}
SAID_WITH = {"DURATION_BOUND": " ten minutes"}
"""A slot that is only ever said in front of another: "over" is heard in "over ten minutes"."""


@pytest.mark.slow
def test_every_slot_value_matches_back_to_its_id(model: dict):
    """Each spoken form in a slot type is heard by the matcher as that value: Alexa and we agree."""
    wrong = []
    for slot_type in model["types"]:
        kind, intent, read = TYPE_READINGS[slot_type["name"]]
        for value in slot_type["values"]:
            for form in spoken_forms(value):
                heard = match(form + SAID_WITH.get(slot_type["name"], ""), kind=kind)
                if heard.intent != intent or read(heard.slots) != value["id"]:
                    wrong.append((slot_type["name"], form, value["id"], heard.intent, heard.slots))
    assert wrong == []
