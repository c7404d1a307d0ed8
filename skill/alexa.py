"""The Alexa skill: thin ask-sdk-core handlers over the one dialogue manager, and the Lambda entry point.

A request handler only maps the Alexa request to a `Heard` and renders the dialogue's `Turn`; the dialogue
decides everything else. The dialogue state travels in the session attributes (nothing is kept on the
server), loaded and saved by the interceptors. Logs name the request, the intent and the outcome, never what
the person said about their body and never the envelope.

AWS Lambda (Python 3.11 runtime): the function needs only our three packages and four small libraries
(no speech, Flask or numpy; about 25 MB unpacked):

    pip install --target build/lambda --no-deps .
    pip install --target build/lambda hassil pyyaml "ask-sdk-core>=1.19,<2" isodate
    (cd build/lambda && zip -qr ../legcheck-lambda.zip .)

Upload the zip, set the handler to `skill.alexa.lambda_handler`, add the "Alexa Skills Kit" trigger with
your skill id, and put the function's ARN in the skill package: `legcheck alexa export DIR --endpoint ARN`
writes DIR/skill-package/ for the ASK CLI (an ASK CLI project's skill-package folder). The state lives in
the session attributes, so any number of instances can answer one conversation.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from functools import lru_cache
from typing import Any

import isodate
from ask_sdk_core.dispatch_components import (
    AbstractExceptionHandler,
    AbstractRequestHandler,
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils import get_locale, get_request_type, is_request_type
from ask_sdk_model import IntentRequest, Response
from ask_sdk_model.slu.entityresolution import StatusCode
from ask_sdk_model.ui import SimpleCard

from intents import NOT_UNDERSTOOD, Heard, load_intents
from intents.alexa import SLOTS, our_intent_name
from skill.dialogue import Dialogue
from skill.events import Ask, Result, Say
from skill.replies import ssml
from skill.safety import emergency_advice
from skill.session import Session
from skill.texts import texts

__all__ = ["build_skill", "skill_builder", "lambda_handler", "heard_from_intent", "duration_minutes"]

log = logging.getLogger(__name__)

STATE_KEY = "dialogue"
"""The session attribute that holds the dialogue state."""

# Intents that answer the open question: before any state exists they cannot answer anything, so a one-shot
# request carrying one of them ("ask leg check yes") simply starts the conversation.
_ANSWERS = frozenset({"Yes", "No", "DontKnow", "Ability", "Side", "Location", "Duration", "Number", None})
# Intents that carry their meaning in a slot: without a usable slot value they were not understood.
_NEEDS_SLOT = {"Side": "side", "Location": "location", "Duration": "minutes", "Number": "number",
               "Ability": "ability"}
_SPEAK = re.compile(r"^\s*<speak>|</speak>\s*$")
_DURATION_ANCHOR = datetime(2000, 1, 1)


# ---- mapping a request to a Heard -------------------------------------------------------------------------


def duration_minutes(value: str | None) -> float | None:
    """Minutes in an AMAZON.DURATION value (ISO 8601: PT20M, P2D, PT1H30M, P1W), or None if unusable."""
    if not value:
        return None
    try:
        duration = isodate.parse_duration(value)
    except (isodate.ISO8601Error, ValueError):
        return None
    if isinstance(duration, isodate.Duration):  # months or years: anchor them to a calendar date
        duration = duration.totimedelta(start=_DURATION_ANCHOR)
    minutes = duration.total_seconds() / 60.0
    return minutes if minutes >= 0 else None


def _resolved_id(slot: Any) -> str | None:
    """The canonical id entity resolution matched for a custom-type slot, or None."""
    resolutions = getattr(slot, "resolutions", None)
    for authority in getattr(resolutions, "resolutions_per_authority", None) or []:
        status = getattr(authority.status, "code", None)
        if status == StatusCode.ER_SUCCESS_MATCH and authority.values:
            return authority.values[0].value.id
    return None


def _slot_value(kind: str, slot: Any) -> Any:
    """Our value for one Alexa slot (see intents.alexa.AlexaSlot.kind), or None when nothing is usable."""
    if kind == "duration":
        return duration_minutes(slot.value)
    if kind == "number":
        try:
            return int(slot.value)
        except (TypeError, ValueError):
            return None
    value_id = _resolved_id(slot)
    if kind == "seconds_id" and value_id is not None:
        try:
            return int(value_id) / 60.0
        except ValueError:
            return None
    return value_id


def heard_from_intent(intent: Any) -> Heard:
    """Map an Alexa intent (with its slots) to what the dialogue hears. Unknown intents are not understood."""
    name = our_intent_name(getattr(intent, "name", None) or "", load_intents().intents)
    slots: dict[str, Any] = {}
    for alexa_name, slot in (getattr(intent, "slots", None) or {}).items():
        spec = SLOTS.get(alexa_name)
        value = _slot_value(spec.kind, slot) if spec else None
        if value is not None:
            slots[spec.key] = value
    if name is None or (name in _NEEDS_SLOT and _NEEDS_SLOT[name] not in slots):
        return NOT_UNDERSTOOD
    return Heard("", name, slots, 1.0)


# ---- rendering a Turn ----------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _inner(ssml: str) -> str:
    """SSML without its <speak> wrapper (cached: the same few sentences come back turn after turn)."""
    return _SPEAK.sub("", ssml).strip()


@lru_cache(maxsize=256)
def _reprompt(text: str, number: str) -> str:
    return _inner(ssml(text, number))


def _speech(events: list) -> str:
    parts = [_inner(event.ssml) for event in events if isinstance(event, Ask | Say) and event.ssml]
    return " ".join(part for part in parts if part)


def _card(result: Result, locale: str | None, stopped: Say | None = None) -> SimpleCard:
    """The outcome for the Alexa app. A check stopped before its level was settled shows what was said (the
    stop advice), not the advice of the cautious level (which could be an ambulance the person was never told
    to call)."""
    words = texts(locale)
    if stopped is not None:
        parts = (stopped.text, result.summary, result.disclaimer)
        return SimpleCard(title=words.word("not_finished"), content="\n\n".join(part for part in parts if part))
    content = "\n\n".join(part for part in (result.advice, result.safety_net, result.summary,
                                              result.disclaimer) if part)
    return SimpleCard(title=words.title(result.level), content=content)


def render(handler_input: HandlerInput, turn: Any) -> Response:
    """Speech, reprompt, card and session end for one dialogue turn; the state goes back via the interceptor."""
    builder = handler_input.response_builder.speak(_speech(turn.events))
    question = turn.open_question
    if question is not None:
        builder.ask(_reprompt(question.reprompt, turn.state.number))
        return builder.response
    if turn.result is not None:
        stopped = next((event for event in turn.events if isinstance(event, Say) and event.key == "stop_incomplete"),
                       None)
        builder.set_card(_card(turn.result, turn.state.locale, stopped))
    builder.set_should_end_session(True)
    return builder.response


# ---- session attributes (absent on the rare request that comes outside a session) -----------------------


def _session(handler_input: HandlerInput) -> dict[str, Any]:
    if handler_input.request_envelope.session is None:
        return {}
    attributes = handler_input.attributes_manager.session_attributes
    return attributes if isinstance(attributes, dict) else {}


def _keep(handler_input: HandlerInput, attributes: dict[str, Any]) -> None:
    if handler_input.request_envelope.session is not None:
        handler_input.attributes_manager.session_attributes = attributes


# ---- interceptors ------------------------------------------------------------------------------------


class LoadDialogue(AbstractRequestInterceptor):
    """Build the dialogue for the request's locale and load its state from the session attributes."""

    def process(self, handler_input: HandlerInput) -> None:
        attributes = handler_input.attributes_manager
        dialogue = Dialogue(locale=get_locale(handler_input) or "en-US")
        state = _session(handler_input).get(STATE_KEY)
        attributes.request_attributes["dialogue"] = dialogue
        attributes.request_attributes["session"] = Session(dialogue, state if isinstance(state, dict) else None)


