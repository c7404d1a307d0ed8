"""Natural answers (issue 12): the labelled corpus, and the properties that keep the findings reader safe.

The corpus (tests/data/nlu_corpus/) was written by helpers who never saw the code, each reply labelled with
what a careful nurse would record. Each reply is given to the real matcher and dialogue with its question
open and judged right / safe (asked again, or read more cautiously) / unsafe (bench/nlu.py: judge).
"""

from __future__ import annotations

from collections import Counter

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.nlu import CORPUS, HELD_OUT, RIGHT, UNSAFE, judge, load
from bench.vignettes import load_cases, load_phrasings, play_in_words
from intents import match
from skill.dialogue import Dialogue
from skill.questions import QUESTIONS, by_id
from skill.state import RED_FLAGS, DialogueState
from triage import FINDINGS, Level, evaluate
from triage.rules import RULES

REPLIES = load()
HELD_OUT_REPLIES = load(HELD_OUT)
FIRST_MEASURED_RIGHT = {"corpus": 1324, "held out": 346}
"""bench/RESULTS.md, "Natural answers corpus": right when this test was written (of 1661 and 455); the held-out
figure is its first measurement, before the two fixes it prompted."""


def test_the_corpus_is_large_and_spans_every_question_and_finding():
    assert len(REPLIES) >= 1500
    assert {reply["question"] for reply in REPLIES} == {question.id for question in QUESTIONS}
    for reply in REPLIES:
        assert str(reply["text"]).strip(), reply
        assert str(reply["answer"]).lower() in ("yes", "no", "unknown", "true", "false"), reply
        assert set(reply.get("volunteered") or {}) <= set(FINDINGS), reply
    volunteered = Counter(name for reply in REPLIES for name in (reply.get("volunteered") or {}))
    assert len(volunteered) >= 30  # volunteered findings of most kinds, red flags among them
    assert sum(1 for reply in REPLIES if reply.get("emergency")) >= 200


@pytest.mark.parametrize("name", ["corpus", "held out"])
def test_no_reply_is_read_unsafely(name):
    """Target: 0 unsafe (a no for a yes or a "not sure", a red flag not heard)."""
    replies = REPLIES if name == "corpus" else HELD_OUT_REPLIES
    unsafe = [(reply["question"], reply["text"], judged.why) for reply in replies
              if (judged := judge(reply)).verdict == UNSAFE]
    assert unsafe == []


@pytest.mark.parametrize("name", ["corpus", "held out"])
def test_the_replies_are_recorded_at_least_as_well_as_first_measured(name):
    replies = REPLIES if name == "corpus" else HELD_OUT_REPLIES
    right = sum(judge(reply).verdict == RIGHT for reply in replies)
    print(f"natural answers, {name}: {right}/{len(replies)} right")
    assert right >= FIRST_MEASURED_RIGHT[name]


def test_every_volunteered_red_flag_is_heard():
    missed = [reply["text"] for reply in REPLIES
              if set(reply.get("volunteered") or {}) & set(RED_FLAGS) and reply.get("emergency")
              and judge(reply).why.startswith("red flag not heard")]
    assert missed == []


# ---- properties -------------------------------------------------------------------------------------------

# Written for this test from ../shared/GUIDANCE.md, not taken from the lexicon: each says a red flag.
RED_FLAG_PHRASES = [
    "and I can't breathe", "but I'm really short of breath", "also my chest hurts", "and I coughed up blood",
    "and I fainted earlier", "my heart is racing", "and my foot has gone cold and blue",
    "and I suddenly can't move my foot at all", "please call an ambulance", "and there's a tight pain in my chest",
]
_DIALOGUE = Dialogue("en-GB")


def _after(question: str, text: str):
    state = DialogueState("en-GB", _DIALOGUE.number, asked=(question,), open_question=question)
    return _DIALOGUE.respond(state, match(text, by_id(question).kind)).state


def _emergency(state) -> bool:
    return evaluate(state.findings).floor is Level.EMERGENCY


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(REPLIES), st.sampled_from(RED_FLAG_PHRASES), st.sampled_from([", ", ". ", " "]))
def test_any_reply_with_a_red_flag_added_is_an_emergency(reply, phrase, joint):
    assert _emergency(_after(reply["question"], f"{reply['text']}{joint}{phrase}"))


