"""Red flags in natural replies written independently of the code (tests/data/red_flag_*.yaml), through the
real matcher and dialogue (bench/red_flags.py measures the same and writes the figures in bench/RESULTS.md).

red_flag_corpus.yaml has been used to improve the lexicon, so it must stay fully heard; red_flag_heldout.yaml
was measured once as written and is a floor against going back, not a target to tune to.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.red_flags import outcome, state_at

DATA = Path(__file__).parent / "data"


def _replies(name: str) -> list[dict]:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))["replies"]


def _outcomes(name: str) -> list[tuple[dict, str]]:
    replies = _replies(name)
    reached = {question: state_at(question) for question in {reply["question"] for reply in replies}}
    return [(reply, outcome(reply["text"], reply["question"], reached)) for reply in replies]


@pytest.mark.parametrize("name", ["red_flag_corpus.yaml", "red_flag_heldout.yaml"])
def test_corpus_is_well_formed(name):
    from intents.redflags import sources

    flags = set(sources())
    replies = _replies(name)
    assert len(replies) >= 200
    assert all(set(reply["says"]) <= flags and reply["text"].strip() for reply in replies)
    assert {flag for reply in replies for flag in reply["says"]} == flags


WORDS = ["no", "not", "my", "chest", "breathing", "is", "fine", "but", "?", ",", "blood", "cough", "i", "can't",
         "breathe", "just", "tight", "leg", "cold", "numb", "fingers", "never", "nearly", "fainted", "1985", "in",
         "don't", "think", "sure", "heart", "racing", "ok", "except", "nor", "neither", "other", "than", "it's"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=14), st.sampled_from([(), ("cough",), ("chest_pain",)]))
def test_the_reader_never_fails_on_any_mix_of_its_own_words(words, about):
    from intents.redflags import verdict

    found = verdict(" ".join(words), about)
    assert found is None or found.action in ("emergency", "check")


def test_every_red_flag_of_the_tuning_corpus_is_heard():
    results = _outcomes("red_flag_corpus.yaml")
    missed = [reply["text"] for reply, result in results if reply["says"] and result == "other"]
    alarms = [reply["text"] for reply, result in results if not reply["says"] and result == "emergency"]
    assert missed == []
    assert len(alarms) <= 2, alarms


def test_the_held_out_corpus_stays_at_least_as_well_heard_as_first_measured():
    """First measured (bench/RESULTS.md): 87 of 95 red-flag replies heard, 13 of 110 others sent to EMERGENCY."""
    results = _outcomes("red_flag_heldout.yaml")
    flagged = [result for reply, result in results if reply["says"]]
    others = [result for reply, result in results if not reply["says"]]
    assert sum(result != "other" for result in flagged) >= 87
    assert sum(result == "emergency" for result in others) <= 13
