"""Natural typed answers written independently of the code (tests/data/natural_answers.yaml), through the real
matcher and dialogue: never lower than the label, and at least as many right as bench/RESULTS.md records."""

from __future__ import annotations

from bench.natural_answers import CORPUS, measure


def test_natural_answers_are_never_read_lower_and_do_not_go_back():
    result = measure(CORPUS)
    assert result["total"] >= 240
    assert result["counts"].get("no for a yes", 0) == 0, result["wrong"]
    assert result["counts"]["right"] >= 123  # bench/RESULTS.md: 51 at commit 1c5b5ea, 123 now