REASSURING = sorted({name for rule in RULES for name in rule.none} & {q.findings[0] for q in QUESTIONS
                                                                       if len(q.findings) == 1 and q.kind == "yes_no"})
"""Findings whose yes can lower the level and that a yes/no question asks alone (one_sided is the side
question's: tests/test_intents.py and test_dialogue.py cover its sides)."""
# How people deny the reassuring findings (their yes can lower the level): written for this test.
DENIALS = {
    "eases_with_stretch_or_walking": ["stretching doesn't help", "it doesn't ease when I walk about",
                                      "no, walking it off does nothing", "it won't ease however I stretch"],
    "pain_from_back": ["it doesn't come from my back", "no, my back is fine", "not from my back or bum"],
    "after_injury": ["no injury", "I didn't fall or knock it", "no, nothing happened to it"],
}
PREFIXES = ["", "no, ", "um ", "well ", "honestly "]


def test_every_reassuring_question_has_denials_to_try():
    assert set(REASSURING) <= set(DENIALS)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(DENIALS)), st.data())
def test_a_denied_reassuring_finding_is_never_recorded_as_present(finding, data):
    """Negating a finding's phrase never records it present in the direction that lowers the level."""
    question = next(q.id for q in QUESTIONS if q.findings == (finding,))
    text = data.draw(st.sampled_from(PREFIXES)) + data.draw(st.sampled_from(DENIALS[finding]))
    assert _after(question, text).answers.get(question) != "yes"


# Findings said out of turn, in words written for this test: none of them can lower the level.
VOLUNTEERED = [
    "my calf is swollen", "the skin is red and warm", "I had an operation two weeks ago", "I'm on the pill",
    "I flew back from Australia last week", "I had a clot before", "I'm 72", "I smoke", "I'm pregnant",
    "it's getting worse and worse", "I've got a new cough", "I've been stuck in bed for a week",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(REPLIES), st.sampled_from(VOLUNTEERED))
def test_volunteered_findings_never_lower_the_level(reply, volunteered):
    plain = evaluate(_after(reply["question"], str(reply["text"])).findings)
    more = evaluate(_after(reply["question"], f"{reply['text']}, and {volunteered}").findings)
    assert more.level >= plain.level and more.floor >= plain.floor


@pytest.mark.parametrize("name", sorted(path.name for path in CORPUS.glob("*.yaml")))
def test_each_corpus_file_names_who_wrote_it(name):
    first = (CORPUS / name).read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("#") and yaml.safe_load((CORPUS / name).read_text(encoding="utf-8"))["replies"]


# ---- the vignettes, answered in natural words ---------------------------------------------------------------

CASES = load_cases()
PHRASINGS = load_phrasings()
VARIANTS = 4
"""Each case is played four times, each answer taking the next phrasing of its list each time."""


def test_there_are_several_phrasings_of_every_answer_to_every_question():
    assert set(PHRASINGS) == {question.id for question in QUESTIONS}
    for qid, answers in PHRASINGS.items():
        assert len(answers.get("yes", [])) >= 3 and len(answers.get("no", [])) >= 3, qid
        assert answers.get("unknown"), qid


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_each_vignette_reaches_its_level_with_natural_answers(case):
    for variant in range(VARIANTS):
        played = play_in_words(case, PHRASINGS, variant)
        assert played.level == case.expected, (variant, played.said)


def _respond(question: str, text: str):
    state = DialogueState("en-GB", _DIALOGUE.number, asked=(question,), open_question=question)
    return _DIALOGUE.respond(state, match(text, by_id(question).kind))


def test_an_answer_not_understood_is_said_back_when_it_names_something():
    """Issue 12.4: "no cough" to the swelling question says what was heard and asks again; twice is "not
    sure", never a no."""
    turn = _respond("swelling", "no cough")
    says = [event for event in turn.events if type(event).__name__ == "Say"]
    assert [say.key for say in says] == ["heard_other"] and '"no cough"' in says[0].text
    assert turn.state.open_question == "swelling" and "swelling" not in turn.state.answers
    again = _DIALOGUE.respond(turn.state, match("no cough", "yes_no"))
    assert again.state.answers["swelling"] == "unknown"


def test_an_answer_with_no_word_the_product_knows_is_not_said_back():
    turn = _respond("swelling", "banana bread recipe")
    assert [event.key for event in turn.events if type(event).__name__ == "Say"] == ["not_understood"]
