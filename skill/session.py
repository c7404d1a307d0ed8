"""One conversation as every front end drives it: answers in, events out, with the safety net built in.

    session = Session(dialogue)                 # or Session(dialogue, state) to go on from a stored state
    events = session.start()                    # the welcome and the first question
    while not session.finished:
        events = session.answer(heard)          # one Heard per answer (typed, spoken or an Alexa intent)
    session.result                              # the Result event

Safety rule 5 lives here: the session keeps its latest state and the answer being handled, and
`session.rescue()` gives the emergency advice if either shows an emergency sign (even a state that does not
validate), else None. A front end calls it wherever anything fails, its own output included, and says what
it gets; it never raises. (skill/safety.py holds the reading of states and answers it uses.)
"""

from __future__ import annotations

from typing import Any

from intents import Heard

from .dialogue import Dialogue, DialogueState, Turn
from .events import Ask, Event, Result
from .safety import SafetyNet

__all__ = ["Session"]


class Session:
    def __init__(self, dialogue: Dialogue, state: DialogueState | dict[str, Any] | None = None) -> None:
        self.dialogue = dialogue
        self._net = SafetyNet(dialogue)
        self._turn: Turn | None = None
        self._stored = state
        if state is not None:
            self._net.saw(state=state)

    def start(self) -> tuple[Event, ...]:
        """Begin a new conversation."""
        return self._take(self.dialogue.start())

    def answer(self, heard: Heard) -> tuple[Event, ...]:
        """One answer to the open question. A session given no state and not started is started first (its
        welcome is not returned: a one-shot request answers at once)."""
        self._net.saw(heard=heard)
        if self._turn is None and self._stored is None:
            self.start()
            self._net.saw(heard=heard)
        state = self._turn.state if self._turn is not None else self._stored
        return self._take(self.dialogue.respond(state, heard))

    def _take(self, turn: Turn) -> tuple[Event, ...]:
        self._turn = turn
        self._net.saw(state=turn.state)
        return turn.events

    def rescue(self) -> str | None:
        """The emergency advice if anything heard so far shows an emergency sign, else None (never raises)."""
        return self._net.advice()

    @property
    def resumed(self) -> bool:
        """It was given a stored state to go on from."""
        return self._stored is not None

    @property
    def turn(self) -> Turn | None:
        return self._turn

    @property
    def state(self) -> DialogueState | None:
        return self._turn.state if self._turn is not None else None

    @property
    def finished(self) -> bool:
        return self._turn is not None and self._turn.finished

    @property
    def open_question(self) -> Ask | None:
        return self._turn.open_question if self._turn is not None else None

    @property
    def result(self) -> Result | None:
        return self._turn.result if self._turn is not None else None
