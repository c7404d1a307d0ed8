"""Whole conversations as Alexa sends them, (a) through the Flask app over real HTTP and (b) through
`lambda_handler`: the same request envelopes, carrying the session attributes from each response to the
next request, and the same expectations.

Over HTTP a real server runs on 127.0.0.1 with request verification ON: every request is signed with a
certificate chain from a test CA made in this run (bench/alexa_ca.py), exactly as Alexa signs with Amazon's.

The person is a script: for each question (the open question's id, read from the session state) the
requests to send, in order; any question not in the script is answered "no". Every response is checked:
size under 24 KB, SSML speech, a reprompt while a question is open, shouldEndSession only at the end, the
outcome card at the end, the locale's emergency number.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import isodate
import pytest
import requests

from bench.alexa_ca import AlexaCA, post_signed, running_server
from intents import Heard
from skill.alexa import lambda_handler
from skill.dialogue import Dialogue
from skill.questions import by_id
from skill.web import create_app
from tests.alexa_requests import Session, resolved_slot, slot
from tests.vignette_player import answer_for, load_cases

MAX_RESPONSE_BYTES = 24 * 1024
MAX_SPEECH_CHARS = 8000
MAX_CARD_CHARS = 8000
NUMBERS = {"en-US": "911", "en-GB": "999", "en-AU": "000", "en-IN": "112"}

Send = Callable[[dict], dict]


@pytest.fixture(scope="module")
def http_url() -> Iterator[str]:
    ca = AlexaCA.create()
    with running_server(create_app(ca.config())) as url:
        yield url, ca


def _lambda_send(request: dict) -> dict:
    return lambda_handler(json.loads(json.dumps(request)), None)


@pytest.fixture(params=["lambda", "http"])
def send(request) -> Send:
    if request.param == "lambda":
        return _lambda_send
    url, ca = request.getfixturevalue("http_url")

    def over_http(envelope: dict) -> dict:
        reply = post_signed(url, ca, envelope)
        assert reply.status_code == 200, reply.text
        assert reply.headers["Content-Type"].startswith("application/json")
        assert len(reply.content) < MAX_RESPONSE_BYTES
        return reply.json()

    return over_http


# ---- requests the person makes ----------------------------------------------------------------------------

YES = ("AMAZON.YesIntent", [])
NO = ("AMAZON.NoIntent", [])
HELP = ("AMAZON.HelpIntent", [])
REPEAT = ("AMAZON.RepeatIntent", [])
FALLBACK = ("AMAZON.FallbackIntent", [])
WHY = ("WhyIntent", [])
STOP = ("AMAZON.StopIntent", [])
CANCEL = ("AMAZON.CancelIntent", [])


def side(value: str) -> tuple:
    return ("SideIntent", [resolved_slot("side", f"the {value} one", value, "LEG_SIDE")])


def lasted(iso: str) -> tuple:
    return ("DurationIntent", [slot("duration", iso)])


def emergency(symptom: str, spoken: str) -> tuple:
    return ("EmergencyIntent", [resolved_slot("symptom", spoken, symptom, "RED_FLAG_SYMPTOM")])


# ---- the conversation driver -------------------------------------------------------------------------------


@dataclass
class Conversation:
    """What came back, turn by turn."""

    responses: list[dict] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)

    @property
    def last(self) -> dict:
        return self.responses[-1]["response"]

    def speech(self, index: int = -1) -> str:
        return self.responses[index]["response"]["outputSpeech"]["ssml"]


def converse(send: Send, locale: str, script: dict[str, list[tuple]], max_turns: int = 120,
             default: tuple = NO) -> Conversation:
    """Launch, then answer each open question from the script (else `default`) until the session ends."""
    session, done = Session(locale=locale), Conversation()
    queued = {qid: list(requests_) for qid, requests_ in script.items()}
    request = session.launch()
    for _ in range(max_turns):
        response = session.absorb(send(request))
        check_response(response, locale)
        done.responses.append(response)
        if session.ended:
            return done
        qid = response["sessionAttributes"]["dialogue"]["open_question"]
        done.asked.append(qid)
        pending = queued.get(qid)
        request = session.intent(*(pending.pop(0) if pending else default))
    raise AssertionError(f"no end after {max_turns} turns; asked {done.asked}")


def check_response(response: dict, locale: str) -> None:
    """What every response must be, open or final."""
    assert len(json.dumps(response).encode("utf-8")) < MAX_RESPONSE_BYTES
    body = response["response"]
    ssml = body["outputSpeech"]["ssml"]
    assert body["outputSpeech"]["type"] == "SSML"
    assert re.fullmatch(r"<speak>.+</speak>", ssml, re.S) and ssml.count("<speak>") == 1
    assert len(ssml) <= MAX_SPEECH_CHARS
    if body["shouldEndSession"]:
        assert "reprompt" not in body
        assert not response.get("sessionAttributes"), "nothing about the person is kept after the end"
    else:
        assert body["reprompt"]["outputSpeech"]["ssml"].startswith("<speak>")
        assert response["sessionAttributes"]["dialogue"]["open_question"]
        assert "card" not in body


def check_end(done: Conversation, locale: str, level: str | None) -> dict:
    """The last response ends the session with the outcome card; the others kept it open."""
    assert [r["response"]["shouldEndSession"] for r in done.responses[:-1]] == [False] * (len(done.responses) - 1)
    assert done.last["shouldEndSession"] is True
    card = done.last["card"]
    assert card["type"] == "Simple"
    assert re.search(r"Outcome: (EMERGENCY|URGENT|ROUTINE|SELF_CARE)\b", card["content"])
    if level is not None:
        assert f"Outcome: {level}" in card["content"]
    assert "legcheck summary" in card["content"], "the clinician summary is on the card"
    assert NUMBERS[locale] in card["content"]
    assert len(card["title"]) + len(card["content"]) <= MAX_CARD_CHARS
    return card


def session_ended_is_answered(send: Send, locale: str, reason: str = "USER_INITIATED") -> None:
    response = send(Session(locale=locale).session_ended(reason))
    assert response["version"] == "1.0"
    assert "outputSpeech" not in response["response"]


# ---- the conversations -------------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", sorted(NUMBERS))
def test_emergency_with_help_fallback_and_repeat(send: Send, locale: str):
    script = {
        "red_flags_chest": [HELP, FALLBACK, REPEAT, NO],
        "red_flags_leg": [emergency("chest_pain", "my chest has gone tight")],
    }
    done = converse(send, locale, script)
    assert done.asked == ["red_flags_chest"] * 4 + ["red_flags_leg"]
    help_, fallback, repeat = (done.speech(i) for i in (1, 2, 3))
    assert "Answer yes or no" in help_ and "Sorry" in fallback
    assert done.speech(0).endswith(repeat.removeprefix("<speak>")), "repeat says the question again"
    card = check_end(done, locale, "EMERGENCY")
    assert f'<say-as interpret-as="digits">{NUMBERS[locale]}</say-as>' in done.speech()
    assert "Emergency" in card["title"]
    session_ended_is_answered(send, locale)


def test_dvt_signs_go_to_a_doctor_today(send: Send):
    script = {
        "swelling": [WHY, YES],
        "skin_or_vein": [YES],
        "warmth": [YES],
        "duration": [lasted("P2D")],
        "side": [side("left")],
        "risk_recent": [YES],
        "long_travel": [YES],
    }
    done = converse(send, "en-GB", script)
    assert "swelling" in done.asked
    assert "I ask because" in done.speech(done.asked.index("swelling") + 1), "why explains, then asks again"
    check_end(done, "en-GB", "URGENT")
    assert "today" in done.speech()


def test_cramp_is_self_care(send: Send):
    script = {
        "duration": [REPEAT, lasted("PT3M")],
        "side": [side("right")],
        "eases_with_stretch_or_walking": [YES],
    }
    done = converse(send, "en-US", script)
    assert "duration" in done.asked and "side" in done.asked
    card = check_end(done, "en-US", "SELF_CARE")
    assert "cramp" in card["content"].lower()
    assert "stretch" in done.speech().lower()


def test_not_understood_twice_is_never_taken_as_no(send: Send):
    """Two fallbacks on the grouped red-flag question record 'unknown', and each sign is then asked alone."""
    script = {
        "red_flags_chest": [FALLBACK, FALLBACK],
        "duration": [lasted("PT3M")],
        "side": [side("both")],
        "eases_with_stretch_or_walking": [YES],
    }
    done = converse(send, "en-US", script)
    assert done.asked[:3] == ["red_flags_chest", "red_flags_chest", "breathless"]
    assert "coughed up blood? -> unknown" in done.last["card"]["content"]


@pytest.mark.parametrize("stop", [STOP, CANCEL], ids=["stop", "cancel"])
def test_stop_part_way_ends_safely(send: Send, stop: tuple):
    done = converse(send, "en-IN", {"swelling": [stop]})
    assert done.asked[-1] == "swelling"
    assert done.last["shouldEndSession"] is True
    assert "cannot say it is only a cramp" in done.speech()
    assert '<say-as interpret-as="digits">112</say-as>' in done.speech()
    session_ended_is_answered(send, "en-IN", "EXCEEDED_MAX_REPROMPTS")


def test_go_back_and_a_spoken_correction(send: Send):
    """"Go back" reopens the last question; "sorry, I meant yes" on the next one corrects that answer."""
    meant_yes = ("BackIntent", [resolved_slot("answer", "sorry i meant yes", "yes", "CORRECTED_ANSWER")])
    script = {"red_flags_chest": [NO, NO], "red_flags_leg": [("BackIntent", []), meant_yes]}
    done = converse(send, "en-GB", script)
    assert done.asked == ["red_flags_chest", "red_flags_leg", "red_flags_chest", "red_flags_leg"]
    check_end(done, "en-GB", "EMERGENCY")


def test_start_over_begins_again(send: Send):
    script = {"swelling": [("AMAZON.StartOverIntent", [])], "red_flags_chest": [NO, emergency(
        "breathless", "i can't catch my breath")]}
    done = converse(send, "en-US", script)
    assert done.asked.count("red_flags_chest") == 2
    check_end(done, "en-US", "EMERGENCY")


@pytest.mark.parametrize("answer", [("DontKnowIntent", []), FALLBACK], ids=["dont-know", "not-understood"])
def test_unknown_or_not_understood_answers_never_end_reassuring(send: Send, answer: tuple):
    """Every answer "I don't know", or never understood: recorded as unknown, and the outcome is not reassuring.
    (The longest conversations, up to twenty questions, are the vignettes below; every response of every
    conversation here is checked against the 24 KB limit.)"""
    done = converse(send, "en-GB", {}, default=answer)
    card = check_end(done, "en-GB", None)
    assert "unknown" in card["content"]
    assert "Outcome: SELF_CARE" not in card["content"] and "Outcome: ROUTINE" not in card["content"]


def test_http_session_ended_and_bad_requests_never_give_5xx(http_url):
    url, ca = http_url
    reply = post_signed(url, ca, Session().session_ended("ERROR"))
    assert reply.status_code == 200 and "outputSpeech" not in reply.json()["response"]
    unsigned = requests.post(url, json=Session().launch(), timeout=10)
    assert unsigned.status_code == 400


# ---- every clinical vignette: Alexa and the dialogue itself ask the same questions and reach the same level ----

CASES = load_cases()
_INTENT_FOR = {"yes": "Yes", "no": "No", "I don't know": "DontKnow"}
_ALEXA_FOR = {"Yes": "AMAZON.YesIntent", "No": "AMAZON.NoIntent", "DontKnow": "DontKnowIntent"}


def _answer(case, ask_kind: str, findings: tuple[str, ...], values: bool) -> Heard:
    """What the person means, as the dialogue hears it: yes / no / don't know, or the side or duration."""
    name = {"side": "side", "duration": "duration_minutes"}.get(ask_kind)
    value = case.findings.get(name) if (values and name) else None
    if value is not None and value != "unknown":
        if ask_kind == "side":
            return Heard("", "Side", {"side": value}, 1.0)
        return Heard("", "Duration", {"minutes": float(value)}, 1.0)
    return Heard("", _INTENT_FOR[answer_for(case.findings, findings)], {}, 1.0)


