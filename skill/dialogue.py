"""The dialogue manager: one state machine behind every front end (typed chat, voice, Alexa).

It asks the questions of the plan (triage.plan) in order, skipping any that can no longer change the
outcome, and stops as soon as the level is settled. Red flags come first and an Emergency intent ends the
conversation in EMERGENCY whatever question is open. "I don't know", silence and unrecognised answers are
recorded as unknown, which the triage reads the cautious way (never as "no").

The state is a frozen DialogueState (skill/state.py) with a versioned JSON form, so a stateless front end
(Alexa) can carry it between turns. Within one step the handlers work on a Draft of it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from intents import Heard
from intents.findings import (
    Reading,
    answer_to,
    minutes_of,
    mostly,
    number_of,
    says_the_rest,
    second_hand,
    side_of,
    starts_with_a_no,
    unsure,
)
from intents.findings import read as read_findings
from intents.redflags import mentions as red_flag_mentions
from intents.redflags import verdict as red_flag_verdict
from triage import FINDINGS, Answer, Assessment, Level, assess, clinician_summary, evaluate
from triage.advice import EMERGENCY_ADVICE
from triage.findings import BOUNDS, OLDER_AGE, SEVERE_PAIN_SCORE, lasting_answer
from triage.plan import next_question as plan_next_question

from .events import Ask, Event, Result, Say
from .locale import emergency_number as number_for_locale
from .locale import known_locale, normalise_locale
from .questions import QUESTIONS, Question, by_id
from .replies import ssml
from .state import ONLY_RAISE, RED_FLAGS, VOLUNTEERED, DialogueState, Draft, StateError, raw_red_flag
from .texts import Texts, texts

__all__ = ["Dialogue", "Turn", "DialogueState", "StateError", "emergency_heard", "MAX_MISSES"]

log = logging.getLogger(__name__)

MAX_MISSES = 2
"""Unrecognised answers in a row before the answer is recorded as unknown."""
_SINGLE_QUESTION = {q.findings[0]: q for q in QUESTIONS if len(q.findings) == 1}
_VALUE_INTENTS = {"Side": "side", "Duration": "duration", "Number": "number", "Location": "location"}


@dataclass(frozen=True)
class Turn:
    """What one step of the dialogue produced: the new state and what to say."""

    state: DialogueState
    events: tuple[Event, ...] = ()

    @property
    def finished(self) -> bool:
        return self.state.finished

    @property
    def open_question(self) -> Ask | None:
        qid = self.state.open_question
        if self.finished or not qid:
            return None
        return _ask_event(qid, self.state.number, self.state.locale)

    @property
    def result(self) -> Result | None:
        return next((e for e in reversed(self.events) if isinstance(e, Result)), None)


@dataclass
class _Step:
    """One step in the making: the draft state and the events so far."""

    state: Draft
    events: list[Event] = field(default_factory=list)
    readings: dict[tuple[str, frozenset[str]], Reading] = field(default_factory=dict)
    """The findings reader's readings of this step's answer: read once, gone with the step (never kept)."""

    @property
    def finished(self) -> bool:
        return self.state.finished

    def read(self, text: str, about: Iterable[str]) -> Reading:
        """intents.findings.read, once per text and open question within this step."""
        key = (text, frozenset(about))
        if key not in self.readings:
            self.readings[key] = read_findings(text, key[1])
        return self.readings[key]

    def turn(self) -> Turn:
        return Turn(self.state.freeze(), tuple(self.events))


class Dialogue:
    """Start a conversation, then feed it one Heard per answer."""

    def __init__(self, locale: str | None = "en-US", emergency_number: str | None = None) -> None:
        self.locale = normalise_locale(locale)
        self.number = number_for_locale(self.locale, emergency_number)
        self.advice_line = texts(self.locale).advice_line
        if not known_locale(self.locale) and not emergency_number:
            _warn_unknown_locale(self.locale, self.number)

    def new_state(self) -> DialogueState:
        return DialogueState(self.locale, self.number)

    def start(self) -> Turn:
        return self._start().turn()

    def _start(self) -> _Step:
        step = _Step(self.new_state().draft())
        _say(step, "welcome", number=self.number)
        return _advance(step)

    def read_state(self, data: DialogueState | dict[str, Any]) -> DialogueState:
        """A state from outside (a DialogueState or its JSON form), checked, with this Dialogue's locale and
        emergency number. Raises StateError. A DialogueState made by a Dialogue of this locale and number is
        taken as it is (it was checked when it was read or built); only JSON forms come from outside."""
        if isinstance(data, DialogueState):
            if (data.locale, data.number) == (self.locale, self.number):
                return data
            data = data.to_dict()
        return DialogueState.from_dict(data, self.locale, self.number)

    def respond(self, state: DialogueState | dict[str, Any], heard: Heard) -> Turn:
        """One answer in, what to say out: the new state is in the Turn (states are immutable).

        The state is checked first (it may come from a client, as a dict): one that does not validate starts
        a new conversation, unless it shows a red flag answered yes, when the emergency advice is given (a
        damaged state must not hide an emergency). Values sit only where the dialogue puts them, so no part
        of a state can cancel another's red flag; a state that validates is a conversation like any other
        (with verification on, only Alexa can send one). The emergency number always comes from this
        Dialogue (locale or configuration), never from the state. An emergency is answered as one whatever
        the state says, even after the check has finished.
        """
        try:
            step = _Step(self.read_state(state).draft())
        except StateError as error:
            log.warning("dialogue state refused (%s): starting again", error.kind)
            return self._restart(state, _red_flag_net(heard, None)[0]).turn()
        return self._step(step, heard).turn()

    def _step(self, step: _Step, heard: Heard) -> _Step:
        heard, check = _red_flag_net(heard, step.state.open_question)
        if heard.intent == "Emergency":
            return _emergency(self, step, heard)
        if step.finished:
            return _after_end(self, step, heard)
        _note_volunteered(step, heard)
        unchecked = check is not None and _SINGLE_QUESTION[check].id not in step.state.answers
        if unchecked and heard.intent is None:
            return _check_red_flag(step, check)  # checked once: an answer already given to it stands
        handler = _HANDLERS.get(heard.intent or "", _answer)
        if unchecked and handler is _answer:
            # "yes its awful and the leg has gone weak": the answer is recorded, then the red flag checked
            return _answer(self, step, heard, then=lambda turn: _check_after(turn, check))
        return handler(self, step, heard)

    def _restart(self, state: Any, heard: Heard) -> _Step:
        fresh = self._start()
        if heard.intent == "Emergency" or raw_red_flag(state):
            return _emergency(self, _Step(fresh.state), heard)
        return fresh

    def emergency_text(self) -> str:
        return EMERGENCY_ADVICE.format(number=self.number)


def emergency_heard(state: DialogueState | dict[str, Any] | None) -> bool:
    """True once anything said makes EMERGENCY certain (used to keep the advice flowing on errors). Takes a
    DialogueState or a raw JSON form that may not validate."""
    try:
        if not isinstance(state, DialogueState):
            state = DialogueState.from_dict(state, "en-US", "112")  # the number plays no part in the level
        return evaluate(state.findings).floor is Level.EMERGENCY
    except Exception:  # a damaged state must not hide an emergency that the raw answers show
        log.warning("could not evaluate the dialogue state; checking its raw answers")
        return raw_red_flag(state)


def _red_flag_net(heard: Heard, open_qid: str | None) -> tuple[Heard, str | None]:
    """Safety rule 2, for every front end: a red flag anywhere in what was said, whatever question is open.

    The text is read again with the open question as context ("yes and there's blood in it" to the cough
    question). A red flag said (or left in doubt) makes the answer an Emergency; a word that only points
    at one, in an answer not otherwise understood, gives the finding to check in one line. The reader only
    ever raises: an answer it reads as a denial is left to the templates, so a misreading costs a question,
    never a red flag. Texts without words (Alexa's intents) pass as they are; the reader caps how much of a
    long text it reads. A recognizer's red flag it did not trust (the `confirm` slot of a Heard not
    understood: skill.hearing.decide) is checked in one line too."""
    if heard.intent is None and heard.slots.get("confirm") in _SINGLE_QUESTION:
        return heard, heard.slots["confirm"]
    if heard.intent == "Emergency" or not heard.text:
        return heard, None
    about = by_id(open_qid).findings if open_qid else ()
    found = red_flag_verdict(heard.text, about)
    if found is None:
        return heard, None
    if found.action == "emergency":
        return Heard(heard.text, "Emergency", found.slots, heard.confidence or 0.7), None
    if found.finding not in about and _points_only_with_its_own_words(heard.text, found.finding, about):
        return heard, None  # "a bit tingly" to the numbness question answers it: "tingly" points nowhere else
    return heard, found.finding


def _points_only_with_its_own_words(text: str, finding: str, about: tuple[str, ...]) -> bool:
    """Every word that points at the red flag is a word of the open question's own finding, said ("tingly"
    to the pins-and-needles question): it answers that question and points nowhere else."""
    found = red_flag_mentions(text, about)
    pointers = {mention.start for mention in found if mention.finding == finding and mention.status != "denied"}
    own = {mention.start for mention in found if mention.finding in about and mention.strength == "strong"
           and mention.status == "said"}
    return bool(pointers) and pointers <= own


def _note_volunteered(step: _Step, heard: Heard) -> None:
    """What an answer says without being asked ("no cough, but my calf is swollen", "I flew back from
    Australia last week", "I'm 67") is kept as volunteered: yes only, and only for findings whose yes can
    only raise the level (VOLUNTEERED); a denial or a doubt is left to its question, so a misreading costs a
    question, never a level. A risk factor said with a time counts only inside its window ("a knee operation
    two years ago" is not kept). The open question's own findings are its answer's (_answer)."""
    state = step.state
    if not heard.text or heard.intent == "Emergency":
        return
    own = set(by_id(state.open_question).findings) if state.open_question else set()
    reading = step.read(heard.text, own)
    for name, value in reading.found.items():
        if value == "yes" and name in VOLUNTEERED and name not in own:
            state.said_findings[name] = "yes"
    if reading.age is not None and reading.age > OLDER_AGE and "age_over_60" not in own:
        state.said_findings["age_over_60"] = "yes"


def _check_after(turn: _Step, finding: str) -> _Step:
    """After an answer recorded: the planner's next question when it asks about the red flag a word pointed
    at anyway (a yes to the leg group goes on to its ischaemia signs), else the one-line check of it."""
    question = next_question(turn.state)
    if question is not None and finding in question.findings:
        return _advance(turn)
    if question is None and evaluate(turn.state.findings).floor is Level.EMERGENCY:
        return _advance(turn)  # settled as an emergency already: nothing to check
    return _check_red_flag(turn, finding)


def _check_red_flag(turn: _Step, finding: str) -> _Step:
    """Ask in one line about a red flag a word in the answer pointed at ("Did you say you are short of
    breath?"); its answer is the answer to that red flag's own question, and the check then goes on."""
    question = _SINGLE_QUESTION[finding]
    state = turn.state
    state.answers.pop(question.id, None)
    state.open_question, state.misses = question.id, 0
    if question.id not in state.asked:
        state.asked.append(question.id)
    ask = _ask_event(question.id, state.number, state.locale)
    confirm = by_id(question.id, state.locale).confirm
    if confirm:
        ask = replace(ask, text=confirm, ssml=ssml(confirm, state.number))
    turn.events.append(ask)
    log.info("asking to confirm a red flag")
    return turn


@lru_cache(maxsize=64)
def _warn_unknown_locale(locale: str, number: str) -> None:
    """Once per locale: an unknown one ("us", "uk", "xx") gets the default number, and says which."""
    log.warning("unknown locale %r: using the emergency number %s (give --locale en-US, en-GB, ... or "
                "--emergency-number)", locale, number)


# ---- choosing the next question ----------------------------------------------------------------------------

def next_question(state: Draft) -> Question | None:
    """The planner's next question for this state (triage.plan), or None when the outcome is settled."""
    planned = plan_next_question(state.findings, state.answers)
    return by_id(planned.id) if planned else None


def _advance(turn: _Step) -> _Step:
    question = next_question(turn.state)
    if question is None:
        return _finish(turn, complete=True)
    state = turn.state
    state.open_question, state.misses = question.id, 0
    if question.id not in state.asked:
        state.asked.append(question.id)
    turn.events.append(_ask_event(question.id, state.number, state.locale))
    return turn


@lru_cache(maxsize=512)
def _ask_event(qid: str, number: str, locale: str) -> Ask:
    """The Ask for a question in a locale's words (cached: a pure function of three immutable values, built
    about 3 times a turn)."""
    question, words = by_id(qid, locale), texts(locale)
    reprompt = f"{question.reprompt} {words.expect(question.kind)}"
    return Ask(question.id, question.kind, question.findings, question.text, ssml(question.text, number), reprompt)


# ---- intents -----------------------------------------------------------------------------------------------

def _answer(dialogue: Dialogue, turn: _Step, heard: Heard, then: Callable[[_Step], _Step] | None = None) -> _Step:
    """Record the answer to the open question and go on (`then`, or the planner's next question)."""
    question = by_id(turn.state.open_question)
    answer, values = _interpret(question, heard)
    reading = turn.read(heard.text, question.findings) if heard.text else None
    if reading is not None:
        answer, values = _in_own_words(question, heard, reading, answer, values)
    if answer is None and heard.intent in _VALUE_INTENTS and _note_value(turn.state, heard):
        _say(turn, "noted_value")
        return _reask(turn, question)
    if answer == "no" and reading is not None and _denies_only_part(question, reading):
        return _partly_denied(turn, question, reading)
    if answer is None:
        return _miss(turn, question, heard.text)
    if answer == "yes" and len(question.findings) > 1 and reading is not None:
        values = {**values, **_named_in_a_group_yes(question, reading)}
    _record(turn.state, question, answer, values)
    return (then or _advance)(turn)


def _denies_only_part(question: Question, reading: Reading) -> bool:
    """A no that names some of a grouped question's findings and not the rest ("no chest pain" to "short of
    breath, chest pain, a racing heart, fainted or coughed up blood?"): a no to those only. Unless it says
    the rest too ("nothing else"), or, for a group without red flags, starts with a no of its own ("no, skin
    looks normal"): a red flag is only ever a no when it was answered."""
    own = set(question.findings)
    named = own & reading.named
    plain_no_first = starts_with_a_no(reading.text) and not own & set(RED_FLAGS)  # "no, skin looks normal"
    return (len(own) > 1 and bool(named) and named <= reading.denied and named != own
            and not says_the_rest(reading.text) and not plain_no_first)


def _partly_denied(turn: _Step, question: Question, reading: Reading) -> _Step:
    """Record the named findings as no (each through its own question) and ask the group again for the rest
    ("Thanks, I've noted that." and the question again); the same part denied twice is a miss."""
    state = turn.state
    noted = False
    for name in question.findings:
        single = _SINGLE_QUESTION.get(name)
        if name in reading.denied and single is not None and single.id not in state.answers:
            state.answers[single.id] = "no"
            if single.id not in state.asked:
                state.asked.insert(state.asked.index(question.id), single.id)  # before the group's own answer
            noted = True
    if not noted:  # the same part denied again: a miss, so that it cannot go round for ever
        return _miss(turn, question)
    _say(turn, "noted_value")
    return _reask(turn, question)


def _named_in_a_group_yes(question: Question, reading: Reading) -> dict[str, str]:
    """A yes to a grouped question that names which one ("yes, I had a baby two weeks ago" to the hormones
    question) says that one outright: it is recorded as yes (so the advice can fit, the midwife named), the
    rest of the group stays to be asked. Only findings whose yes can only raise the level."""
    return {name: "yes" for name in question.findings if name in ONLY_RAISE and reading.found.get(name) == "yes"}


def _record(state: Draft, question: Question, answer: str, values: dict[str, Any]) -> None:
    state.answers[question.id] = answer
    if values:
        state.answer_values[question.id] = values
    state.open_question = None


def _interpret(question: Question, heard: Heard) -> tuple[str | None, dict[str, Any]]:
    """The yes/no/unknown answer this Heard gives to the question (None if it does not answer it)."""
    simple = {"Yes": "yes", "No": "no", "DontKnow": "unknown"}.get(heard.intent or "")
    if simple:
        return simple, {}
    if heard.intent == "Ability":
        return _ability_answer(question, str(heard.slots.get("ability", ""))), {}
    if heard.intent == "Number" and question.id == "age_over_60":  # "I'm seventy" answers "over sixty?"
        return _number_answer(question, heard.slots.get("number"))
    if _VALUE_INTENTS.get(heard.intent or "") != question.kind:
        return None, {}
    return _value_answer(question, heard.slots)


_OTHER = {"yes": "no", "no": "yes"}


def _in_own_words(question: Question, heard: Heard, reading: Reading, answer: str | None,
                  values: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """The answer to the open question from what the text says of its findings, whatever word it starts
    with (intents/findings.py): "not swollen but it's red" is a no to the swelling question, "dont think so,
    its a bit swollen" a yes, "I had an operation two years ago" a no to "in the last three months?".

    The reading goes the cautious way where the templates' answer and it disagree: a finding said is a yes
    over a "no", one in doubt "not sure" over a "no"; a denial of every finding of the question ("yeah no
    swelling") is a no, and for a grouped question only when each of its findings is denied. A yes that
    could lower the level (a reassuring finding: "it eases when I stretch") is taken from the reading only
    from a plain answer, with no negation or doubt in it, and never over the templates' no. An age or a
    pain score said in words ("I'm 67", "about a seven") answers its question when the templates did not.
    """
    if answer is None:
        answer, values = _said_as_a_value(question, heard.text, reading)
    said = answer_to(reading, question.findings)
    if answer == "no" and said is None and _denies_only_others(question, reading, heard.text):
        return None, {}  # "no cough" to "is the leg swollen?": a denial of something else, not an answer
    if answer is None and said is None and unsure(heard.text):
        return "unknown", {}  # "hard to say in this light": not sure, which is never a no
    if answer == "no" and second_hand(heard.text):
        return "unknown", {}  # "not that I know of, I'm just her neighbour": not known
    if question.kind == "side" and values.get("side") in ("left", "right") and mostly(heard.text):
        return "unknown", {}  # "left one mostly": not one leg only, perhaps
    reassuring = not set(question.findings) <= ONLY_RAISE
    if reassuring and answer == "yes" and said != "yes" and reading.doubtful:
        return "unknown", {}  # "kind of, but I don't know if it's connected": a reassuring yes must be plain
    if said is None or said == answer:
        return answer, values
    return _reconciled(question, reading, answer, values, said, reassuring)


def _said_as_a_value(question: Question, text: str, reading: Reading) -> tuple[str | None, dict[str, Any]]:
    """An age, a pain score, a side or a duration said in words the templates do not know."""
    if question.id == "age_over_60" and reading.age is not None:
        return ("yes" if reading.age > OLDER_AGE else "no"), {}
    if question.id == "severe_pain" and reading.score is not None:
        return ("yes" if reading.score >= SEVERE_PAIN_SCORE else "no"), {}
    if question.kind in ("side", "duration"):
        return _value_in_own_words(question, text)
    age = reading.age if reading.age is not None else number_of(text)  # "sixty-two" to an age question
    if "age_over_60" in question.findings and age is not None and OLDER_AGE < age < 130:
        return "yes", {}  # "I'm 67" to "over sixty, or do you smoke, ...?"
    return None, {}


def _reconciled(question: Question, reading: Reading, answer: str | None, values: dict[str, Any], said: str,
                reassuring: bool) -> tuple[str | None, dict[str, Any]]:
    """The templates' answer and the reading's when they differ (see _in_own_words)."""
    if said == "yes":
        if reassuring and (reading.hedged or answer is not None):
            return answer, values
        return "yes", values
    if said == "unknown":
        return (answer, values) if answer == "yes" else ("unknown", {})
    if answer == "unknown":
        return answer, values  # "not sure... no swelling": the doubt stands
    if answer == "yes" and not all(reading.found.get(name) == "no" for name in question.findings):
        return answer, values  # "yes, not red" to "warm, red or a hard vein?": the yes may be the warmth
    return "no", {}


def _denies_only_others(question: Question, reading: Reading, text: str) -> bool:
    """The no is a denial of other findings ("no cough", "no redness at all"), with nothing said of the
    question's own and no "no" of its own before it ("no, and no cough" answers)."""
    own = set(question.findings)
    return (bool(reading.denied - own) and not (reading.named & own) and not starts_with_a_no(text)
            and not says_the_rest(text))


def _value_in_own_words(question: Question, text: str) -> tuple[str | None, dict[str, Any]]:
    """A side or a duration said in words the templates do not know ("r leg", "just my left, the right is
    fine", "its been constant for two days", "the cramp itself only lasted a couple of minutes")."""
    if question.kind == "side":
        side = side_of(text)
        return (None, {}) if side is None else _value_answer(question, {"side": side})
    found = minutes_of(text)
    if found is None:
        return None, {}
    minutes, bound = found
    return _value_answer(question, {"minutes": minutes, **({"bound": bound} if bound else {})})


def _ability_answer(question: Question, ability: str) -> str | None:
    """What "I can't" / "I can" (with the yes or no said before it) says of the question's finding.

    Where the finding is an inability (question.cannot_is), the clause decides, not its first word: "no, I
    can't" to "too painful to put weight on it?" is a yes. Elsewhere only a yes or no said with it answers;
    a bare "I can't" (often a cut-off "I can't breathe" or "I can't tell") is not taken as an answer, and
    to a red flag's question not even "no, I can't" is.
    """
    cannot = ability.endswith("cannot")
    if question.cannot_is:
        if cannot:
            return question.cannot_is
        return _OTHER[question.cannot_is] if len(question.findings) == 1 else None
    if set(question.findings) & set(RED_FLAGS):
        return None  # "no, I can't" to "are you short of breath?" may be a cut-off "no, I can't breathe"
    particle = ability.partition("_")[0] if "_" in ability else ""
    return particle if particle in _OTHER else None


def _value_answer(question: Question, slots: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    if question.kind == "side" and slots.get("side") in ("left", "right", "both"):
        return ("no" if slots["side"] == "both" else "yes"), {"side": slots["side"]}
    if question.kind == "side" and slots.get("side") == "one":  # "just one leg": which one was not said
        return "yes", {}
    if question.kind == "duration" and isinstance(slots.get("minutes"), int | float):
        minutes = float(slots["minutes"])
        answer = lasting_answer(minutes, _bound(slots))
        if isinstance(slots.get("minutes_low"), int | float) and lasting_answer(float(slots["minutes_low"])) != answer:
            answer = Answer.UNKNOWN  # "5 to 15 minutes": one side of the threshold each
        return str(answer), {"duration_minutes": minutes}
    if question.kind == "number":
        return _number_answer(question, slots.get("number"))
    return None, {}


def _number_answer(question: Question, number: Any) -> tuple[str | None, dict[str, Any]]:
    if not isinstance(number, int):
        return None, {}
    if question.id == "age_over_60" and 0 < number < 130:
        return ("yes" if number > OLDER_AGE else "no"), {}
    if question.id == "severe_pain" and 0 <= number <= 10:
        return ("yes" if number >= SEVERE_PAIN_SCORE else "no"), {}
    return None, {}


def _bound(slots: dict[str, Any]) -> str | None:
    """The comparative said with a duration ("more" for "over ten minutes"), if it is one we know."""
    bound = slots.get("bound")
    return bound if bound in BOUNDS else None


def _note_value(state: Draft, heard: Heard) -> bool:
    """Keep a value said out of turn (e.g. "it's my left calf") if it is a triage value."""
    slots = heard.slots
    if slots.get("side") in ("left", "right", "both"):
        state.said_values["side"] = slots["side"]
    elif slots.get("location"):
        state.said_values["location"] = slots["location"]
    elif isinstance(slots.get("minutes"), int | float):
        state.said_values["duration_minutes"] = float(slots["minutes"])
        if _bound(slots):  # "over ten minutes" said early: what it says of the threshold, not exactly ten
            state.said_values["lasting_over_10_minutes"] = str(lasting_answer(float(slots["minutes"]), _bound(slots)))
    else:
        return False
    return True


def _miss(turn: _Step, question: Question, text: str = "") -> _Step:
    state = turn.state
    state.misses += 1
    if state.misses < MAX_MISSES:
        _say_not_understood(turn, question, text)
        return _reask(turn, question)
    _say(turn, "give_up")
    _record(state, question, "unknown", {})
    return _advance(turn)


HEARD_WORDS = 12
"""At most this many words of an answer are said back."""


def _say_not_understood(turn: _Step, question: Question, text: str) -> None:
    """Sorry, not caught; or, for an answer with words that name something, what was heard, with the
    likeliest reading when it names one of the question's own findings ("I heard: "my calf is kind of puffy
    maybe". Is that a yes, swelling?"). Said back, never logged."""
    expect = _texts(turn).expect(question.kind)
    words = text.split()
    reading = turn.read(text, question.findings) if words else None
    if reading is None or not reading.named:
        _say(turn, "not_understood", expect=expect)
        return
    heard = " ".join(words[:HEARD_WORDS]) + (" ..." if len(words) > HEARD_WORDS else "")
    own = [name for name in question.findings if name in reading.named and name not in reading.denied]
    if own:
        _say(turn, "heard_guess", heard=heard, label=FINDINGS[own[0]].label, expect=expect)
    else:
        _say(turn, "heard_other", heard=heard, expect=expect)


def _reask(turn: _Step, question: Question) -> _Step:
    turn.events.append(_ask_event(question.id, turn.state.number, turn.state.locale))
    return turn


def _emergency(dialogue: Dialogue, turn: _Step, heard: Heard) -> _Step:
    symptom = heard.slots.get("symptom")
    # A named sign is recorded as itself; a request for an ambulance or an emergency number as that request
    # (a finding of its own, so that signs denied earlier cannot outweigh it).
    turn.state.said_findings[symptom if symptom in FINDINGS else "emergency_requested"] = "yes"
    _say(turn, "emergency_now", number=turn.state.number)
    return _finish(turn, complete=True)


def _help(dialogue: Dialogue, turn: _Step, heard: Heard) -> _Step:
    _say(turn, "help", number=turn.state.number)
    return _reask(turn, by_id(turn.state.open_question))


def _repeat(dialogue: Dialogue, turn: _Step, heard: Heard) -> _Step:
    return _reask(turn, by_id(turn.state.open_question))


def _why(dialogue: Dialogue, turn: _Step, heard: Heard) -> _Step:
    question = by_id(turn.state.open_question, turn.state.locale)
    words = _texts(turn)
    _say_text(turn, f"{words.reply('why_intro', why=question.why)} {_reasons_so_far(turn.state, words)}", "why")
    return _reask(turn, question)


def _reasons_so_far(state: Draft, words: Texts) -> str:
    findings = state.findings
    result = evaluate(findings)
    if result.floor is Level.SELF_CARE:
        return words.reply("why_nothing_yet")
    return words.reply("why_so_far", reasons=" ".join(assess(findings, state.number).reasons))


def _back(dialogue: Dialogue, turn: _Step, heard: Heard) -> _Step:
    """"Go back", or a correction. A correction changes an earlier answer only when it names that question
    (a value that fits it: "no wait, it's the right leg") or says it is about an earlier answer ("I meant
    yes", "no to the last one"); the dialogue then says what it changed. ("Sorry, no" is an answer to the
    open question: the matcher reads it as No.)"""
    correction = _correction(heard)
    if correction is None:
        return _go_back(turn)
    if correction.intent in ("Yes", "No"):
        return _correct_last(dialogue, turn, correction)
    return _correct_value(dialogue, turn, correction)


def _go_back(turn: _Step) -> _Step:
    state = turn.state
    answered = [qid for qid in state.asked if qid in state.answers]
    if not answered:
        _say(turn, "back_first")
        return _reask(turn, by_id(state.open_question))
    previous = by_id(answered[-1])
    _forget(state, previous.id)
    _say(turn, "back")
    return _reask(turn, previous)


def _correct_value(dialogue: Dialogue, turn: _Step, correction: Heard) -> _Step:
    """A value named in a correction goes to the open question if it answers it, else to the latest
    answered question it answers, else it is taken as said out of turn."""
    state = turn.state
    if _interpret(by_id(state.open_question), correction)[0] is not None:
        return _answer(dialogue, turn, correction)
    for qid in reversed(state.asked):
        if qid in state.answers:
            answer, values = _interpret(by_id(qid), correction)
            if answer is not None:
                return _change(turn, by_id(qid), answer, values)
    return _answer(dialogue, turn, correction)


def _correct_last(dialogue: Dialogue, turn: _Step, correction: Heard) -> _Step:
    """"I meant yes": about the last answer, unless the open question was just not understood (then it is
    the answer to that). A red flag the person was not sure about is asked again rather than set to no: a
    correction that does not name it must not rule it out."""
    state = turn.state
    answered = [qid for qid in state.asked if qid in state.answers]
    if state.misses or not answered:
        return _answer(dialogue, turn, correction)
    target = by_id(answered[-1])
    answer = "yes" if correction.intent == "Yes" else "no"
    if answer == "no" and state.answers[target.id] != "no" and set(target.findings) & set(RED_FLAGS):
        state.answers.pop(target.id)
        state.answer_values.pop(target.id, None)
        state.open_question, state.misses = target.id, 0
        _say(turn, "back")
        return _reask(turn, target)
    return _change(turn, target, answer, {})


def _change(turn: _Step, question: Question, answer: str, values: dict[str, Any]) -> _Step:
    """Replace an earlier answer, say so, and go on from there (the open question is asked again if it is
    still needed)."""
    state = turn.state
    state.answers[question.id] = answer
    if values:
        state.answer_values[question.id] = values
    else:
        state.answer_values.pop(question.id, None)
    words = _texts(turn)
    _say(turn, "changed", question=by_id(question.id, turn.state.locale).text,
         answer=_answer_words(answer, values, words))
    return _advance(turn)


def _answer_words(answer: str, values: dict[str, Any], words: Texts) -> str:
    side = values.get("side")
    if side:
        return words.word("both_legs") if side == "both" else words.word("one_leg", side=words.word(side))
    if "duration_minutes" in values:
        return words.duration(float(values["duration_minutes"]))
    return words.word(answer if answer in ("yes", "no") else "unknown")


def _forget(state: Draft, qid: str) -> None:
    """Drop an answer and every question asked after it, and reopen it."""
    index = state.asked.index(qid)
    for later in state.asked[index:]:
        state.answers.pop(later, None)
        state.answer_values.pop(later, None)
    state.asked = state.asked[: index + 1]
    state.open_question, state.misses = qid, 0


def _correction(heard: Heard) -> Heard | None:
    """The new answer a Back carries ("no wait, it's the left one"), as the Heard of that answer."""
    slots = heard.slots
    if slots.get("answer") in ("yes", "no"):
        return Heard(heard.text, slots["answer"].capitalize(), {}, heard.confidence)
    for intent, kind in _VALUE_INTENTS.items():
        key = {"side": "side", "duration": "minutes", "number": "number", "location": "location"}[kind]
        if key in slots:
            extra = {"bound": slots["bound"]} if kind == "duration" and "bound" in slots else {}
            return Heard(heard.text, intent, {key: slots[key], **extra}, heard.confidence)
    return None


def _start_over(dialogue: Dialogue, turn: _Step, heard: Heard) -> _Step:
    keep = turn.state
    fresh = _Step(dialogue.new_state().draft())
    fresh.state.number, fresh.state.locale = keep.number, keep.locale
    _say(fresh, "start_over")
    return _advance(fresh)


def _stop(dialogue: Dialogue, turn: _Step, heard: Heard) -> _Step:
    return _finish(turn, complete=False)


def _after_end(dialogue: Dialogue, turn: _Step, heard: Heard) -> _Step:
    if heard.intent == "StartOver":
        return _start_over(dialogue, turn, heard)
    if heard.intent == "Repeat":
        return _finish(turn, complete=turn.state.complete, repeat=True)
    _say(turn, "finished")
    return turn


_HANDLERS = {
    "Emergency": _emergency,
    "Help": _help,
    "Repeat": _repeat,
    "Why": _why,
    "Back": _back,
    "StartOver": _start_over,
    "Stop": _stop,
}


# ---- the end -----------------------------------------------------------------------------------------------

def _finish(turn: _Step, complete: bool, repeat: bool = False) -> _Step:
    state = turn.state
    state.open_question, state.finished, state.complete = None, True, complete
    number = state.number
    outcome = assess(state.findings, number, texts(state.locale).advice_line)
    emergency = outcome.level is Level.EMERGENCY and outcome.settled  # certain, not only cautious
    if not complete and not emergency:
        _say(turn, "stop_incomplete", number=number)
    else:
        _say_text(turn, _outcome_text(outcome, _texts(turn)), f"outcome_{outcome.level.name.lower()}")
    turn.events.append(_result(state, outcome, complete))
    if not repeat:
        log.info("finished level=%s complete=%s questions=%d", outcome.level.name, complete, _asked_count(state))
    return turn


def _outcome_text(outcome: Assessment, words: Texts) -> str:
    return f"{words.headline(outcome.level.name)} {outcome.advice} {outcome.safety_net} {outcome.disclaimer}"


def _asked_count(state: Draft) -> int:
    return len(state.asked)


def _answer_log(state: Draft) -> list[tuple[str, str]]:
    entries = []
    words = texts(state.locale)
    for qid in state.asked:
        answer = state.answers.get(qid, words.word("not_answered"))
        values = state.answer_values.get(qid, {})
        detail = "".join(f" ({name}: {value})" for name, value in values.items())
        entries.append((by_id(qid, state.locale).text, answer + detail))
    for name, value in {**state.said_values, **state.said_findings}.items():
        label = FINDINGS[name].label if name in FINDINGS else name
        entries.append((words.word("volunteered", name=label), str(value)))
    return entries


def _result(state: Draft, outcome: Assessment, complete: bool) -> Result:
    return Result(
        level=outcome.level.name,
        findings=outcome.findings.to_dict(),
        reasons=outcome.reasons,
        advice=outcome.advice,
        safety_net=outcome.safety_net,
        disclaimer=outcome.disclaimer,
        questions_asked=_asked_count(state),
        summary=clinician_summary(outcome, _answer_log(state)),
        rules=outcome.rules,
        complete=complete,
        emergency_number=state.number,
    )


def _texts(turn: _Step) -> Texts:
    return texts(turn.state.locale)


def _say(turn: _Step, key: str, **values: Any) -> None:
    """Say the reply `key` in the conversation's locale."""
    _say_text(turn, _texts(turn).reply(key, **values), key)


def _say_text(turn: _Step, text: str, key: str) -> None:
    turn.events.append(Say(text, ssml(text, turn.state.number), key))
