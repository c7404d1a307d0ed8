"""Recognizer grammars generated from the intents data (never written by hand).

For each question kind (``KINDS``) the grammar accepts exactly ``phrases(kind)``: the kind's own answers,
Yes/No/DontKnow and the always-on intents (Emergency, Why, Help, Repeat, Back, StartOver, Stop), so a red
flag is heard whatever question is open.

- ``vosk_grammar(kind)``: the JSON phrase list Vosk takes in grammar mode, with "[unk]" so out-of-grammar
  speech has somewhere to go. Built with ``ensure_ascii=False``: Vosk's parser does not decode \\uXXXX.
- ``word_graph(kind)``: the same phrases as a minimal word graph (shared prefixes and suffixes), which a
  recognizer can load directly as a finite-state grammar (PocketSphinx does).
- ``words(kind)``: every word the grammar uses (a recognizer checks them against its model's vocabulary).
- ``phrase_intent(phrase, kind)``: the intent of a phrase, for a recognizer's safety checks.

All three are cached per kind: switching grammar between questions costs nothing after the first time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from .nlu import KINDS, match, phrases

__all__ = ["vosk_grammar", "vosk_grammar_of", "words", "words_of", "phrase_set", "normalised", "word_graph",
           "graph_of", "WordGraph", "UNKNOWN_WORD", "KINDS", "phrase_intent", "phrase_reading"]

UNKNOWN_WORD = "[unk]"
_END = ""  # key marking the end of a phrase in the prefix tree


def normalised(sentences: Iterable[str]) -> frozenset[str]:
    """The non-empty sentences with one space between words (how every grammar holds its phrases)."""
    return frozenset(" ".join(sentence.split()) for sentence in sentences if sentence.strip())


@cache
def phrase_set(kind: str) -> frozenset[str]:
    """The complete phrases the grammar for ``kind`` accepts (one space between words)."""
    return normalised(phrases(kind))


@lru_cache(maxsize=8192)
def phrase_intent(phrase: str, kind: str) -> str | None:
    """The intent a phrase of the grammar for ``kind`` reads as (None for a phrase not in it): what a
    recognizer needs for its safety checks (prefer an Emergency; ask more of a No) without matching text
    itself. Read phrase by phrase as they come up, so a grammar's first answer does not pay for them all.

    A phrase that answers "no" with more words ("no i can't": Ability, a no wherever "I can't" says nothing
    of the question) counts as "No" here, so it gets a No's stricter checks."""
    if phrase not in phrase_set(kind):
        return None
    heard = match(phrase, kind)
    if heard.intent == "Ability" and str(heard.slots.get("ability", "")).startswith("no_"):
        return "No"
    return heard.intent


@lru_cache(maxsize=8192)
def phrase_reading(phrase: str, kind: str) -> tuple[str | None, tuple]:
    """The intent and slots a phrase of the grammar for ``kind`` reads as (intent as ``phrase_intent``
    gives it): two recognizers agree when their phrases read the same ("yeah" and "yes it is")."""
    if phrase not in phrase_set(kind):
        return None, ()
    slots = match(phrase, kind).slots
    return phrase_intent(phrase, kind), tuple(sorted((key, str(value)) for key, value in slots.items()))


@cache
def words(kind: str) -> frozenset[str]:
    """Every word used by the grammar for ``kind``."""
    return words_of(phrase_set(kind))


def words_of(sentences: Iterable[str]) -> frozenset[str]:
    """Every word used by these sentences."""
    return frozenset(word for sentence in sentences for word in sentence.split())


def _tree(sentences: frozenset[str]) -> dict:
    root: dict = {}
    for sentence in sorted(sentences):
        node = root
        for word in sentence.split():
            node = node.setdefault(word, {})
        node[_END] = {}
    return root


@cache
def vosk_grammar(kind: str) -> str:
    """The Vosk grammar-mode JSON list: every phrase of ``kind`` plus "[unk]"."""
    return vosk_grammar_of(phrase_set(kind))


def vosk_grammar_of(sentences: Iterable[str]) -> str:
    """The Vosk grammar-mode JSON list of these sentences plus "[unk]" (non-ASCII kept as it is)."""
    return json.dumps(sorted(sentences) + [UNKNOWN_WORD], ensure_ascii=False)


@dataclass(frozen=True)
class WordGraph:
    """An acyclic word graph accepting exactly the phrases of a kind.

    States are numbers; ``arcs`` are ``(from_state, to_state, word)``, with ``word`` None for an empty arc
    (from a state where a phrase may end to ``final``)."""

    start: int  #: the state every phrase starts from
    final: int  #: the one state every phrase ends in
    arcs: tuple[tuple[int, int, str | None], ...]  #: the transitions, in a stable order


class _Minimizer:
    """Builds the minimal acyclic automaton of a prefix tree by merging states with equal futures."""

    def __init__(self) -> None:
        self.registry: dict[tuple, int] = {}
        self.arcs: list[tuple[int, int, str | None]] = []
        self.final = 0
        self.registry[(True, ())] = self.final

    def state(self, node: dict) -> int:
        outgoing = tuple(sorted((word, self.state(child)) for word, child in node.items() if word != _END))
        signature = (_END in node, outgoing)
        if signature not in self.registry:
            number = len(self.registry)
            self.registry[signature] = number
            self.arcs.extend((number, target, word) for word, target in outgoing)
            if _END in node:
                self.arcs.append((number, self.final, None))
        return self.registry[signature]


@cache
def graph_of(sentences: frozenset[str]) -> WordGraph:
    """The minimal word graph accepting exactly ``sentences`` (words separated by spaces)."""
    minimizer = _Minimizer()
    start = minimizer.state(_tree(sentences))
    return WordGraph(start=start, final=minimizer.final, arcs=tuple(minimizer.arcs))


def word_graph(kind: str) -> WordGraph:
    """The minimal word graph of ``phrase_set(kind)``."""
    return graph_of(phrase_set(kind))