def _as_alexa(heard: Heard) -> tuple:
    if heard.intent == "Side":
        return side(heard.slots["side"])
    if heard.intent == "Duration":
        return lasted(isodate.duration_isoformat(timedelta(minutes=heard.slots["minutes"])))
    return (_ALEXA_FOR[heard.intent], [])


def _direct(case, values: bool) -> tuple[list[str], str]:
    dialogue = Dialogue(locale="en-US")
    turn, asked = dialogue.start(), []
    while not turn.finished:
        ask = turn.open_question
        asked.append(ask.question)
        turn = dialogue.respond(turn.state, _answer(case, ask.kind, ask.findings, values))
    return asked, turn.result.level


def _over_alexa(send: Send, case, values: bool) -> tuple[list[str], str]:
    session = Session(locale="en-US")
    response, asked = session.absorb(send(session.launch())), []
    while not session.ended:
        check_response(response, "en-US")
        state = response["sessionAttributes"]["dialogue"]
        question = by_id(state["open_question"])
        asked.append(question.id)
        heard = _answer(case, question.kind, question.findings, values)
        response = session.absorb(send(session.intent(*_as_alexa(heard))))
    level = re.search(r"Outcome: (\w+)", response["response"]["card"]["content"]).group(1)
    return asked, level


@pytest.mark.slow
@pytest.mark.parametrize("values", [False, True], ids=["yes-no", "values"])
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_vignette_over_alexa_is_the_same_conversation(case, values: bool):
    """The Alexa layer adds nothing and loses nothing: same questions, same outcome as the dialogue itself."""
    assert _over_alexa(_lambda_send, case, values) == _direct(case, values)
