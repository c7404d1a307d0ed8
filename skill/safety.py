"""Safety rule 5, in one place: whatever fails after an emergency sign was heard, the emergency advice still
reaches the user.

Every front end keeps a SafetyNet for its conversation, tells it each state and each answer as they come
(`net.saw(state=..., heard=...)`), and when anything fails asks it for the advice to give (`net.advice()`):
the emergency advice if the latest state shows a red flag (even a state that does not validate), or the
answer being handled when it failed is an emergency (by its intent, or by a red flag in its words); None
otherwise. It never raises: it is what runs when something else already has.
"""

from __future__ import annotations

import logging
from typing import Any

from intents import Heard
from intents.redflags import verdict

from .dialogue import Dialogue, DialogueState, emergency_heard

__all__ = ["SafetyNet", "emergency_advice"]

log = logging.getLogger(__name__)


def emergency_advice(dialogue: Dialogue, *states: Any, heard: Heard | None = None) -> str | None:
    """The emergency advice if any of the states or the answer shows an emergency sign, else None."""
    if _is_emergency(heard) or any(_shows_emergency(state) for state in states):
        return dialogue.emergency_text()
    return None


class SafetyNet:
    """What one conversation has heard so far, for when something fails."""

    def __init__(self, dialogue: Dialogue) -> None:
        self.dialogue = dialogue
        self.state: Any = None
        self.heard: Heard | None = None

    def saw(self, state: Any = None, heard: Heard | None = None) -> None:
        """The latest state (kept until a newer one comes) and the answer now being handled."""
        if state is not None:
            self.state = state
        self.heard = heard

    def advice(self) -> str | None:
        return emergency_advice(self.dialogue, self.state, heard=self.heard)


def _is_emergency(heard: Heard | None) -> bool:
    if heard is None:
        return False
    if heard.intent == "Emergency":
        return True
    try:
        found = verdict(str(heard.text))
    except Exception:  # the net must not fail in its turn
        log.warning("safety net: could not read the answer")
        return False
    return found is not None and found.action == "emergency"


def _shows_emergency(state: Any) -> bool:
    if not isinstance(state, DialogueState | dict):
        return False
    try:
        return bool(emergency_heard(state))
    except Exception:  # a damaged state must not stop the net: nothing is taken from it
        log.warning("safety net: could not read the dialogue state")
        return False