class SaveDialogue(AbstractResponseInterceptor):
    """Keep the state in the session while a question is open; drop it when the conversation is over."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        attributes = handler_input.attributes_manager
        session = attributes.request_attributes.get("session")
        turn = session.turn if session is not None else None
        _keep(handler_input, {STATE_KEY: turn.state.to_dict()} if turn is not None and not turn.finished else {})
        _log_outcome(handler_input, turn)


def _log_outcome(handler_input: HandlerInput, turn: Any) -> None:
    request = handler_input.request_envelope.request
    intent = getattr(getattr(request, "intent", None), "name", "-")
    if turn is None:
        outcome = "no-turn"
    elif turn.finished:
        outcome = f"finished:{turn.result.level if turn.result else '-'}"
    else:
        outcome = f"asking:{turn.open_question.question}"
    log.info("alexa request=%s intent=%s outcome=%s", get_request_type(handler_input), intent, outcome)


# ---- handlers ----------------------------------------------------------------------------------------


def _conversation(handler_input: HandlerInput) -> Session:
    return handler_input.attributes_manager.request_attributes["session"]


class LaunchHandler(AbstractRequestHandler):
    """'Alexa, open leg check': start (or restart) the conversation."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        session = _conversation(handler_input)
        session.start()
        return render(handler_input, session.turn)


