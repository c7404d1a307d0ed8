"""When something happened, as days before now, from the words of an answer ("three weeks ago", "last
month", "yesterday", "a couple of years back"): the findings reader compares it with a risk factor's window
("an operation in the last three months": 90 days).

Only times said as before now count: "30 weeks pregnant" and "for three days" are not times ago. A time that
cannot be placed ("recently", "a while ago") gives None, and the reader leaves the finding as said.
"""

from __future__ import annotations

import re

UNITS = {"day": 1, "night": 1, "week": 7, "wk": 7, "fortnight": 14, "month": 30.4, "mo": 30.4, "year": 365.25,
         "yr": 365.25}
"""Days per unit."""

_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "couple": 2, "a couple": 2, "a couple of": 2, "couple of": 2, "few": 3, "a few": 3,
    "several": 4, "a fair few": 4, "half a": 0.5, "a half": 0.5,
}
_COUNT = "|".join(sorted((re.escape(word) for word in _NUMBERS), key=len, reverse=True))
_UNIT = r"(?P<unit>day|night|week|wk|fortnight|month|mo|year|yr)s?"
_AGO = re.compile(
    rf"(?<![^ ])(?P<count>\d+(?:\.\d+)?|{_COUNT})(?: and a half)? (?:or so |odd )?{_UNIT}"
    rf"(?: and a half)? (?:ago|back|before|earlier|previously)(?![^ ])")
_LAST = re.compile(rf"(?<![^ ])(?:last|past|previous|this) {_UNIT}(?![^ ])")
_RECENT_WORDS = {"yesterday": 1, "today": 0, "tonight": 0, "this morning": 0, "last night": 1, "the other day": 3,
                 "day before yesterday": 2, "earlier this week": 3, "earlier today": 0, "this week": 3}
_RECENT = re.compile(
    r"(?<![^ ])(" + "|".join(sorted(map(re.escape, _RECENT_WORDS), key=len, reverse=True)) + r")(?![^ ])")


def days_ago(words: list[str]) -> float | None:
    """Days before now of the first time said in these words, or None when none can be placed."""
    joined = " ".join(words)
    found: list[tuple[int, float]] = []
    for match in _AGO.finditer(joined):
        count = match.group("count")
        number = float(count) if count[0].isdigit() else float(_NUMBERS[count])
        if "and a half" in match.group(0):
            number += 0.5
        found.append((match.start(), number * UNITS[match.group('unit')]))
    for match in _LAST.finditer(joined):
        unit = UNITS[match.group('unit')]
        found.append((match.start(), unit if not match.group(0).startswith("this") else unit / 2))
    for match in _RECENT.finditer(joined):
        found.append((match.start(), float(_RECENT_WORDS[match.group(1)])))
    return min(found)[1] if found else None
