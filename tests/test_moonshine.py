"""Moonshine base on real audio (speech/moonshine_engine.py) and the two engines together (speech/combined.py):
speech synthesised at test time (flite, festival) with noise, and real people's one-word answers
(../shared/audio/speech_commands). The real model, converted to its int8 path; no fakes.

Floors sit well below what bench/voice_engines.py measures (bench/RESULTS.md): they catch a broken engine."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench.speech_audio import VOICES, SpeechClips
from bench.voice_sessions import session_wav
from skill.hearing import decide, heard_from, recognize_file, recognize_pcm
from speech import make_recognizer
from speech.combined import CHECKER_SURE, combine
from speech.errors import ModelError
from speech.moonshine_engine import written_forms
from speech.moonshine_model import find_moonshine
from speech.recognize import decode_pcm
from tests.golden import VOICE_LOOP_SESSIONS
from tests.test_voice_loop import _check_session, legcheck, session

pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    find_moonshine() is None, reason="no Moonshine model here: the moonshine-cpp wheel is x86_64 only and "
    "`legcheck models install moonshine-base` was not run")]

COMMANDS = Path(__file__).resolve().parents[2] / "shared" / "audio" / "speech_commands"
SAMPLES = [
    ("yes_no", "yes it is", "Yes", {}),
    ("yes_no", "no it isn't", "No", {}),
    ("yes_no", "i don't know", "DontKnow", {}),
    ("yes_no", "i have chest pain", "Emergency", {"symptom": "chest_pain"}),
    ("yes_no", "say that again", "Repeat", {}),
    ("side", "my left leg", "Side", {"side": "left"}),
    ("side", "both legs", "Side", {"side": "both"}),
    ("location", "behind the knee", "Location", {"location": "behind_knee"}),
    ("duration", "two days", "Duration", {"minutes": 2880.0}),
    ("duration", "ten minutes", "Duration", {"minutes": 10.0}),
    ("number", "seven", "Number", {"number": 7}),
    ("number", "five out of ten", "Number", {"number": 5}),
]
EMERGENCIES = ["i can't breathe", "i have chest pain", "i'm coughing up blood", "i fainted"]
OUT_OF_GRAMMAR = ["the weather is nice today", "call my daughter", "the kettle is on", "where are my glasses",
                  "play some music", "i had pasta for dinner"]


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    return SpeechClips(tmp_path_factory.mktemp("moonshine-clips"))


@pytest.fixture(scope="module")
def moonshine():
    return make_recognizer("moonshine", kind="yes_no")


@pytest.fixture(scope="module")
def pocketsphinx():
    return make_recognizer("pocketsphinx", kind="yes_no")


def test_phrases_are_scored_as_a_transcriber_writes_them():
    assert written_forms("yes") == ("Yes.",)
    assert written_forms("i can't breathe") == ("I can't breathe.",)
    assert written_forms("seven out of ten") == ("Seven out of ten.", "7 out of 10.")


@pytest.mark.parametrize(("kind", "text", "intent", "slots"), SAMPLES, ids=[s[1] for s in SAMPLES])
def test_each_intent_is_heard_under_its_kind(kind, text, intent, slots, clips, moonshine):
    results = [recognize_pcm(moonshine, clips.pcm(text, voice, 20, "pink"), kind) for voice in VOICES]
    assert all(heard.intent in (intent, None) for heard in results), results
    assert sum(heard.intent == intent and heard.slots == slots for heard in results) >= 3, results


def test_red_flags_in_noise_are_never_no(clips, moonshine):
    intents = [recognize_pcm(moonshine, clips.pcm(text, voice, 10, noise, seed), "yes_no").intent
               for text in EMERGENCIES for voice in VOICES for seed, noise in enumerate(("pink", "white"))]
    assert "No" not in intents, intents
    assert intents.count("Emergency") >= len(intents) * 3 // 4, intents


def test_speech_outside_the_grammar_is_not_taken_as_an_answer(clips, moonshine):
    heard = [recognize_pcm(moonshine, clips.pcm(text, voice, None), "yes_no").intent
             for text in OUT_OF_GRAMMAR for voice in VOICES[:2]]
    assert "No" not in heard, heard
    assert heard.count(None) >= len(heard) * 3 // 4, heard


def test_real_people_saying_yes_no_left_right(moonshine):
    expected = {"yes": ("yes_no", "Yes"), "no": ("yes_no", "No"), "left": ("side", "Side"),
                "right": ("side", "Side")}
    files = [path for path in sorted(COMMANDS.glob("*.wav")) if path.name.split("_")[0] in expected]
    assert len(files) >= 12, "the recordings of ../shared/audio/speech_commands are missing"
    results = [(path.name.split("_")[0], recognize_file(path, expected[path.name.split("_")[0]][0],
                                                        recognizer=moonshine)) for path in files]
    right = sum(heard.intent == expected[word][1] and heard.slots.get("side", word) == word
                for word, heard in results)
    assert right >= len(results) * 2 // 3, [(word, heard.intent, heard.slots) for word, heard in results]
    assert not any(heard.intent == "No" for word, heard in results if word != "no")


def test_two_engines_that_agree_are_taken(clips, moonshine, pocketsphinx):
    pcm = clips.pcm("yes it is", VOICES[0], 20, "pink")
    first, second = decode_pcm(pocketsphinx, pcm, "yes_no"), decode_pcm(moonshine, pcm, "yes_no")
    both = combine(first, second, "yes_no")
    assert both.confidence == max(first.confidence, second.confidence)
    assert heard_from(both, "yes_no").intent == "Yes"


def test_a_no_never_wins_a_disagreement(clips, moonshine, pocketsphinx):
    """Real decodes of two answers put side by side: one engine heard "no", the other "yes"."""
    no = decode_pcm(pocketsphinx, clips.pcm("no it isn't", VOICES[1], None), "yes_no")
    yes = decode_pcm(moonshine, clips.pcm("yes it is", VOICES[1], None), "yes_no")
    assert decide(no, "yes_no").action == "accept" and decide(yes, "yes_no").action == "accept"
    for first, second in ((no, yes), (yes, no)):
        assert heard_from(combine(first, second, "yes_no"), "yes_no").intent != "No"


def test_an_emergency_heard_by_one_engine_wins(clips, moonshine, pocketsphinx):
    emergency = decode_pcm(moonshine, clips.pcm("i can't breathe", VOICES[2], None), "yes_no")
    no = decode_pcm(pocketsphinx, clips.pcm("no", VOICES[2], None), "yes_no")
    for first, second in ((no, emergency), (emergency, no)):
        assert heard_from(combine(first, second, "yes_no"), "yes_no").intent == "Emergency"


def test_two_sure_engines_that_disagree_on_a_yes_are_asked_again(clips, moonshine, pocketsphinx):
    """Real decodes of two answers put side by side: Moonshine sure of "yes", PocketSphinx sure of "the left
    one" (under the side question, whose grammar takes yes/no too). Neither is taken: the policy asks again."""
    side = decode_pcm(pocketsphinx, clips.pcm("the left one", VOICES[0], None), "side")
    yes = decode_pcm(moonshine, clips.pcm("yes", VOICES[0], None), "side")
    assert side.confidence >= CHECKER_SURE and decide(yes, "side").action == "accept", (side, yes)
    assert heard_from(combine(side, yes, "side"), "side").intent is None


