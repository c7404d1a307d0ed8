"""Bounded spelling repair for the findings reader: "swolen" -> "swollen", "pian" -> "pain", "brethless" ->
"breathless".

A word is repaired only when all of these hold, so that short words cannot turn into each other ("no" /
"now", "know" / "no", "cold" / "could") and real words are never changed ("bloody" stays "bloody", not
"blood"):

- it is not a word of the lexicon already, has no digit or apostrophe, and is at least MIN_LENGTH letters;
- it is not an English word (pyspellchecker's frequency list, which knows "bloody", "cheat", "paid");
- one lexicon word of the same first letter is within MAX_EDITS (optimal string alignment distance, so
  that a swap of two letters is one edit: "pian"), and no other lexicon word is as near (a tie is left).

The repair is only ever offered to the lexicon reader (intents.redflags.mentions): the templates keep the
words as given.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from rapidfuzz.distance import OSA
from rapidfuzz.process import extract
from spellchecker import SpellChecker

MIN_LENGTH = 4
"""Shorter words are never repaired: at three letters nearly every word is one edit from another."""


def max_edits(word: str) -> int:
    """Edits allowed for a word of this length: one up to seven letters, two from eight ("brethless")."""
    return 1 if len(word) < 8 else 2


@functools.cache
def _english() -> SpellChecker:
    """pyspellchecker's English word list (about 1 MB, loaded once)."""
    return SpellChecker(language="en", distance=1)


class Speller:
    """Repairs words towards one vocabulary (the lexicon's words)."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self.vocabulary = frozenset(word for word in vocabulary if word.isalpha())
        by_letter: dict[str, list[str]] = {}
        for word in sorted(self.vocabulary):
            by_letter.setdefault(word[0], []).append(word)
        self._by_letter = {letter: tuple(words) for letter, words in by_letter.items()}

    def repair(self, word: str) -> str:
        """The lexicon word this one is a misspelling of, or the word as it is."""
        if (len(word) < MIN_LENGTH or word in self.vocabulary or not word.isalpha()
                or word in _english().word_frequency):
            return word
        limit = max_edits(word)
        near = extract(word, self._by_letter.get(word[0], ()), scorer=OSA.distance, score_cutoff=limit, limit=2)
        if not near or (len(near) > 1 and near[1][1] == near[0][1]):
            return word
        return near[0][0]

    def words(self, words: list[str]) -> list[str]:
        return [self.repair(word) for word in words]
