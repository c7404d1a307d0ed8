"""Complete spoken triage sessions through the real recognizer, endpointer, TTS and dialogue.

Each session is a golden conversation (tests/data/golden_conversations.yaml) whose answers are all phrases of
the spoken grammar: one recording built at test time of its answers in order (synthesized, with pink noise
at 20 dB), separated by silence. It goes through `legcheck voice --input-wav` (the real command, in a
subprocess) and through `legcheck chat --json` with one `@answer.wav` line per answer. The expectations (the
intent heard for each answer, the events after it, the level, the emergency number) are the trace's, never
those of a typed run of the same dialogue.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from bench.speech_audio import RATE, SpeechClips, write_wav
from bench.voice_sessions import Step, session_wav
from speech.audio import read_wav
from tests.golden import VOICE_LOOP_SESSIONS, Trace, load_traces, played_from_json, voice_steps

TIMEOUT_S = 240
TRACES = {trace.id: trace for trace in load_traces()}


def session(trace_id: str) -> tuple[Trace, list[Step]]:
    """A golden trace and its spoken answers (each a phrase of the open question's grammar)."""
    trace = TRACES[trace_id]
    return trace, voice_steps(trace)


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    return SpeechClips(tmp_path_factory.mktemp("voice-clips"))


def legcheck(*args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "skill.cli", *args], input=stdin, capture_output=True,
                          text=True, timeout=TIMEOUT_S, env={**os.environ, **(env or {})})


