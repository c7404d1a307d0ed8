"""The intents matcher against labelled utterances, the templates' schema, and the safety rules."""

from __future__ import annotations

import dataclasses
import json
import math
import re
from pathlib import Path

import pytest
import yaml
from hassil import recognize_all
from hypothesis import given, settings
from hypothesis import strategies as st

import intents
from intents import KINDS, Heard, IntentsError, UnknownKindError, load_intents, match, phrases
from intents.indexed import PHRASE_LIST_PREFIX, indexed
from intents.nlu import ALWAYS_ON, ANSWERS, CONFIDENCE, KIND_INTENTS, _parse, _source, intent_phrases

UTTERANCES = Path(__file__).parent / "data" / "utterances.yaml"

INTENTS = {
    "Yes", "No", "DontKnow", "Side", "Location", "Duration", "Number", "Emergency", "Why", "Help",
    "Repeat", "Back", "StartOver", "Stop", "Ability",
}
SLOT_VALUES = {
    "side": {"left", "right", "both", "one"},
    "location": {"calf", "thigh", "behind_knee", "foot", "whole_leg"},
    "symptom": {
        "breathless", "chest_pain", "coughing_blood", "fainting_or_racing_heart", "cold_pale_or_numb",
        "weakness_or_cannot_move",
    },
    "answer": {"yes", "no"},
    "ability": {"cannot", "can", "no_cannot", "no_can", "yes_can", "yes_cannot"},
    "bound": {"more", "less", "about"},
    "episode": {"each"},
}
NUMERIC_SLOTS = {"minutes", "number", "minutes_low"}
# Hassil list slots that are only parts of a duration (turned into "minutes" by the matcher).
DURATION_PARTS = {"count", "unit", "half", "fixed_duration", "since_when", "brief"}


def _utterances() -> list[dict]:
    with UTTERANCES.open(encoding="utf-8") as fixture:
        return yaml.safe_load(fixture)["utterances"]


UTTERANCE_LIST = _utterances()


def _label(utterance: dict) -> str:
    return f"{utterance['text']!r}@{utterance.get('kind')}"


def _slots_equal(got: dict, expected: dict) -> bool:
    if set(got) != set(expected):
        return False
    for key, value in expected.items():
        if key in NUMERIC_SLOTS:
            if not math.isclose(float(got[key]), float(value), rel_tol=1e-3):
                return False
        elif got[key] != value:
            return False
    return True


@pytest.mark.parametrize("utterance", UTTERANCE_LIST, ids=_label)
def test_utterance(utterance):
    heard = match(utterance["text"], utterance.get("kind"))
    expected_slots = utterance.get("slots") or {}
    assert heard.intent == utterance["intent"], heard
    assert _slots_equal(heard.slots, expected_slots), heard
    assert heard.text == utterance["text"]
    if heard.intent is None:
        assert heard.confidence == 0.0 and heard.slots == {}
    else:
        assert 0.0 < heard.confidence <= 1.0


# --- fixture and template schema ----------------------------------------------------------------------------


def test_fixture_is_large_and_well_formed():
    assert len(UTTERANCE_LIST) >= 300
    for utterance in UTTERANCE_LIST:
        assert set(utterance) <= {"text", "kind", "intent", "slots"}, utterance
        assert isinstance(utterance["text"], str), utterance
        assert utterance.get("kind") in (None, *KINDS), utterance
        assert utterance["intent"] in INTENTS | {None}, utterance
        for key, value in (utterance.get("slots") or {}).items():
            assert key in SLOT_VALUES or key in NUMERIC_SLOTS, utterance
            if key in SLOT_VALUES:
                assert value in SLOT_VALUES[key], utterance


def test_fixture_covers_every_intent_and_near_misses():
    counts = {name: 0 for name in INTENTS | {None}}
    for utterance in UTTERANCE_LIST:
        counts[utterance["intent"]] += 1
    assert all(count >= 5 for count in counts.values()), counts


def test_every_intent_has_templates():
    loaded = load_intents()
    assert set(loaded.intents) == INTENTS
    for name, intent in loaded.intents.items():
        assert intent.data, name
        assert all(data.sentences for data in intent.data), name
        assert intent_phrases(name), f"{name} has no spoken phrases for the grammars"


def _list_outputs(slot_list) -> set:
    return {value.value_out for value in getattr(slot_list, "values", [])}


