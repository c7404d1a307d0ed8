"""Text to speech: pyttsx3 in a worker process, and what happens when it fails for real."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from speech import tts_worker
from speech.audio import NullSink, WavSink, read_wav
from speech.errors import SynthesisError
from speech.tts import DEFAULT_RATE, TextToSpeech, TtsConfig, Voice

QUESTION = "Is the pain in the back of your lower leg?"


@pytest.fixture
def tts():
    engine = TextToSpeech()
    yield engine
    engine.close()


def test_renders_real_speech_and_keeps_stdout_clean(tts, capfd):
    audio = tts.render(QUESTION)
    assert audio.rate in (16000, 22050, 24000)
    assert 1.0 < audio.seconds < 6.0
    assert np.abs(audio.samples.astype(np.int32)).max() > 3000  # audible, not silence
    out, _err = capfd.readouterr()
    assert out == ""  # pyttsx3's "Audio saved to ..." stays in the worker


def test_several_utterances_in_a_row_all_render(tts):
    lengths = [tts.render(text).seconds for text in ("Yes.", "Which leg is it?", "Call for help now.")]
    assert all(length > 0.3 for length in lengths)
    assert lengths[0] < lengths[1]


def test_a_slower_rate_gives_longer_speech():
    slow, fast = TextToSpeech(TtsConfig(rate=110)), TextToSpeech(TtsConfig(rate=250))
    try:
        assert slow.render(QUESTION).seconds > 1.5 * fast.render(QUESTION).seconds
    finally:
        slow.close()
        fast.close()


def test_cached_text_is_not_rendered_again(tts):
    first = tts.render(QUESTION)
    assert tts.is_cached(QUESTION)
    tts._worker.process.kill()  # a render would now fail: the cached audio needs no worker
    tts._worker.process.wait()
    again = tts.render("  " + QUESTION)
    assert np.array_equal(again.samples, first.samples) and again.rate == first.rate


def test_prerender_fills_the_cache_in_the_background(tts):
    texts = ["Does your leg feel warm?", "Is it swollen?"]
    tts.prerender(texts).join(timeout=30)
    assert all(tts.is_cached(text) for text in texts)


def test_closing_while_the_prerender_runs_removes_everything_and_renders_no_more():
    """A short recording can end the conversation while prompts are still being pre-rendered: closing then
    waits for the render under way, and the pre-render thread starts no new worker after it."""
    engine = TextToSpeech()
    folder = Path(engine._dir.name)
    thread = engine.prerender([f"This is prompt number {index}." for index in range(40)])
    while not any(folder.glob("*.wav")):  # the pre-render is under way
        thread.join(timeout=0.05)
    engine.close()
    thread.join(timeout=30)
    assert not thread.is_alive() and not folder.exists()
    with pytest.raises(SynthesisError, match="closed"):
        engine.render("Is it swollen?")


def test_voice_plays_into_the_sink(tts, tmp_path):
    sink = WavSink(tmp_path / "out.wav")
    spoken = Voice(tts, sink, fallback=io.StringIO()).speak(QUESTION)
    sink.close()
    assert spoken.spoken and not spoken.error
    assert read_wav(tmp_path / "out.wav", rate=None).seconds > 1.0


def test_a_missing_speech_program_prints_the_text_instead():
    tts = TextToSpeech(TtsConfig(command=("/nonexistent/legcheck-tts",)))
    printed = io.StringIO()
    spoken = Voice(tts, NullSink(), fallback=printed).speak("Call 911 now.")
    assert not spoken.spoken and "cannot start the speech worker" in spoken.error
    assert "Call 911 now." in printed.getvalue()


def test_a_hanging_speech_worker_times_out_and_the_text_is_printed():
    tts = TextToSpeech(TtsConfig(command=("sleep", "60"), timeout_s=0.5))
    printed = io.StringIO()
    spoken = Voice(tts, NullSink(), fallback=printed).speak("Call 911 now.")
    tts.close()
    assert not spoken.spoken and "timed out" in spoken.error
    assert "Call 911 now." in printed.getvalue()


def test_a_worker_that_writes_no_file_is_a_synthesis_error():
    liar = "import sys\nfor line in sys.stdin:\n    print('{\"ok\": true}', flush=True)\n"
    tts = TextToSpeech(TtsConfig(command=(sys.executable, "-c", liar)))
    with pytest.raises(SynthesisError, match="not found"):
        tts.render("Hello.")
    tts.close()


# ---- the worker process itself (speech/tts_worker.py, run by path) ----------------------------------------

def _ask_worker(*lines: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Start the real worker as TtsConfig starts it, send it `lines` and close its stdin."""
    command = TtsConfig().worker_command()
    assert command == [sys.executable, tts_worker.__file__]
    return subprocess.run(command, input="".join(line + "\n" for line in lines), capture_output=True, text=True,
                          timeout=timeout)


def _request(path, **changes) -> str:
    return json.dumps({"text": QUESTION, "path": str(path), "rate": DEFAULT_RATE, "voice": None, "wait": 2.5,
                       **changes})


def test_the_worker_module_runs_as_a_process_and_renders_a_wav(tmp_path):
    wav = tmp_path / "question.wav"
    run = _ask_worker(_request(wav))
    assert run.returncode == 0, run.stderr
    assert run.stdout == '{"ok": true}\n'  # only the answer: pyttsx3's "Audio saved to ..." went to stderr
    audio = read_wav(wav, rate=None)
    assert 1.0 < audio.seconds < 6.0 and np.abs(audio.samples.astype(np.int32)).max() > 3000


