"""Recognizer grammars generated from intents/: they accept exactly the phrases of each kind, always hold the
red flags and the always-on commands, and every word can be pronounced by the embedded recognizer."""

from __future__ import annotations

import json

import pytest

from intents import KINDS, grammars, match, phrases
from speech.errors import ModelError
from speech.pocketsphinx_engine import pronunciation

ALWAYS_ON = ("Emergency", "Why", "Help", "Repeat", "Back", "StartOver", "Stop", "Yes", "No", "DontKnow")
SYMPTOMS = ("breathless", "chest_pain", "coughing_blood", "fainting_or_racing_heart", "cold_pale_or_numb")


@pytest.fixture(scope="module")
def decoder():
    from pocketsphinx import Decoder

    return Decoder(loglevel="FATAL")


def _paths(graph: grammars.WordGraph) -> set[str]:
    """Every phrase the word graph accepts (walking it depth first)."""
    arcs: dict[int, list[tuple[int, str | None]]] = {}
    for source, target, word in graph.arcs:
        arcs.setdefault(source, []).append((target, word))
    found: set[str] = set()
    stack = [(graph.start, ())]
    while stack:
        state, words = stack.pop()
        if state == graph.final:
            found.add(" ".join(words))
        for target, word in arcs.get(state, ()):
            stack.append((target, words + ((word,) if word else ())))
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_word_graph_accepts_exactly_the_phrases(kind):
    graph = grammars.word_graph(kind)
    assert _paths(graph) == set(grammars.phrase_set(kind))
    assert len({source for source, _, _ in graph.arcs}) < len(grammars.phrase_set(kind))


@pytest.mark.parametrize("kind", KINDS)
def test_phrase_set_is_the_intents_phrases(kind):
    assert grammars.phrase_set(kind) == {" ".join(p.split()) for p in phrases(kind)}
    assert grammars.words(kind) == {w for p in phrases(kind) for w in p.split()}


@pytest.mark.parametrize("kind", KINDS)
def test_vosk_grammar_lists_every_phrase_and_unk(kind):
    listed = json.loads(grammars.vosk_grammar(kind))
    assert listed[-1] == "[unk]"
    assert sorted(listed[:-1]) == sorted(grammars.phrase_set(kind))
    assert "\\u" not in grammars.vosk_grammar(kind)


@pytest.mark.parametrize("kind", KINDS)
def test_every_grammar_hears_red_flags_and_commands(kind):
    sample = sorted(grammars.phrase_set(kind))
    readings = [match(phrase, kind) for phrase in sample]
    intents = {heard.intent for heard in readings}
    assert None not in intents
    assert set(ALWAYS_ON) <= {match(p, kind).intent for p in _one_per_intent(kind)}
    symptoms = {match(p, kind).slots.get("symptom") for p in grammars.phrase_set(kind) if "breath" in p
                or "chest" in p or "blood" in p or "faint" in p or "numb" in p or "cold" in p}
    assert set(SYMPTOMS) <= symptoms


def _one_per_intent(kind: str) -> list[str]:
    wanted = ["yes", "no", "i don't know", "why", "help", "repeat that", "go back", "start over", "stop",
              "i can't breathe"]
    present = [p for p in wanted if p in grammars.phrase_set(kind)]
    assert present == wanted, f"{kind} grammar lacks {set(wanted) - set(present)}"
    return present


@pytest.mark.parametrize("kind", KINDS)
def test_pocketsphinx_can_pronounce_every_grammar_word(kind, decoder):
    unknown = sorted(w for w in grammars.words(kind) if pronunciation(decoder, w) is None)
    assert unknown == []


def test_composed_pronunciations(decoder):
    assert pronunciation(decoder, "teatime") == f"{decoder.lookup_word('tea')} {decoder.lookup_word('time')}"
    assert pronunciation(decoder, "paralysed") == decoder.lookup_word("paralyzed")
    assert pronunciation(decoder, "qzxv") is None


def test_unknown_kind_is_a_clear_error():
    from speech.recognizer import make_recognizer

    with pytest.raises(ModelError, match="kind"):
        make_recognizer(kind="colour")


def test_none_is_typed_only_never_in_a_spoken_grammar():
    """Spoken, "none" is close to "yes" in noise (bench/voice.py): a red-flag yes must never become a no."""
    from intents import KINDS, phrases

    assert not any("none" in phrase.split() for kind in KINDS for phrase in phrases(kind))