def test_every_slot_value_is_documented():
    loaded = load_intents()
    for list_name in ("side_word", "both_word"):
        assert _list_outputs(loaded.slot_lists[list_name]) <= SLOT_VALUES["side"]
    assert _list_outputs(loaded.slot_lists["location"]) == SLOT_VALUES["location"]
    for name, intent in loaded.intents.items():
        for data in intent.data:
            for slot, value in data.slots.items():
                assert slot in SLOT_VALUES or slot in DURATION_PARTS, (name, slot)
                if slot in SLOT_VALUES:
                    assert value in SLOT_VALUES[slot], (name, slot, value)
            if name == "Emergency":  # a named symptom, or none at all for "call an ambulance"
                assert data.slots.get("symptom", "none") in {*SLOT_VALUES["symptom"], "none"}, data.sentence_texts


def test_every_red_flag_has_a_lexicon_entry_with_known_sources():
    """The red-flag reader knows every symptom slot and the request for help, and each names its source."""
    from intents.redflags import sources
    from triage import SOURCES

    named = sources()
    assert set(named) == {*SLOT_VALUES["symptom"], "emergency_requested"}
    assert all(keys and set(keys) <= set(SOURCES) for keys in named.values()), named


@pytest.mark.parametrize(
    ("unit", "minutes"),
    [("second", 1 / 60), ("minute", 1), ("hour", 60), ("day", 1440), ("week", 10080), ("month", 43200)],
)
def test_duration_units_are_minutes(unit, minutes):
    assert match(f"one {unit}", "duration").slots == {"minutes": pytest.approx(minutes, rel=1e-3)}
    assert match(f"three {unit}s", "duration").slots == {"minutes": pytest.approx(3 * minutes, rel=1e-3)}
    assert match(f"3 {unit}s", "duration").slots == {"minutes": pytest.approx(3 * minutes, rel=1e-3)}


def test_docstring_documents_every_intent_and_kind():
    doc = intents.__doc__
    for name in INTENTS:
        assert re.search(rf"^{name}\b", doc, re.MULTILINE), name
    for kind in KINDS:
        assert f'"{kind}"' in doc, kind


def _recognized(text: str, intents_data) -> set:
    return {
        (result.intent.name, tuple(sorted((name, str(entity.value)) for name, entity in result.entities.items()
                                          if not name.startswith(PHRASE_LIST_PREFIX))))
        for result in recognize_all(text, intents_data)
    }


def test_the_indexed_copy_reads_texts_like_the_yaml_file():
    """The matcher uses a faster copy of the templates (intents/indexed.py): it must read alike."""
    as_written = dataclasses.replace(load_intents(), skip_words=[])
    as_indexed = dataclasses.replace(_parse(indexed(_source())), skip_words=[])
    for utterance in UTTERANCE_LIST[::3]:
        text = utterance["text"]
        assert _recognized(text, as_indexed) == _recognized(text, as_written), text


# --- phrases(kind) ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_phrases_are_clean_and_bounded(kind):
    found = phrases(kind)
    # The small spoken core: every phrase is one more way to mishear (see intents/sentences/en.yaml).
    assert 50 < len(found) <= 300
    assert len(set(found)) == len(found)
    for phrase in found:
        assert re.fullmatch(r"[a-z']+( [a-z']+)*", phrase), phrase
    included = set().union(*(intent_phrases(name) for name in (*KIND_INTENTS[kind], *ALWAYS_ON)))
    assert set(found) == included


def test_phrases_hold_only_the_kinds_own_answers():
    assert "seven out of ten" in phrases("number") and "seven out of ten" not in phrases("yes_no")
    assert "the left one" in phrases("side") and "the left one" not in phrases("duration")
    assert "my calf" in phrases("location") and "my calf" not in phrases("side")
    assert "two days" in phrases("duration") and "two days" not in phrases("number")


def test_phrases_spell_numbers_out():
    assert "seven" in phrases("number")
    assert "seven out of ten" in phrases("number")
    assert "twenty minutes" in phrases("duration")
    assert "an hour" in phrases("duration")
    assert "the left one" in phrases("side")
    assert "behind the knee" in phrases("location")
    for kind in KINDS:
        found = set(phrases(kind))
        assert {"yes", "no", "i don't know", "i can't breathe", "chest pain", "go back", "stop"} <= found


