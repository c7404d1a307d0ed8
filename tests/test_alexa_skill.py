"""The Alexa layer on its own terms: request -> Heard mapping, rendering rules, errors, logs.

Everything goes through the real skill (`skill.alexa.lambda_handler`, the real dialogue) or the real SDK
deserializer; nothing of ours is replaced.
"""

from __future__ import annotations

import json
import logging

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.alexa import duration_minutes, heard_from_intent, lambda_handler
from tests.alexa_requests import Session, resolved_slot, slot, unresolved_slot

MAX_RESPONSE_BYTES = 24 * 1024
SSML_NUMBER = '<say-as interpret-as="digits">{}</say-as>'


def send(session: Session, request: dict) -> dict:
    """One request through the Lambda entry point, as AWS would call it; the session keeps the attributes."""
    return session.absorb(lambda_handler(json.loads(json.dumps(request)), None))


def speech(response: dict) -> str:
    return response["response"]["outputSpeech"]["ssml"]


def intent_of(request: dict):
    envelope = DefaultSerializer().deserialize(json.dumps(request), RequestEnvelope)
    return envelope.request.intent


def started(locale: str = "en-US") -> tuple[Session, dict]:
    session = Session(locale=locale)
    return session, send(session, session.launch())


# ---- durations and slots --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "minutes"),
    [("PT20M", 20.0), ("PT1H30M", 90.0), ("P2D", 2880.0), ("P1W", 10080.0), ("PT0.5H", 30.0), ("PT45S", 0.75)],
)
def test_alexa_durations_become_minutes(value: str, minutes: float):
    assert duration_minutes(value) == pytest.approx(minutes)


def test_month_durations_are_read_from_the_calendar():
    assert 40_000 < duration_minutes("P1M") < 46_000


@pytest.mark.parametrize("value", [None, "", "PT?M", "P?D", "twenty minutes", "20"])
def test_unusable_durations_give_nothing(value):
    assert duration_minutes(value) is None


def _heard(name: str, slots: list | None = None):
    return heard_from_intent(intent_of(Session().intent(name, slots)))


@pytest.mark.parametrize(
    ("alexa", "ours"),
    [
        ("AMAZON.YesIntent", "Yes"),
        ("AMAZON.NoIntent", "No"),
        ("AMAZON.HelpIntent", "Help"),
        ("AMAZON.StopIntent", "Stop"),
        ("AMAZON.CancelIntent", "Stop"),
        ("AMAZON.NavigateHomeIntent", "Stop"),
        ("AMAZON.RepeatIntent", "Repeat"),
        ("AMAZON.StartOverIntent", "StartOver"),
        ("DontKnowIntent", "DontKnow"),
        ("WhyIntent", "Why"),
        ("BackIntent", "Back"),
        ("EmergencyIntent", "Emergency"),
    ],
)
def test_intents_map_to_ours(alexa: str, ours: str):
    heard = _heard(alexa)
    assert (heard.intent, heard.slots) == (ours, {})


@pytest.mark.parametrize("alexa", ["AMAZON.FallbackIntent", "AMAZON.PauseIntent", "MadeUpIntent", "Intent", ""])
def test_fallback_and_unknown_intents_are_not_understood(alexa: str):
    heard = _heard(alexa)
    assert (heard.intent, heard.slots, heard.confidence) == (None, {}, 0.0)


def test_custom_slots_give_our_ids():
    side = _heard("SideIntent", [resolved_slot("side", "the left one", "left", "LEG_SIDE")])
    assert (side.intent, side.slots) == ("Side", {"side": "left"})
    where = _heard("LocationIntent", [resolved_slot("location", "shin", "calf", "LEG_LOCATION"),
                                      resolved_slot("side", "right", "right", "LEG_SIDE")])
    assert (where.intent, where.slots) == ("Location", {"location": "calf", "side": "right"})
    sign = _heard("EmergencyIntent", [resolved_slot("symptom", "i can't breathe", "breathless", "RED_FLAG_SYMPTOM")])
    assert (sign.intent, sign.slots) == ("Emergency", {"symptom": "breathless"})