def test_help_heard_as_yeah_by_moonshine_is_help_when_pocketsphinx_is_sure(clips, moonshine, pocketsphinx):
    """flite slt saying "help" in pink noise at 20 dB: Moonshine leans to "yeah", PocketSphinx hears "help".
    Help records nothing (the question is asked again after it), so the sure checker's reading is taken."""
    pcm = clips.pcm("help", "flite:slt", 20, "pink")
    checker, primary = decode_pcm(pocketsphinx, pcm, "yes_no"), decode_pcm(moonshine, pcm, "yes_no")
    assert (checker.text, primary.text) == ("help", "yeah"), (checker, primary)  # the case this rule is for
    assert heard_from(combine(checker, primary, "yes_no"), "yes_no").intent == "Help"


def test_both_engines_hear_a_session_answer(clips):
    both = make_recognizer("both", kind="side")
    heard = recognize_pcm(both, clips.pcm("my left leg", VOICES[3], 20, "white"), "side")
    assert (heard.intent, heard.slots) == ("Side", {"side": "left"})
    both.close()


def test_a_corrupt_model_is_a_clear_error(tmp_path):
    files = find_moonshine()
    folder = tmp_path / "moonshine-base"
    folder.mkdir()
    shutil.copy(files.decoder, folder / files.decoder.name)
    shutil.copy(files.tokenizer, folder / files.tokenizer.name)
    (folder / files.encoder.name).write_bytes(files.encoder.read_bytes()[:4096])
    from speech.moonshine_engine import load

    with pytest.raises(ModelError, match="could not read"):
        load(str(tmp_path))


@pytest.mark.parametrize("trace_id", VOICE_LOOP_SESSIONS)
def test_spoken_session_through_legcheck_voice_with_both_engines(clips, tmp_path, trace_id):
    """The golden spoken sessions of tests/test_voice_loop.py, heard by PocketSphinx and Moonshine together."""
    trace, steps = session(trace_id)
    recording = session_wav(clips, steps, tmp_path / f"{trace_id}.wav")
    run = legcheck("voice", "--engine", "both", "--input-wav", str(recording), "--output-wav",
                   str(tmp_path / "said.wav"), "--json", "--locale", trace.locale)
    assert run.returncode == 0, run.stderr
    _check_session(run.stdout, trace, steps)