def test_every_phrase_word_is_in_the_speech_dictionary():
    """The grammars are built from phrases(): a word PocketSphinx's dictionary lacks cannot be recognised."""
    from pocketsphinx import get_model_path

    dictionary = Path(get_model_path()) / "en-us" / "cmudict-en-us.dict"
    with dictionary.open(encoding="utf-8") as lines:
        vocabulary = {line.split(maxsplit=1)[0] for line in lines if line.strip()}
    used = {word for kind in KINDS for phrase in phrases(kind) for word in phrase.split()}
    assert used - vocabulary == set()


def test_phrases_rejects_an_unknown_kind():
    with pytest.raises(UnknownKindError, match="unknown question kind"):
        phrases("colour")


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_every_phrase_matches_back_to_its_own_intent(kind):
    wrong = []
    for name in dict.fromkeys((*KIND_INTENTS[kind], *ALWAYS_ON)):
        for phrase in sorted(intent_phrases(name)):
            heard = match(phrase, kind)
            if heard.intent != name:
                wrong.append((phrase, name, heard.intent))
    assert not wrong, f"{len(wrong)} phrases come back as another intent, e.g. {wrong[:10]}"


# --- safety -------------------------------------------------------------------------------------------------

EMERGENCY_TEXTS = [u["text"] for u in UTTERANCE_LIST if u["intent"] == "Emergency"]
# Whole clauses ("I can't breathe"), as opposed to bare symptom names ("chest pain", where "no chest pain"
# is a No by design).
EMERGENCY_CLAUSES = [
    text for text in EMERGENCY_TEXTS if re.match(r"(i|i'm|i've|my|there's|it's|it|she|he)\b", text, re.I)
]
DONT_KNOW_TEXTS = [u["text"] for u in UTTERANCE_LIST if u["intent"] == "DontKnow"]
ALL_KINDS = (None, *KINDS)


@pytest.mark.parametrize("text", EMERGENCY_TEXTS)
def test_an_emergency_is_heard_under_every_kind(text):
    for kind in ALL_KINDS:
        heard = match(text, kind)
        assert heard.intent == "Emergency", (kind, heard)
        assert heard.slots.get("symptom", "none") in {*SLOT_VALUES["symptom"], "none"}


@pytest.mark.parametrize("text", EMERGENCY_CLAUSES)
def test_an_emergency_after_no_or_yes_is_still_an_emergency(text):
    for lead in ("no", "no,", "yes", "nope, but", "um no"):
        for kind in (None, "yes_no", "duration"):
            heard = match(f"{lead} {text}", kind)
            assert heard.intent == "Emergency", (lead, kind, heard)


@pytest.mark.parametrize("text", DONT_KNOW_TEXTS)
def test_dont_know_is_never_no(text):
    for kind in ALL_KINDS:
        heard = match(text, kind)
        assert heard.intent == "DontKnow", (kind, heard)


def test_no_dont_know_phrase_is_a_no_phrase():
    assert not intent_phrases("DontKnow") & intent_phrases("No")
    assert not intent_phrases("Emergency") & (intent_phrases("No") | intent_phrases("Yes"))


def test_no_yes_or_no_phrase_is_the_start_of_a_dont_know_or_an_emergency():
    """A recognizer cut short returns the first words of a phrase ("I'm not" for "I'm not sure"). Apart
    from the bare "no" (which starts "no idea"), no Yes or No phrase is the start of a DontKnow or
    Emergency phrase, so a cut-off "I don't know" or "I have chest pain" cannot come out as a Yes or No."""
    dangerous = intent_phrases("DontKnow") | intent_phrases("Emergency")
    for name in ("Yes", "No"):
        prefixes = {p for p in intent_phrases(name) for d in dangerous if d.startswith(p + " ")}
        assert prefixes <= {"no"}, (name, sorted(prefixes))


@pytest.mark.parametrize("text", ["no chest pain", "I can breathe fine", "my chest is fine", "I'm not short of breath"])
def test_a_denied_symptom_is_not_an_emergency(text):
    for kind in ALL_KINDS:
        assert match(text, kind).intent != "Emergency"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60), st.sampled_from(ALL_KINDS))
def test_any_text_gives_a_valid_heard(text, kind):
    heard = match(text, kind)
    assert heard.intent in INTENTS | {None}
    assert 0.0 <= heard.confidence <= 1.0
    assert heard.text == text


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(EMERGENCY_TEXTS[:20]),
    st.lists(st.sampled_from(["um", "uh", "well", "er", "so", "okay", "please"]), max_size=3),
    st.sampled_from(ALL_KINDS),
)
def test_fillers_never_hide_an_emergency(text, fillers, kind):
    heard = match(" ".join([*fillers, text]), kind)
    assert heard.intent == "Emergency"