def test_value_slots_give_minutes_and_numbers():
    assert _heard("DurationIntent", [slot("duration", "PT20M")]).slots == {"minutes": 20.0}
    assert _heard("DurationIntent", [resolved_slot("fixed_duration", "half an hour", "1800", "DURATION_PHRASE")]
                  ).slots == {"minutes": 30.0}
    assert _heard("DurationIntent", [resolved_slot("since_when", "since last night", "28800", "SINCE_WHEN")]
                  ).slots == {"minutes": 480.0}
    assert _heard("NumberIntent", [slot("number", "67")]).slots == {"number": 67}


def test_a_duration_said_with_a_comparative_keeps_it():
    """Issue 10.1: "over {duration}" arrived as PT10M alone, and was read as exactly ten minutes."""
    over = _heard("DurationIntent", [resolved_slot("bound", "over", "more", "DURATION_BOUND"),
                                     slot("duration", "PT10M")])
    assert over.slots == {"minutes": 10.0, "bound": "more"}
    under = _heard("DurationIntent", [resolved_slot("bound", "under", "less", "DURATION_BOUND"),
                                      slot("duration", "PT1H")])
    assert under.slots == {"minutes": 60.0, "bound": "less"}


def test_the_interaction_model_carries_the_comparative_of_a_duration():
    from intents import load_intents
    from intents.alexa import interaction_model

    model = interaction_model(load_intents())["interactionModel"]["languageModel"]
    duration = next(intent for intent in model["intents"] if intent["name"] == "DurationIntent")
    assert "{bound} {duration}" in duration["samples"]
    bounds = next(kind for kind in model["types"] if kind["name"] == "DURATION_BOUND")
    ids = {value["id"]: {value["name"]["value"], *value["name"].get("synonyms", [])} for value in bounds["values"]}
    assert "over" in ids["more"] and "under" in ids["less"]


def test_a_value_intent_without_its_value_is_not_understood():
    """Alexa fills a slot with '?' or nothing when it did not get it: ask again, never guess."""
    assert _heard("SideIntent", [unresolved_slot("side", "the middle one", "LEG_SIDE")]).intent is None
    assert _heard("NumberIntent", [slot("number", "?")]).intent is None
    assert _heard("DurationIntent", [slot("duration", None)]).intent is None


def test_an_emergency_without_a_resolved_symptom_is_still_an_emergency():
    heard = _heard("EmergencyIntent", [unresolved_slot("symptom", "something awful", "RED_FLAG_SYMPTOM")])
    assert (heard.intent, heard.slots) == ("Emergency", {})


# ---- rendering ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("locale", "number"), [("en-US", "911"), ("en-GB", "999"), ("en-AU", "000"),
                                                ("en-IN", "112"), ("fr-FR", "112")])
def test_the_request_locale_picks_the_emergency_number(locale: str, number: str):
    _, response = started(locale)
    assert SSML_NUMBER.format(number) in speech(response)


def test_launch_asks_with_ssml_and_a_reprompt_and_keeps_the_session_open():
    _, response = started()
    body = response["response"]
    assert body["outputSpeech"]["type"] == "SSML"
    assert speech(response).startswith("<speak>") and speech(response).endswith("</speak>")
    assert speech(response).count("<speak>") == 1
    assert body["reprompt"]["outputSpeech"]["ssml"].startswith("<speak>")
    assert body["shouldEndSession"] is False
    assert "card" not in body
    assert response["sessionAttributes"]["dialogue"]["open_question"]


def test_state_lives_only_in_the_session_attributes():
    """Two sessions interleaved on one skill stay apart: nothing is kept between requests."""
    first, second = Session(), Session()
    send(first, first.launch())
    send(second, second.launch())
    after_no = send(first, first.intent("AMAZON.NoIntent"))
    repeated = send(second, second.intent("AMAZON.RepeatIntent"))
    opened = [reply["sessionAttributes"]["dialogue"]["open_question"] for reply in (after_no, repeated)]
    assert opened[0] != opened[1]