def test_the_worker_answers_bad_requests_with_an_error_line_and_serves_on(tmp_path):
    """A request missing its fields, and one whose file cannot be written, each get an error answer (the
    second after its `wait`, not a hang); the worker then renders the next request as usual."""
    run = _ask_worker(json.dumps({"text": "Hello."}), _request(tmp_path / "no" / "such" / "folder.wav", wait=0.5),
                      _request(tmp_path / "after.wav"))
    assert run.returncode == 0, run.stderr
    answers = [json.loads(line) for line in run.stdout.splitlines()]
    assert answers == [{"ok": False, "error": "KeyError: 'rate'"},
                       {"ok": False, "error": "pyttsx3 wrote no audio (missing file)"}, {"ok": True}]
    assert read_wav(tmp_path / "after.wav", rate=None).seconds > 1.0


def test_a_line_that_is_not_json_ends_the_worker_without_an_answer():
    """The parent only ever sends JSON; anything else stops the worker at once (the parent then says "the
    speech worker stopped" and starts a fresh one), it never leaves it waiting."""
    run = _ask_worker("this is not json", timeout=30)
    assert run.returncode != 0 and run.stdout == "" and "JSONDecodeError" in run.stderr


def test_speech_tts_and_its_worker_module_import_without_pyttsx3():
    """pyttsx3 is imported only in the worker process, once it serves: a Python where it cannot be imported
    still imports speech.tts (and the worker module), and fails only when the worker starts serving."""
    blocked = "import sys; sys.modules['pyttsx3'] = None; "
    run = subprocess.run([sys.executable, "-c", blocked + "import speech.tts, speech.tts_worker"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    run = subprocess.run([sys.executable, "-c", blocked + "from speech import tts_worker; tts_worker.serve()"],
                         input="", capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "pyttsx3" in run.stderr


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="rate"):
        TtsConfig(rate=5)


# ---- emergency and phone numbers are spoken digit by digit (issue 10.8) ------------------------------------

def _phonemes(text: str) -> str:
    import subprocess

    return subprocess.run(["espeak-ng", "-q", "-x", text], capture_output=True, text=True, check=True).stdout


def _product_texts() -> list[str]:
    """Every fixed sentence the product says, in every locale's words, with its emergency number in it."""
    from skill.locale import EMERGENCY_NUMBERS, emergency_number
    from skill.questions import questions
    from skill.texts import texts
    from triage import Level, advice

    said = []
    for locale in [*EMERGENCY_NUMBERS, "en-ZZ"]:
        number, words = emergency_number(locale), texts(locale)
        fixed = [*(text for name, text in vars(advice).items() if name.isupper() and isinstance(text, str)),
                 *(advice.safety_net_for(level, number) for level in advice.Level)]
        fixed += [text for section in ("replies", "expect", "headlines", "titles", "words")
                  for text in words.section(section).values()]
        said += [text.format(number=number, expect="", why="", reasons="", question="", answer="",
                             advice_line="", limit="", side="", minutes="", hours="", days="", level="", name="",
                         heard="", label="")
                  for text in fixed]
        said.append(advice.advice_for(Level.URGENT, number, advice_line=words.advice_line))
        said += [text for q in questions(locale) for text in (q.text, q.reprompt, q.why, q.confirm)]
    return said


def test_every_run_of_digits_the_product_says_is_a_phone_number():
    """speakable() spells every run of digits out digit by digit: that is only right while quantities are
    written in words. A text with "24 hours" in digits would be read "two four hours": this fails first."""
    import re

    from skill.locale import DEFAULT_NUMBER, EMERGENCY_NUMBERS
    from skill.texts import texts

    phone_numbers = {*EMERGENCY_NUMBERS.values(), DEFAULT_NUMBER}
    phone_numbers |= {run for locale in EMERGENCY_NUMBERS for run in re.findall(r"\d+", texts(locale).advice_line)}
    runs = {run for text in _product_texts() for run in re.findall(r"\d+", text)}
    assert runs and runs <= phone_numbers and "1800" in runs


@pytest.mark.parametrize(("number", "words"), [("911", "nine one one"), ("999", "nine nine nine"),
                                               ("112", "one one two"), ("000", "zero zero zero"),
                                               ("111", "one one one")])
def test_numbers_are_spelt_digit_by_digit(number, words):
    from speech.tts import speakable

    assert speakable(f"Call {number} now.") == f"Call {words} now."


def test_what_espeak_says_for_the_emergency_advice_has_no_hundreds():
    """espeak-ng read "911" as "nine hundred and eleven": listen to its phonemes for every locale's advice."""
    from speech.tts import speakable

    for text in _product_texts():
        phonemes = _phonemes(speakable(text))
        assert "h'Vndr" not in phonemes and "T'aUz" not in phonemes, (text, phonemes)
    assert "h'Vndr" in _phonemes("Call 911 now.")  # the check itself can fail


def test_the_rendered_emergency_number_sounds_digit_by_digit(tts):
    """The real voice path: "Call 911 now." renders to the same audio as "Call nine one one now.", not as
    "nine hundred and eleven" (each on its own engine: one engine's cache would make them equal anyway)."""
    digits = tts.render("Call 911 now.").samples
    words, hundred = TextToSpeech(), TextToSpeech()
    try:
        assert np.array_equal(digits, words.render("Call nine one one now.").samples)
        assert not np.array_equal(digits, hundred.render("Call nine hundred and eleven now.").samples)
    finally:
        words.close()
        hundred.close()


def test_alexa_reads_every_phone_number_as_digits():
    from skill.replies import ssml
    from triage import Level
    from triage.advice import advice_for

    spoken = ssml(f"Call 999 now. {advice_for(Level.URGENT, '999', advice_line='NHS 111')}", "999")
    assert '<say-as interpret-as="digits">999</say-as>' in spoken
    assert '<say-as interpret-as="digits">111</say-as>' in spoken
