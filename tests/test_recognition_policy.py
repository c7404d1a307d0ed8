"""The one recognition policy (skill.hearing.decide) for every engine: engines report hypotheses, the policy
accepts, rejects or asks to confirm. Hypotheses are written here by hand, with each engine's own measured
thresholds, so the rules are tested apart from any acoustics (the engines themselves are tested on audio
in test_recognizers.py and test_vosk.py)."""

from __future__ import annotations

import pytest

from intents import Heard
from skill.dialogue import Dialogue
from skill.hearing import decide, heard_from
from speech.pocketsphinx_engine import THRESHOLDS as POCKETSPHINX
from speech.recognizer import Alternative, Hypothesis, Thresholds
from speech.vosk_engine import THRESHOLDS as VOSK

ENGINES = pytest.mark.parametrize("limits", [POCKETSPHINX, VOSK], ids=["pocketsphinx", "vosk"])


@ENGINES
def test_only_a_complete_phrase_is_accepted(limits):
    assert decide(Hypothesis("yes it", 0.99, False, thresholds=limits), "yes_no").action == "reject"
    assert decide(Hypothesis("yes it is", 0.99, True, thresholds=limits), "yes_no").action == "accept"


@ENGINES
def test_a_no_needs_more_confidence_than_other_answers(limits):
    between = (limits.accept + limits.no_accept) / 2
    assert limits.no_accept > limits.accept
    assert decide(Hypothesis("yes", between, True, thresholds=limits), "yes_no").action == "accept"
    assert decide(Hypothesis("no", between, True, thresholds=limits), "yes_no").action == "reject"
    assert decide(Hypothesis("no", limits.no_accept, True, thresholds=limits), "yes_no").action == "accept"
    below = limits.accept - 0.05
    assert decide(Hypothesis("yes", below, True, thresholds=limits), "yes_no").action == "reject"


def test_an_emergency_phrase_close_behind_the_best_wins():
    close = Alternative("i can't breathe", 0.7, POCKETSPHINX.emergency_margin - 0.5)
    far = Alternative("i can't breathe", 0.7, POCKETSPHINX.emergency_margin + 0.5)
    won = decide(Hypothesis("no", 0.95, True, (close,), POCKETSPHINX), "yes_no")
    assert (won.action, won.text, won.confidence) == ("accept", "i can't breathe", 0.7)
    lost = decide(Hypothesis("no", 0.95, True, (far,), POCKETSPHINX), "yes_no")
    assert (lost.action, lost.text) == ("accept", "no")


def test_a_no_with_a_close_rival_of_another_intent_is_not_trusted():
    rival = Alternative("yes it is", 0.9, POCKETSPHINX.no_margin / 2)
    assert decide(Hypothesis("no", 0.97, True, (rival,), POCKETSPHINX), "yes_no").action == "reject"
    same = Alternative("no it isn't", 0.9, POCKETSPHINX.no_margin / 2)
    assert decide(Hypothesis("no", 0.97, True, (same,), POCKETSPHINX), "yes_no").action == "accept"


@ENGINES
def test_a_red_flag_in_a_rejected_answer_is_confirmed_not_dropped(limits):
    for hypothesis in (Hypothesis("i can't breathe", limits.accept / 2, True, thresholds=limits),
                       Hypothesis("i have chest pain", 0.0, False, thresholds=limits)):
        decision = decide(hypothesis, "yes_no")
        assert decision.action == "confirm" and decision.finding in ("breathless", "chest_pain")
        heard = heard_from(hypothesis, "yes_no")
        assert heard.intent is None and not heard.text and heard.slots["confirm"] == decision.finding


def test_the_dialogue_checks_a_confirmed_red_flag_in_one_line_and_takes_its_answer():
    dialogue = Dialogue("en-GB")
    turn = dialogue.start()
    turn = dialogue.respond(turn.state, heard_from(Hypothesis("no", 0.95, True, thresholds=POCKETSPHINX), "yes_no"))
    assert turn.open_question.question == "red_flags_leg"
    unsure = heard_from(Hypothesis("i can't breathe", 0.3, True, thresholds=POCKETSPHINX), "yes_no")
    turn = dialogue.respond(turn.state, unsure)
    assert turn.open_question.question == "breathless"
    assert turn.events[-1].text.startswith("Did you say")
    turn = dialogue.respond(turn.state, Heard("yes", "Yes", {}, 1.0))
    assert turn.result.level == "EMERGENCY"


def test_a_grammar_that_is_not_a_question_kind_gets_the_plain_threshold():
    digits = Thresholds(accept=0.5, no_accept=0.9)
    assert decide(Hypothesis("seven", 0.6, True, thresholds=digits), "digits").action == "accept"
    assert decide(Hypothesis("seven", 0.4, True, thresholds=digits), "digits").action == "reject"