def events(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def _check_session(stdout: str, trace: Trace, steps: list[Step]) -> None:
    """What the trace expects: the intent heard for each answer, then answer by answer the events."""
    played = played_from_json(stdout)
    assert played.heard == [step.intent or "" for step in steps], played.turns
    assert played.turns == trace.expected
    assert played.number == trace.number


def voice(trace: Trace, recording, said, env: dict | None = None) -> subprocess.CompletedProcess:
    return legcheck("voice", "--input-wav", str(recording), "--output-wav", str(said), "--json",
                    "--locale", trace.locale, env=env)


@pytest.mark.slow
@pytest.mark.parametrize("trace_id", VOICE_LOOP_SESSIONS)
def test_spoken_session_through_legcheck_voice(clips, tmp_path, trace_id):
    trace, steps = session(trace_id)
    recording = session_wav(clips, steps, tmp_path / f"{trace_id}.wav")
    said = tmp_path / "said.wav"
    run = voice(trace, recording, said)
    assert run.returncode == 0, run.stderr
    found = events(run.stdout)
    _check_session(run.stdout, trace, steps)
    latencies = [event["latency_ms"] for event in found if "latency_ms" in event]
    assert len(latencies) == len(steps)  # one reply after every answer, each timed
    heard = [event for event in found if event["type"] == "heard"]
    assert all(event["timing"]["endpoint"] == "end" and event["timing"]["speech_ms"] > 0 for event in heard)
    spoken = read_wav(said, rate=None)
    assert spoken.seconds > 5 and np.abs(spoken.samples.astype(np.int32)).max() > 3000


@pytest.mark.slow
@pytest.mark.parametrize("trace_id", [t for t in VOICE_LOOP_SESSIONS if t != "red_flag_first"])
def test_spoken_session_through_chat_json_with_wav_answers(clips, tmp_path, trace_id):
    trace, steps = session(trace_id)
    lines = [f"@{clips.wav(step.answer, 'flite:rms', snr_db=20, noise='pink')}" for step in steps]
    run = legcheck("chat", "--json", "--locale", trace.locale, stdin="\n".join(lines) + "\n")
    assert run.returncode == 0, run.stderr
    _check_session(run.stdout, trace, steps)


@pytest.mark.slow
def test_emergency_advice_is_printed_when_speech_output_fails(clips, tmp_path):
    trace, steps = session("locale_en_au")
    recording = session_wav(clips, steps, tmp_path / "emergency.wav")
    run = voice(trace, recording, tmp_path / "said.wav", env={"LEGCHECK_TTS_COMMAND": "/nonexistent/legcheck-tts"})
    assert run.returncode == 0, run.stderr
    found = events(run.stdout)
    _check_session(run.stdout, trace, steps)
    outcome = [event for event in found if event["type"] == "say" and event["key"].startswith("outcome")]
    assert outcome and not outcome[0]["spoken"]
    assert f"(speech output failed; printed instead) {outcome[0]['text']}" in run.stderr
    assert "Traceback" not in run.stderr


def _quiet_session(tmp_path, timeout_ms: str) -> list[dict]:
    rng = np.random.default_rng(5)
    quiet = write_wav(tmp_path / "quiet.wav", rng.standard_normal(4 * RATE) * 1e-3)
    run = legcheck("voice", "--input-wav", str(quiet), "--output-wav", str(tmp_path / "said.wav"), "--json",
                   "--no-speech-timeout", timeout_ms)
    assert run.returncode == 0, run.stderr
    return events(run.stdout)


@pytest.mark.slow
def test_silence_is_never_taken_as_no(tmp_path):
    """Only low noise: every listen times out and the dialogue asks again, then records "unknown" (which
    it reads the cautious way). Nothing is ever heard as "No"."""
    found = _quiet_session(tmp_path, "1500")
    heard = [event for event in found if event["type"] == "heard"]
    assert len(heard) >= 2 and all(event["intent"] is None for event in heard)
    assert all(event["timing"]["endpoint"] == "timeout" for event in heard)
    asks = [event["question"] for event in found if event["type"] == "ask"]
    assert asks[0] == asks[1]  # asked again after the first silence
    result = [event for event in found if event["type"] == "result"][0]
    assert result["level"] != "SELF_CARE" and "no" not in result["findings"].values()


@pytest.mark.slow
def test_a_recording_that_ends_stops_the_check_incomplete(tmp_path):
    """With a timeout longer than the recording (and its quiet tail), the input runs out: the check stops
    (as `chat --json` does at the end of its input) and says it could not finish, never "all clear"."""
    found = _quiet_session(tmp_path, "60000")
    heard = [event for event in found if event["type"] == "heard"]
    assert [(event["intent"], event["timing"]["endpoint"]) for event in heard] == [("Stop", "input_ended")]
    result = [event for event in found if event["type"] == "result"][0]
    assert result["complete"] is False and result["level"] != "SELF_CARE"


def _words(clips, text: str, voice: str) -> np.ndarray:
    clip = clips.clean(text, voice)
    loud = np.flatnonzero(np.abs(clip) > 0.02 * np.abs(clip).max())
    return clip[loud[0] : loud[-1] + 1]


@pytest.mark.slow
def test_a_pause_inside_an_answer_does_not_cut_it(clips, tmp_path):
    """A 450 ms pause is longer than the point where decoding starts early (390 ms of silence) but does not
    end the answer (600 ms): the early result is dropped and the whole answer is decoded."""
    from bench.speech_audio import add_noise, dither
    from skill.voice import _Listener
    from speech.audio import WavFileSource
    from speech.endpointer import EndpointConfig
    from speech.recognizer import make_recognizer

    first, second = _words(clips, "i have", "flite:rms"), _words(clips, "chest pain", "flite:rms")
    quiet = np.zeros(int(0.45 * RATE))
    samples = np.concatenate([np.zeros(RATE), first, quiet, second, np.zeros(RATE)])
    path = write_wav(tmp_path / "pause.wav", add_noise(dither(samples), 20, "pink"))
    config = EndpointConfig()
    listener = _Listener(make_recognizer(), WavFileSource(path, config.frame_bytes, tail_seconds=1), "yes_no",
                         config)
    listened = listener.run()
    assert listener.decodings == 2  # the early one in the pause (dropped), then the whole answer
    assert listened.endpoint == "end"
    assert listened.speech_ms > (first.size + quiet.size + second.size) / RATE * 1000
    assert listened.heard.intent == "Emergency" and listened.heard.slots == {"symptom": "chest_pain"}


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full to make every write fail")
def test_emergency_advice_is_printed_when_the_output_file_cannot_be_written(clips, tmp_path):
    """/dev/full fails every write with 'no space left on device': a real output failure. Every reply is
    printed instead, the check still ends in EMERGENCY, and the unwritable file is a clear exit 2."""
    trace, steps = session("red_flag_first")
    recording = session_wav(clips, steps, tmp_path / "emergency.wav")
    run = voice(trace, recording, "/dev/full")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "legcheck: cannot finish /dev/full: No space left on device" in run.stderr
    found = events(run.stdout)
    _check_session(run.stdout, trace, steps)
    outcome = [event for event in found if event["type"] == "say" and event["key"].startswith("outcome")]
    assert f"(speech output failed; printed instead) {outcome[0]['text']}" in run.stderr