def test_a_first_request_without_launch_starts_the_conversation():
    session = Session()
    response = send(session, session.intent("AMAZON.YesIntent"))
    assert response["response"]["shouldEndSession"] is False
    state = response["sessionAttributes"]["dialogue"]
    assert state["answers"] == {}, "a yes before any question must not answer one"


def test_a_first_request_with_an_emergency_ends_in_the_emergency_advice():
    session = Session(locale="en-GB")
    response = send(session, session.intent(
        "EmergencyIntent", [resolved_slot("symptom", "my chest hurts", "chest_pain", "RED_FLAG_SYMPTOM")]))
    assert response["response"]["shouldEndSession"] is True
    assert SSML_NUMBER.format("999") in speech(response)
    assert "EMERGENCY" in response["response"]["card"]["content"]


def test_a_check_stopped_early_shows_the_stop_advice_on_the_card_not_the_cautious_levels():
    """Found by the golden conversations: "no" then "stop" showed the card "Emergency: call for help now /
    Call 999 now and ask for an ambulance", while the speech said the check could not be finished."""
    session, _ = started("en-GB")
    send(session, session.intent("AMAZON.NoIntent"))
    response = send(session, session.intent("AMAZON.StopIntent"))
    card = response["response"]["card"]
    assert card["title"] == "The check was not finished."
    assert "ambulance" not in card["content"] and "could not finish the check" in card["content"]
    assert "999" in card["content"] and response["response"]["shouldEndSession"] is True


@pytest.mark.parametrize("reason", ["USER_INITIATED", "EXCEEDED_MAX_REPROMPTS", "ERROR"])
def test_session_ended_is_always_answered_without_speech(reason: str):
    session, _ = started()
    response = lambda_handler(session.session_ended(reason), None)
    assert response["version"] == "1.0"
    assert "outputSpeech" not in response["response"]
    assert len(json.dumps(response)) < MAX_RESPONSE_BYTES


def test_an_exception_report_from_alexa_is_answered_without_speech():
    session, _ = started()
    request = session.session_ended()
    request["request"] = {"type": "System.ExceptionEncountered", "requestId": "amzn1.echo-api.request.1",
                          "timestamp": request["request"]["timestamp"], "locale": "en-US",
                          "error": {"type": "INVALID_RESPONSE", "message": "test"},
                          "cause": {"requestId": "amzn1.echo-api.request.0"}}
    response = lambda_handler(request, None)
    assert "outputSpeech" not in response["response"]


# ---- failures ------------------------------------------------------------------------------------------------


def test_a_state_that_does_not_validate_starts_a_new_conversation():
    """Issue 10.6: a state that does not validate is a new conversation with a clean reply (it used to end
    the session with an apology)."""
    session, response = started("en-AU")
    session.attributes = {"dialogue": {**response["sessionAttributes"]["dialogue"], "version": 999}}
    reply = send(session, session.intent("AMAZON.NoIntent"))
    assert reply["response"]["shouldEndSession"] is False
    assert SSML_NUMBER.format("000") in speech(reply)
    assert "something went wrong" not in speech(reply)
    assert reply["sessionAttributes"]["dialogue"]["answers"] == {}


def test_a_crafted_finished_state_with_a_crafted_number_still_gets_the_emergency_advice():
    """Issue 10.6: "the check is finished" plus "I can't breathe" gave no advice, and the number came from the
    state. Now the emergency is answered whatever the state says, with the locale's number."""
    session, response = started("en-GB")
    state = response["sessionAttributes"]["dialogue"]
    session.attributes = {"dialogue": {**state, "finished": True, "open_question": None, "number": "0800 PIZZA"}}
    reply = send(session, session.intent(
        "EmergencyIntent", [resolved_slot("symptom", "i can't breathe", "breathless", "RED_FLAG_SYMPTOM")]))
    assert SSML_NUMBER.format("999") in speech(reply)
    assert "PIZZA" not in speech(reply) and "The check is finished" not in speech(reply)
    assert reply["response"]["shouldEndSession"] is True


