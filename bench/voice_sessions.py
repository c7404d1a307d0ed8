"""Spoken triage sessions: one recording of all the answers of a session (`session_wav`), shared by the voice
tests and bench/voice_latency.py.

The tests take their sessions and every expectation (questions, intents, level) from the golden conversations
(tests/data/golden_conversations.yaml, read by tests/golden.py, which builds the `Step`s). The latency bench
only needs answers that lead somewhere plausible: `plan` gives it the question order of its `CASES` from a
typed run of the same dialogue, which is fine for timing but is no expectation (bench/ imports nothing from
tests/)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.speech_audio import RATE, SpeechClips, add_noise, dither, write_wav
from intents import match
from skill.dialogue import Dialogue

GAP_S = 1.2
"""Silence after each answer: longer than the endpointer's 600 ms trailing silence."""

CASES: dict[str, tuple[dict[str, str], str]] = {
    # case: (answer per question id, anything else a "no" that fits the question), expected level
    "emergency": ({"red_flags_chest": "yes i am"}, "EMERGENCY"),
    "emergency_phrase": ({"red_flags_leg": "i can't breathe"}, "EMERGENCY"),
    "dvt": ({"swelling": "yes it is"}, "URGENT"),
    "cramp": ({"side": "yes it is", "eases_with_stretch_or_walking": "yes it does"}, "SELF_CARE"),
}
NO_BY_OPENING = {"are": "no i'm not", "do": "no i don't"}
"""Whole answers, as people give them; a bare "no" for the other questions."""


def _no_for(question_text: str) -> str:
    return NO_BY_OPENING.get(question_text.split()[0].lower(), "no")


@dataclass(frozen=True)
class Step:
    """One spoken answer: the question open when it is said, its kind, the words, the intent meant."""

    question: str
    kind: str
    answer: str
    intent: str | None


def plan(case: str) -> tuple[list[Step], str]:
    """The questions the dialogue asks for this bench case, with the answer to each (typed run; the bench
    only, see the module docstring)."""
    answers, level = CASES[case]
    dialogue = Dialogue("en-US")
    turn = dialogue.start()
    steps = []
    while not turn.finished:
        question = turn.open_question
        answer = answers.get(question.question) or _no_for(question.text)
        heard = match(answer, question.kind)
        steps.append(Step(question.question, question.kind, answer, heard.intent))
        turn = dialogue.respond(turn.state, heard)
    assert turn.result.level == level, f"typed run of {case} gave {turn.result.level}"
    return steps, level


def session_wav(clips: SpeechClips, steps: list[Step], path: Path, voice: str = "flite:slt",
                snr_db: float = 20, seed: int = 0) -> Path:
    """All the answers (`step.answer`) in order, each followed by silence, with dither and pink noise."""
    parts = [np.zeros(int(0.5 * RATE))]
    for step in steps:
        parts += [clips.clean(step.answer, voice), np.zeros(int(GAP_S * RATE))]
    samples = add_noise(dither(np.concatenate(parts), seed), snr_db, "pink", seed)
    return write_wav(path, samples)
