"""The voice front end (`legcheck voice`): say the dialogue's events, listen for one answer, hand it to the
dialogue.

One turn:
1. Say every event of the turn (Say and Ask; a Result is spoken through the Say that precedes it). The
   microphone is muted while we speak (echo safety) and frames captured meanwhile are dropped. Barge-in is
   not offered: with a speaker next to the microphone it cannot be made reliable without echo
   cancellation, and a red flag said over a prompt is simply said again when we stop (every grammar
   carries the Emergency phrases).
2. Listen: frames go through the endpointer; once speech starts they also go to the recognizer (set to the
   open question's grammar). The answer ends after the trailing silence; finish() gives the hypothesis
   and `heard_from` turns it into a Heard. No speech before the timeout is Heard(intent None), so the
   dialogue asks again and never takes silence as "no".
3. dialogue.respond(state, heard), and round again until the dialogue has finished.

Turn latency (the bench's figure) is the time from the end of the answer (the endpoint, so the trailing
silence is not counted) to the first sample of the reply going to the output.

If anything fails after an emergency sign was heard, the emergency advice is still printed (safety rule 5).
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import time
from dataclasses import asdict, dataclass
from typing import IO, Any

import numpy as np

from intents import KINDS, NOT_UNDERSTOOD, STOPPED, Heard
from speech.endpointer import EndpointConfig, Endpointer, EndpointState
from speech.errors import AudioError, ModelError, NoMicrophoneError, SynthesisError
from speech.recognizer import make_recognizer
from speech.tts import TextToSpeech, TtsConfig, Voice

from .chat import emit_json
from .dialogue import Dialogue
from .events import HeardEvent, Say
from .hearing import heard_from
from .questions import questions
from .replies import ssml
from .session import Session
from .settings import VoiceSettings
from .texts import texts as locale_texts

__all__ = ["VoiceLoop", "Listened", "listen", "listen_once", "run_voice", "prompts_to_prerender", "SPECULATE_AFTER_MS"]

log = logging.getLogger(__name__)

SPECULATE_AFTER_MS = 390
"""Trailing silence after which decoding starts while the endpointer waits out the rest (see _Listener)."""



@dataclass(frozen=True)
class Listened:
    """One answer (or the lack of one)."""

    heard: Heard
    endpoint: str
    """"end" (trailing silence), "timeout" (no speech) or "input_ended" (the recording ran out)."""
    speech_ms: float
    """Length of the answer audio (with its pre-roll and trailing silence)."""
    decode_ms: float
    """Time from the endpoint until the Heard was ready (what decoding added after the endpoint)."""
    ended_at: float
    """time.perf_counter() when the frame that completed the endpoint was captured."""

    def timing(self) -> dict[str, Any]:
        return {"endpoint": self.endpoint, "speech_ms": round(self.speech_ms, 1),
                "decode_ms": round(self.decode_ms, 2)}


class _Decoding:
    """One finish() of the recognizer on a background thread (the recognizer is used by one thread at a
    time: wait() before touching it again)."""

    def __init__(self, recognizer, pcm: bytes):
        self.frames_fed = 0
        self.hypothesis = None
        self.error: BaseException | None = None
        recognizer.start()
        recognizer.feed(pcm)
        self._thread = threading.Thread(target=self._run, args=(recognizer,), name="decode", daemon=True)
        self._thread.start()

    def _run(self, recognizer) -> None:
        try:
            self.hypothesis = recognizer.finish()
        except BaseException as err:  # noqa: BLE001 - handed to the listening thread in wait()
            self.error = err

    def wait(self):
        self._thread.join()
        if self.error is not None:
            raise self.error
        return self.hypothesis


class _Listener:
    """Listens for one answer. The recognizer decodes when the answer is complete (PocketSphinx's
    engine decodes the whole utterance in finish()), which would put its decoding time after the
    endpoint. So once the answer has been followed by `SPECULATE_AFTER_MS` of silence, decoding starts
    on a background thread while the endpointer waits out the rest of the trailing silence; if the
    person speaks again, that result is dropped and the longer answer decoded at the end. While the
    answer is being captured the recognizer gets it every `PREPARE_EVERY_MS` (Recognizer.prepare), so
    work that can run ahead (PocketSphinx's noise suppression) is mostly done when decoding starts.

    390 ms: on 96 noisy answers (12 phrasings x 4 voices x pink 20/10 dB) decoding after 210 / 300 /
    390 ms of silence got 55 / 56 / 66 right, and after the whole 600 ms 68: PocketSphinx needs some
    silence after the words."""

    PREPARE_EVERY_MS = 100

    def __init__(self, recognizer, source, kind: str, config: EndpointConfig):
        self.recognizer, self.source, self.kind, self.config = recognizer, source, kind, config
        self.endpointer = Endpointer(config)
        self.answer: list[bytes] = []
        self.decoding: _Decoding | None = None
        self.speculated_at = -1
        """Frames of the answer when the background decoding started."""
        self.decodings = 0
        self.prepared = 0
        """Frames of the answer last handed to the recognizer's prepare()."""

    def run(self) -> Listened:
        self.recognizer.set_kind(self.kind)
        state = EndpointState.WAITING
        for frame in self.source.frames():
            state = self.endpointer.push(frame)
            self.answer.extend(self.endpointer.pending)
            if state in (EndpointState.END, EndpointState.TIMEOUT):
                break
            if state is EndpointState.SPEECH:
                self._prepare()
                self._maybe_speculate()
        ended_at = getattr(self.source, "frame_time", time.perf_counter())
        return self._result(state, ended_at)

    def _prepare(self) -> None:
        """Hand the answer so far to the recognizer every ``PREPARE_EVERY_MS`` (see Recognizer.prepare), until
        the answer is being decoded (if the person speaks on, that decoding is dropped and this resumes)."""
        if self.speculated_at < 0 and len(self.answer) - self.prepared >= self.config.frames(self.PREPARE_EVERY_MS):
            self.recognizer.prepare(b"".join(self.answer))
            self.prepared = len(self.answer)

    def _silent_frames(self) -> int:
        last = self.endpointer.last_voiced_frame or self.endpointer.frames_seen
        return self.endpointer.frames_seen - last

    def _maybe_speculate(self) -> None:
        silent = self._silent_frames()
        if silent == 0 and self.decoding is not None and self.speculated_at >= 0:
            self.speculated_at = -1  # spoke again: that decoding is out of date
        if silent == self.config.frames(SPECULATE_AFTER_MS) and self.speculated_at < 0:
            self._start_decoding()
            self.speculated_at = len(self.answer)

    def _start_decoding(self) -> None:
        if self.decoding is not None:
            self.decoding.wait()
        self.decoding = _Decoding(self.recognizer, b"".join(self.answer))
        self.decodings += 1

    def _result(self, state: EndpointState, ended_at: float) -> Listened:
        speech_ms = len(self.answer) * self.config.frame_ms
        if state is EndpointState.TIMEOUT or state is EndpointState.WAITING or not self.answer:
            if self.decoding is not None:
                self.decoding.wait()
            if state is EndpointState.TIMEOUT:
                return Listened(NOT_UNDERSTOOD, "timeout", 0.0, 0.0, ended_at)
            return Listened(STOPPED, "input_ended", 0.0, 0.0, ended_at)
        # an answer that ended, or a recording that stopped mid-answer: use what was said
        if self.speculated_at < 0:
            self._start_decoding()
        hypothesis = self.decoding.wait()

        heard = heard_from(hypothesis, self.kind)
        return Listened(heard, "end", speech_ms, (time.perf_counter() - ended_at) * 1000, ended_at)


def listen(recognizer, source, kind: str, config: EndpointConfig) -> Listened:
    """Recognise one answer from `source` under the grammar of `kind` (see _Listener)."""
    return _Listener(recognizer, source, kind, config).run()


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """The sentences of a reply (at least one)."""
    return [part for part in _SENTENCE_END.split(" ".join(text.split())) if part] or [text]


def prompts_to_prerender(dialogue) -> list[str]:
    """Fixed texts worth rendering at start-up, the most urgent first: the emergency advice, the
    questions and their reprompts, then the fixed replies."""

    number, words = dialogue.number, locale_texts(dialogue.locale)
    texts = [dialogue.emergency_text(), words.reply("emergency_now", number=number)]
    for question in questions(dialogue.locale):
        texts += [question.text, question.reprompt]
    texts += [words.reply("not_understood", expect=expect) for expect in words.section("expect").values()]
    for template in words.section("replies").values():
        try:
            texts.append(template.format(number=number))
        except KeyError:  # needs a value only known during the conversation
            continue
    texts += words.section("headlines").values()
    return list(dict.fromkeys(sentence for text in texts for sentence in split_sentences(text)))


class VoiceLoop:
    """Runs one conversation. `out` gets JSON lines when `json_mode`, else captions for a person."""

    def __init__(self, dialogue, recognizer, source, voice: Voice, config: EndpointConfig,
                 out: IO[str] | None = None, json_mode: bool = False):
        self.dialogue = dialogue
        self.recognizer = recognizer
        self.source = source
        self.voice = voice
        self.config = config
        self.out = out or sys.stdout
        self.json_mode = json_mode
        self.latencies_ms: list[float] = []

    def run(self):
        """The whole conversation; returns the last Turn."""
        self.session = Session(self.dialogue)
        try:
            return self._conversation(self.session.start())
        except BaseException:
            self._protect()
            raise

    def _conversation(self, events):
        answer_end: float | None = None
        while True:
            self._say_events(events, answer_end)
            if self.session.finished:
                return self.session.turn
            listened = listen(self.recognizer, self.source, self.session.open_question.kind, self.config)
            self._show_heard(listened)
            answer_end = listened.ended_at
            events = self.session.answer(listened.heard)

    def _say_events(self, events, answer_end: float | None) -> None:
        for event in events:
            if event.type == "result":
                self._show_result(event)
                continue
            self._say(event, answer_end)
            answer_end = None  # the latency counts up to the first reply only

    def _say(self, event, answer_end: float | None) -> None:
        """Say one event a sentence at a time: the first sentence (usually pre-rendered) starts playing
        while the rest is rendered, so a long uncached reply (the outcome) still starts at once."""
        sentences = split_sentences(event.text)
        audio = self.voice.prepare(sentences[0], whole=event.text)
        extra: dict[str, Any] = {"spoken": audio is not None}
        if answer_end is not None:
            latency = (time.perf_counter() - answer_end) * 1000
            self.latencies_ms.append(latency)
            extra["latency_ms"] = round(latency, 2)
        self._emit(event.to_json(), extra, caption=event.text)
        if audio is None:
            return  # printed instead
        self._mute(True)
        try:
            self._play_sentences(sentences, audio)
        finally:
            self._mute(False)

    def _play_sentences(self, sentences: list[str], first) -> None:
        audio = first
        for index, sentence in enumerate(sentences):
            rest = " ".join(sentences[index:])
            if index and (audio := self.voice.prepare(sentence, whole=rest)) is None:
                return
            if not self.voice.play(rest, audio):
                return

    def _mute(self, muted: bool) -> None:
        action = getattr(self.source, "mute" if muted else "unmute", None)
        if action is not None:
            action()

    def _emit(self, data: dict[str, Any], extra: dict[str, Any], caption: str | None) -> None:
        if self.json_mode:

            emit_json(data, self.out, **extra)
        elif caption:
            print(caption, file=self.out, flush=True)

    def _show_heard(self, listened: Listened) -> None:
        heard = listened.heard
        log.info("heard an answer (endpoint=%s)", listened.endpoint)  # never what was heard
        caption = f"  (heard: {heard.intent or 'nothing I could use'})"
        self._emit(HeardEvent(heard, timing=listened.timing()).to_json(), {}, caption)

    def _show_result(self, result) -> None:
        words = locale_texts(self.dialogue.locale)
        caption = "\n" + words.word("outcome", level=result.level.replace("_", " ").lower())
        self._emit(result.to_json(), {"timing": timing_summary(self.latencies_ms)}, caption)

    def _protect(self) -> None:
        """After a crash: if an emergency sign was heard, the emergency advice still reaches the user."""

        text = self.session.rescue()
        if text:
            self._emit(Say(text, ssml(text), "emergency").to_json(), {"spoken": False}, caption=text)
            print(text, file=sys.stderr, flush=True)


def _endpoint_config(settings: VoiceSettings) -> EndpointConfig:
    try:
        return EndpointConfig(trailing_silence_ms=settings.trailing_silence,
                              no_speech_timeout_ms=settings.no_speech_timeout)
    except ValueError as err:
        raise AudioError(str(err)) from None


def _recognizer(settings: VoiceSettings):
    model = settings.vosk_model
    if model is not None and not model.is_dir():
        raise ModelError(f"Vosk model folder not found: {model}")

    return make_recognizer(engine=settings.engine, vosk_model=str(model) if model else None, kind="yes_no",
                           noise_suppression=settings.noise_suppression, on_fallback=_say_fallback)


def _say_fallback(why: str) -> None:
    """The default engine could not load Moonshine: the person setting it up is told, on stderr (stdout may
    be --json)."""
    print(f"legcheck: {why}", file=sys.stderr, flush=True)


def _source(settings: VoiceSettings, frame_bytes: int):
    from speech.audio import MicrophoneSource, WavFileSource, has_microphone  # sounddevice: loaded when used

    if settings.input_wav is not None:
        return WavFileSource(settings.input_wav, frame_bytes, realtime=settings.realtime)
    if not has_microphone():
        raise NoMicrophoneError("no microphone was found")
    return MicrophoneSource(frame_bytes)


def _sink(settings: VoiceSettings):
    from speech.audio import NullSink, SpeakerSink, WavSink, has_speaker  # sounddevice: loaded when used

    if settings.output_wav is not None:
        return WavSink(settings.output_wav)
    if has_speaker():
        return SpeakerSink()
    print("legcheck: no sound output device: replies are shown as text only", file=sys.stderr)
    return NullSink()


def run_voice(settings: VoiceSettings) -> int:
    """`legcheck voice`: the whole conversation by voice. Raises SpeechError for the CLI to report."""

    config, tts_config = _endpoint_config(settings), _tts_config(settings)
    dialogue = Dialogue(locale=settings.locale, emergency_number=settings.emergency_number)
    recognizer = _recognizer(settings)
    source = _source(settings, config.frame_bytes)
    tts = TextToSpeech(tts_config)
    try:
        sink = _sink(settings)
    except AudioError:
        _close_all(source, tts)
        raise
    try:
        tts.prerender([*split_sentences(dialogue.start().events[0].text), *prompts_to_prerender(dialogue)])
        warm_up(recognizer, config)
        loop = VoiceLoop(dialogue, recognizer, source, Voice(tts, sink, fallback=sys.stderr), config,
                         json_mode=settings.json)
        loop.run()
    finally:
        _close_all(source, tts, sink)
    return 0


def _tts_config(settings: VoiceSettings) -> TtsConfig:
    try:
        return TtsConfig(rate=settings.rate)
    except ValueError as err:
        raise SynthesisError(str(err)) from None


def _close_all(*things) -> None:
    """Close each one even if another fails; then raise the first failure (e.g. the output WAV could not
    be finished)."""
    failure: BaseException | None = None
    for thing in things:
        try:
            thing.close()
        except (OSError, AudioError) as err:
            failure = failure or err
    if failure is not None:
        raise failure if isinstance(failure, AudioError) else AudioError(str(failure))


def warm_up(recognizer, config: EndpointConfig) -> None:
    """Decode a little quiet once per grammar: the first real decode is then not the slow cold one
    (measured: 480 ms cold against 250-350 ms afterwards for the same answer)."""

    quiet = (np.random.default_rng(0).normal(0, 3.0, config.sample_rate // 4)).astype("<i2").tobytes()
    for kind in KINDS:
        recognizer.set_kind(kind)
        recognizer.start()
        recognizer.feed(quiet)
        recognizer.finish()


def listen_once(settings: VoiceSettings) -> dict[str, Any]:
    """`legcheck listen`: one answer under one grammar; what was heard, with timing."""
    config = _endpoint_config(settings)
    kind = _kind(settings)
    source = _source(settings, config.frame_bytes)
    recognizer = _recognizer(settings)
    try:
        listened = listen(recognizer, source, kind, config)
    finally:
        source.close()
    return {**HeardEvent(listened.heard, kind, listened.timing()).to_json(),
            "engine": getattr(recognizer, "name", settings.engine)}


def _kind(settings: VoiceSettings) -> str:
    if settings.question:

        known = {question.id: question for question in questions()}
        if settings.question not in known:
            raise ModelError(f"unknown question {settings.question!r}; known: {', '.join(known)}")
        return known[settings.question].kind
    return settings.kind


def timing_summary(latencies_ms: list[float]) -> dict[str, float]:
    """p50 / p95 / max of turn latencies (for --json and the bench)."""
    if not latencies_ms:
        return {}
    ordered = sorted(latencies_ms)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    return asdict(_Summary(pick(0.5), pick(0.95), ordered[-1], len(ordered)))


@dataclass(frozen=True)
class _Summary:
    p50_ms: float
    p95_ms: float
    max_ms: float
    turns: int