def test_a_failure_after_an_emergency_sign_still_gives_the_emergency_advice():
    """Safety rule 5: the state shows a volunteered red flag, then the step fails: the advice still goes out."""
    session, response = started("en-GB")
    state = response["sessionAttributes"]["dialogue"]
    session.attributes = {"dialogue": {**state, "version": 999, "said_findings": {"breathless": "yes"}}}
    reply = send(session, session.intent("AMAZON.NoIntent"))
    assert reply["response"]["shouldEndSession"] is True
    assert SSML_NUMBER.format("999") in speech(reply)
    assert "cannot say it is only a cramp" not in speech(reply)


def test_an_emergency_heard_in_the_failing_request_still_gives_the_advice():
    session, response = started("en-US")
    session.attributes = {"dialogue": {**response["sessionAttributes"]["dialogue"], "version": 999}}
    reply = send(session, session.intent(
        "EmergencyIntent", [resolved_slot("symptom", "i coughed up blood", "coughing_blood", "RED_FLAG_SYMPTOM")]))
    assert SSML_NUMBER.format("911") in speech(reply)
    assert "cannot say it is only a cramp" not in speech(reply)


def test_a_request_outside_a_session_is_still_answered():
    request = Session().launch()
    del request["session"]
    response = lambda_handler(request, None)
    assert response["response"]["outputSpeech"]["ssml"].startswith("<speak>")
    assert "sessionAttributes" not in response or not response["sessionAttributes"]


def test_garbage_session_attributes_do_not_crash():
    session, _ = started()
    session.attributes = {"dialogue": "not a state"}
    reply = send(session, session.intent("AMAZON.YesIntent"))
    assert reply["response"]["outputSpeech"]["ssml"]


# ---- logs ---------------------------------------------------------------------------------------------------


def test_logs_name_intent_and_outcome_but_not_what_was_said(caplog):
    caplog.set_level(logging.DEBUG)
    session, _ = started()
    send(session, session.intent("LocationIntent", [resolved_slot("location", "my swollen shin", "calf",
                                                                  "LEG_LOCATION")]))
    send(session, session.intent("EmergencyIntent", [resolved_slot("symptom", "crushing pain in my chest",
                                                                    "chest_pain", "RED_FLAG_SYMPTOM")]))
    logged = "\n".join(record.getMessage() for record in caplog.records if record.name.startswith("skill.alexa"))
    assert "intent=LocationIntent" in logged and "intent=EmergencyIntent" in logged
    assert "finished:EMERGENCY" in logged
    everything = "\n".join(record.getMessage() for record in caplog.records)
    for private in ("swollen shin", "crushing pain", session.session_id, session.user_id):
        assert private not in everything


# ---- anything Alexa may send in an intent: always a spoken answer, never an exception ------------------------

_NAMES = st.sampled_from(["AMAZON.YesIntent", "AMAZON.FallbackIntent", "SideIntent", "LocationIntent",
                          "DurationIntent", "NumberIntent", "EmergencyIntent", "BackIntent", "WhyIntent"])
_SLOT_NAMES = st.sampled_from(["side", "location", "symptom", "answer", "duration", "number", "fixed_duration",
                               "since_when", "brief", "other"])
_TEXT = st.text(max_size=30)


@st.composite
def _any_slot(draw) -> dict:
    name = draw(_SLOT_NAMES)
    value = draw(st.one_of(st.none(), _TEXT, st.sampled_from(["PT20M", "P2D", "?", "67", "-3", "PT-5M"])))
    if draw(st.booleans()):
        return resolved_slot(name, value or "x", draw(st.one_of(_TEXT, st.sampled_from(["left", "calf", "1800"]))),
                             "ANY_TYPE")
    return slot(name, value)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.one_of(_NAMES, _TEXT), slots=st.lists(_any_slot(), max_size=3), opened=st.booleans())
def test_any_intent_gets_a_spoken_answer(name: str, slots: list, opened: bool):
    session = Session(locale="en-GB")
    if opened:
        send(session, session.launch())
    response = send(session, session.intent(name, slots))
    body = response["response"]
    assert body["outputSpeech"]["ssml"].startswith("<speak>")
    assert body["shouldEndSession"] is ("reprompt" not in body)
    assert len(json.dumps(response)) < MAX_RESPONSE_BYTES