# --- contract details ---------------------------------------------------------------------------------------


def test_heard_is_frozen_and_round_trips_through_json():
    heard = match("about twenty minutes", "duration")
    assert heard == Heard("about twenty minutes", "Duration", {"minutes": 20.0, "bound": "about"}, 1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        heard.intent = "No"
    as_json = json.loads(json.dumps(heard.to_json()))
    assert as_json == {"text": "about twenty minutes", "intent": "Duration",
                       "slots": {"minutes": 20.0, "bound": "about"}, "confidence": 1.0}
    assert Heard(**as_json) == heard


def test_kinds_and_answers():
    assert KINDS == ("yes_no", "side", "location", "duration", "number")
    for kind in KINDS:
        assert set(ANSWERS) <= set(KIND_INTENTS[kind])


def test_bad_input_gets_a_clear_error():
    with pytest.raises(UnknownKindError, match="unknown question kind 'colour'"):
        match("yes", "colour")
    with pytest.raises(IntentsError, match="needs text as a str"):
        match(None, "yes_no")
    assert issubclass(UnknownKindError, ValueError)


def test_confidence_says_how_much_was_forgiven():
    assert match("yes", "yes_no").confidence == CONFIDENCE["exact"]
    assert match("um yes", "yes_no").confidence == CONFIDENCE["edges"]
    assert match("the um left one", "side").confidence == CONFIDENCE["skip_words"]
    assert match("I dont know", "yes_no").confidence == CONFIDENCE["repaired"]
    assert match("no chest pain but I can't breathe", "yes_no").confidence == CONFIDENCE["spotted"]
    assert match("banana", "yes_no").confidence == 0.0
    exact, edges, skip, repaired = (CONFIDENCE[k] for k in ("exact", "edges", "skip_words", "repaired"))
    assert exact > edges > skip > repaired > 0


def test_an_emergency_at_the_end_of_a_long_message_is_heard():
    rambling = "well it started when I was walking the dog in the park and then " * 8
    heard = match(rambling + "now I can't breathe", "yes_no")
    assert heard.intent == "Emergency" and heard.slots == {"symptom": "breathless"}
    assert match(rambling, "yes_no").intent is None


def test_a_bare_number_under_a_duration_question_is_not_taken_as_minutes():
    as_number = match("two", "number")
    as_duration = match("two", "duration")
    assert as_duration.intent == "Number" and as_duration.slots == {"number": 2}
    assert as_duration.confidence == pytest.approx(as_number.confidence / 2)


def test_load_intents_is_cached():
    assert load_intents() is load_intents()
    assert load_intents().language == "en"


def test_the_command_line_matches_and_lists_phrases():
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-m", "intents", "no chest pain", "I cant breathe", "--kind", "yes_no"],
        capture_output=True, text=True, check=True,
    )
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert [line["intent"] for line in lines] == ["No", "Emergency"]
    listed = subprocess.run(
        [sys.executable, "-m", "intents", "--phrases", "side"], capture_output=True, text=True, check=True
    )
    assert listed.stdout.splitlines() == phrases("side")
    bad = subprocess.run([sys.executable, "-m", "intents", "--kind", "colour", "x"], capture_output=True, text=True)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


@pytest.mark.parametrize("kind", KINDS)
def test_every_recognizer_phrase_reads_as_its_own_intent(kind):
    """The recognizer hands its phrase to the text matcher: each must come back as the intent it was written
    under (a phrase of Side read as Yes under the side question would answer the wrong thing)."""
    wrong = [(name, phrase, match(phrase, kind).intent)
             for name in dict.fromkeys((*KIND_INTENTS[kind], *ALWAYS_ON))
             for phrase in intent_phrases(name) if match(phrase, kind).intent != name]
    assert wrong == []


def test_the_vocabulary_prefilter_never_turns_away_a_template_sentence():
    """intents.nlu asks hassil only about texts whose words are all in the templates (test_utterance checks
    that every labelled utterance is still understood): every sentence the spoken grammars are built from
    must pass that filter, and a word no template has must not."""
    from intents.nlu import _could_fit

    sentences = {sentence for kind in KINDS for sentence in phrases(kind)}
    assert sentences and all(_could_fit(sentence) for sentence in sentences)
    assert not _could_fit("yes it is swollen") and _could_fit("yes it is") and _could_fit("20mins")