class IntentHandler(AbstractRequestHandler):
    """Every intent, ours and the built-ins: one dialogue step. Unknown intents count as not understood."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return isinstance(handler_input.request_envelope.request, IntentRequest)

    def handle(self, handler_input: HandlerInput) -> Response:
        heard = heard_from_intent(handler_input.request_envelope.request.intent)
        session = _conversation(handler_input)
        if session.turn is None and not session.resumed:
            session.start()
            if heard.intent in _ANSWERS:  # "ask leg check yes": nothing to answer yet, so it starts
                return render(handler_input, session.turn)
        session.answer(heard)
        return render(handler_input, session.turn)


class SessionEndedHandler(AbstractRequestHandler):
    """The session closed (the person left, went quiet, or an error), or Alexa reports that our last response
    failed (System.ExceptionEncountered): always answered, with nothing to say (Alexa takes no speech here)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return get_request_type(handler_input) in ("SessionEndedRequest", "System.ExceptionEncountered")

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        error = getattr(getattr(request, "error", None), "object_type", None)
        log.info("alexa %s reason=%s error=%s", request.object_type, getattr(request, "reason", None), error)
        return handler_input.response_builder.response


class ErrorHandler(AbstractExceptionHandler):
    """Anything that failed: if an emergency sign was heard, the emergency advice still goes out."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        log.error("alexa request failed: %s", type(exception).__name__, exc_info=exception)
        _keep(handler_input, {})
        dialogue = _fallback_dialogue(handler_input)
        builder = handler_input.response_builder
        if _emergency_was_heard(handler_input, dialogue):
            builder.speak(_inner(ssml(dialogue.emergency_text(), dialogue.number)))
        else:
            words = texts(dialogue.locale)
            text = f"{words.reply('sorry')} {words.reply('stop_incomplete', number=dialogue.number)}"
            builder.speak(_inner(ssml(text, dialogue.number)))
        return builder.set_should_end_session(True).response


def _fallback_dialogue(handler_input: HandlerInput) -> Dialogue:
    dialogue = handler_input.attributes_manager.request_attributes.get("dialogue")
    if dialogue is not None:
        return dialogue
    try:
        return Dialogue(locale=get_locale(handler_input) or "en-US")
    except Exception:  # the locale itself may be what failed: the US number is better than silence
        log.warning("alexa: no dialogue for the request locale, using en-US")
        return Dialogue(locale="en-US")


def _emergency_was_heard(handler_input: HandlerInput, dialogue: Dialogue) -> bool:
    """The session's safety net; where the request failed before its session existed, the state in the
    session attributes, read raw."""
    session = handler_input.attributes_manager.request_attributes.get("session")
    if session is not None:
        return session.rescue() is not None
    return emergency_advice(dialogue, _session(handler_input).get(STATE_KEY)) is not None


# ---- the skill ---------------------------------------------------------------------------------------


def skill_builder() -> SkillBuilder:
    """The one SkillBuilder behind the HTTP endpoint and the Lambda handler."""
    builder = SkillBuilder()
    for handler in (LaunchHandler(), IntentHandler(), SessionEndedHandler()):
        builder.add_request_handler(handler)
    builder.add_exception_handler(ErrorHandler())
    builder.add_global_request_interceptor(LoadDialogue())
    builder.add_global_response_interceptor(SaveDialogue())
    return builder


def build_skill():
    """A ready CustomSkill: `skill.invoke(request_envelope=..., context=None)`."""
    return skill_builder().create()


lambda_handler = skill_builder().lambda_handler()
"""AWS Lambda entry point: `skill.alexa.lambda_handler(event, context)`."""
