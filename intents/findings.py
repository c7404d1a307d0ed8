"""The findings reader: what one answer says about every finding, whatever question is open.

Built on the lexicon reader (intents/redflags.py, data in lexicon/en.yaml: how people say each finding, and
the negation, doubt and time words around them), it gives for any text:

- `found`: each finding it mentions in its own words, as "yes" (said), "no" (denied: "no cough", "not
  swollen", "I haven't had an operation", "a knee op two years ago" to a three-month window: the time is
  read by intents/when.py and weighed by the lexicon reader) or "unknown"
  (in doubt: "not sure if it's swollen", "I wouldn't say I'm not breathless"); said beats doubt beats
  denied when a finding comes up twice ("no swelling... well, a bit swollen");
- `age` and `score`: an age ("I'm 67", "sixty-two years old") or a pain score ("7/10", "about a seven") if
  one is said;
- `hedged`: whether any negation or doubt word is in the answer at all, so that a finding whose yes could
  lower the level is only taken from a plain answer (skill.dialogue decides what to trust).

    read("not swollen but it's red")           # found {"swelling": "no", "redness_or_discoloration": "yes"}
    read("had a baby 3 weeks ago, on the pill")  # found {"pregnancy_or_postpartum": "yes", "estrogen": "yes"}
    answer_to(read("no swelling"), ("swelling",))   # "no"

Nothing here knows the thresholds (they are triage's): the dialogue compares ages and scores.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .redflags import DENIED, DOUBT, SAID, STRONG, _lexicon, mentions, words_of

__all__ = ["Reading", "answer_to", "minutes_of", "mostly", "number_of", "read", "says_the_rest", "second_hand",
           "side_of", "starts_with_a_no", "unsure"]

_ANSWER = {SAID: "yes", DOUBT: "unknown", DENIED: "no"}
_RANK = {"yes": 0, "unknown": 1, "no": 2}
"""Which reading wins when a finding is mentioned twice: said, then in doubt, then denied."""


@dataclass(frozen=True)
class Reading:
    text: str = ""
    """The text read."""
    found: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """finding -> "yes" | "no" | "unknown", for every finding the text names in its own words."""
    age: int | None = None
    score: int | None = None
    hedged: bool = False
    """True when the text holds a negation or doubt word anywhere."""
    doubtful: bool = False
    """True when the text holds a doubt word anywhere ("kind of", "not sure", "maybe")."""
    named: frozenset[str] = frozenset()
    """Every finding a word of the text names or points at ("cold" points at a cold, pale leg), whatever
    is said of it."""
    denied: frozenset[str] = frozenset()
    """Of those, the ones only ever denied ("not cold", "no redness at all")."""


def read(text: str, about: Iterable[str] = ()) -> Reading:
    """Every finding text names, with what it says of each (see the module docstring)."""
    if not text or not text.strip():
        return Reading()
    found: dict[str, str] = {}
    named: dict[str, set[str]] = {}
    for mention in mentions(text, about):
        named.setdefault(mention.finding, set()).add(mention.status)
        if mention.strength != STRONG:
            continue
        value = _ANSWER[mention.status]
        if mention.finding not in found or _RANK[value] < _RANK[found[mention.finding]]:
            found[mention.finding] = value
    words = words_of(text)
    doubtful = _doubtful(words)
    denied = frozenset(name for name, statuses in named.items() if statuses == {DENIED})
    return Reading(text, MappingProxyType(found), _age(words), _score(words),
                   doubtful or _hedged(words), doubtful, frozenset(named), denied)


def answer_to(reading: Reading, names: Iterable[str]) -> str | None:
    """What the reading says to a question about these findings: "yes" if one is said, "unknown" if one is
    in doubt, "no" if every one it mentions is denied, None if it mentions none of them."""
    values = [reading.found[name] for name in names if name in reading.found]
    if not values:
        return None
    return min(values, key=_RANK.__getitem__)


_DOUBT_WORDS = ("not sure", "maybe", "possibly", "perhaps", "i suppose", "hard to say", "don't know")


def _doubtful(words: list[str]) -> bool:
    """Real doubt ("not sure", "maybe", "kind of... I don't know"), not a soft yes ("a bit", "I think so")."""
    joined = f" {' '.join(words)} "
    return any(f" {phrase} " in joined for phrase in (*_lexicon().uncertain, *_DOUBT_WORDS))


def _hedged(words: list[str]) -> bool:
    lexicon = _lexicon()
    joined = f" {' '.join(words)} "
    if any(word.endswith("n't") for word in words):
        return True
    return any(f" {phrase} " in joined for phrase in (*lexicon.negators, *lexicon.uncertain, *lexicon.clause_negators))


# ---- numbers ------------------------------------------------------------------------------------------------

_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_NUMBER = (r"(\d{1,3}|(?:" + "|".join(_TENS) + r")(?: (?:" + "|".join(_UNITS) + r"))?|" + "|".join(_UNITS)
           + r"|a hundred(?: and \w+)?)")
_AGE = (
    re.compile(rf"(?<![^ ])(?:i'm|i am|she's|he's|she is|he is|mum's|mom's|dad's|mums|moms|dads|hes|shes|is|"
               rf"aged|age|turned|just turned) {_NUMBER}(?: years old| year old| years| yrs| yo)?"
               r"(?: \||$| and| but| so|,| next| now| this)"),
    re.compile(rf"(?<![^ ]){_NUMBER} (?:years old|year old|yrs old|yo|y o)(?![^ ])"),
)
_DECADES = re.compile(r"(?<![^ ])in (?:my|his|her|their) (twenties|thirties|forties|fifties|sixties|seventies|"
                      r"eighties|nineties)(?![^ ])")
_DECADE_AGE = {"twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 61, "seventies": 70,
               "eighties": 80, "nineties": 90}
"""The youngest age a decade can mean, except "in my sixties", which is over sixty for any age but 60."""
_SCORE = (
    re.compile(rf"(?<![^ ]){_NUMBER} (?:out of|outta|of) (?:10|ten)(?![^ ])"),
    re.compile(rf"(?<![^ ])(?:about|around|maybe|probably|like|a|an|it's|its|it is|say|solid|at least) "
               rf"(?:a |an )?{_NUMBER}(?: or so| ish)?(?= \||$| i'd| id| i would| now| at the moment| today| right)"),
    re.compile(rf"(?<![^ ]){_NUMBER}ish(?![^ ])"),
)


def number_of(text: str) -> int | None:
    """An integer said in digits or words ("67", "sixty seven", "a hundred and two"), or None."""
    text = " ".join(text.replace("-", " ").lower().split())
    if text.isdigit():
        return int(text)
    words = text.split()
    if words[:2] == ["a", "hundred"]:
        rest = number_of(" ".join(words[3:])) if len(words) > 3 else 0
        return 100 + (rest or 0)
    if words and words[0] in _TENS:
        return _TENS[words[0]] + (_UNITS.get(words[1], 0) if len(words) > 1 else 0)
    return _UNITS.get(text)


_NEARLY = re.compile(rf"(?<![^ ])(?:nearly|almost|coming up to|going on) {_NUMBER}(?![^ ])")


def _age(words: list[str]) -> int | None:
    joined = " ".join(words)
    nearly = _NEARLY.search(joined)
    if nearly and (number_of(nearly.group(1)) or 0) > 20:
        return (number_of(nearly.group(1)) or 1) - 1  # "nearly 70": 69 at least
    for pattern in _AGE:
        found = pattern.search(joined)
        if found:
            age = number_of(found.group(1))
            if age is not None and 0 < age < 130:
                return age
    decade = _DECADES.search(joined)
    return _DECADE_AGE[decade.group(1)] if decade else None


def _score(words: list[str]) -> int | None:
    """The last pain score said ("about a 9 during the cramp but down to a 3 now": 3, the pain now)."""
    joined = " ".join(words)
    found = sorted((match.start(), number_of(match.group(1)))
                   for pattern in _SCORE for match in pattern.finditer(joined))
    scores = [score for _start, score in found if score is not None and 0 <= score <= 10]
    return scores[-1] if scores else None


# ---- the value questions' answers in free words ---------------------------------------------------------------

_SIDES = {"left": "left", "lft": "left", "lt": "left", "l": "left", "right": "right", "rite": "right", "rt": "right",
          "rgt": "right", "r": "right", "both": "both"}
_LETTER_SIDE = frozenset({"l", "r"})
_LIMB = frozenset({"leg", "legs", "calf", "one", "side", "foot", "knee", "thigh", "ankle", "shin"})


def side_of(text: str) -> str | None:
    """The side an answer names in any words ("r leg", "just my left, the right is fine": left; "it started
    in the right and now the left as well": both), or None. "only" or "just" before a side picks it."""
    words = [word for word in words_of(text) if word not in ("|", "?")]
    found: list[tuple[int, str]] = []
    for index, word in enumerate(words):
        side = _SIDES.get(word)
        if side is None:
            continue
        if word in _LETTER_SIDE and not (index + 1 < len(words) and words[index + 1] in _LIMB) and len(words) > 1:
            continue  # "r" only as "r leg", or alone
        found.append((index, side))
    if not found:
        return None
    for index, side in found:
        before = words[max(0, index - 3):index]
        if side != "both" and ({"only", "just"} & set(before)):
            return side  # "both cramp at night but this is only the left"
    sides = {side for _index, side in found}
    if "both" in sides or sides == {"left", "right"}:
        return "both"
    return sides.pop()


_UNSURE = ("not sure", "unsure", "not certain", "no idea", "no clue", "idk", "dunno", "don't know", "do not know",
           "hard to tell", "hard to say", "difficult to say", "difficult to tell", "can't tell", "cannot tell",
           "couldn't say", "couldn't tell", "can't say", "can't remember", "don't remember", "who knows", "maybe",
           "might", "possibly", "perhaps", "can't see", "cannot see", "haven't checked", "haven't looked",
           "haven't tried", "not noticed", "never checked")


_SECOND_HAND = re.compile(r"\b(never mentioned|hasn't mentioned|not that (she|he|they)('s| has| have|'ve) "
                          r"(said|told me|mentioned)|i'm (just|only) (her|his|their) (neighbour|neighbor|friend|carer)|"
                          r"(i'd|i would|you'd|you would) have to ask|different (from|to) (my|the|his|her|their) "
                          r"usual)\b")


def second_hand(text: str) -> bool:
    """True when whoever answers says they would not know ("not that i know of, she's never mentioned one,
    i'm just her neighbour"), or that the question's premise does not fit ("not really, this is different
    from my usual cramps"): a no is then a "not known"."""
    return bool(_SECOND_HAND.search(" ".join(words_of(text))))


def unsure(text: str) -> bool:
    """True when an answer says the person does not know or cannot tell ("hard to say in this light")."""
    joined = f" {' '.join(words_of(text))} "
    return any(f" {phrase} " in joined for phrase in _UNSURE)


_DURATION_UNITS = {"second": 1 / 60, "sec": 1 / 60, "minute": 1, "min": 1, "hour": 60, "hr": 60, "day": 1440,
                   "night": 1440, "week": 10080, "month": 43200}
_DURATION = re.compile(rf"(?<![^ ]){_NUMBER.replace('(', '(?:', 1)[:-1]}|a few|few|a couple of|a couple|couple of|"
                       r"several|a|an|one) ?(?P<unit>second|sec|minute|min|hour|hr|day|night|week|month)s?(?![^ ])")
_MORE = ("over", "more than", "longer than", "at least", "well over", "past", "upwards of", "going on", "more like")
_LESS = ("under", "less than", "not even", "nearly", "almost", "not quite", "barely", "just under", "shorter than",
         "no more than", "max", "only")
_ABOUT = ("about", "around", "roughly", "approximately", "approx", "or so", "ish", "give or take", "something like")
_LONG = ("since last night", "since yesterday", "since this morning", "since the morning", "since i woke",
         "since lunchtime", "since monday", "since the weekend", "all day", "all night", "ever since", "constant",
         "constantly", "non stop", "nonstop", "hasn't stopped", "not stopped", "won't go", "doesn't go away",
         "hasn't gone", "for hours", "for days", "for weeks", "hours and hours", "days now", "still going")


def minutes_of(text: str) -> tuple[float, str | None] | None:
    """A duration said in any words, as (minutes, bound) with bound "more", "less", "about" or None
    ("went on for ages, well over ten minutes": 10, more; "its been constant for two days": 2880; "since
    last night": more than 60), or None when no duration is said."""
    words = words_of(text)
    joined = " ".join(word for word in words if word not in ("|", "?"))
    found = _DURATION.search(joined)
    if found:
        count_text = found.group(0)[:found.start("unit") - found.start()].strip()
        count = {"a few": 3, "few": 3, "a couple of": 2, "a couple": 2, "couple of": 2, "several": 5, "a": 1,
                 "an": 1}.get(count_text)
        count = count if count is not None else number_of(count_text)
        if count is None:
            return None
        before = f" {joined[:found.start()]} "[-16:]
        after = f" {joined[found.end():]} "[:12]
        bound = next((name for name, phrases in (("more", _MORE), ("less", _LESS), ("about", _ABOUT))
                      if any(f" {phrase} " in before or (name != "more" and f" {phrase} " in after)
                             for phrase in phrases)), None)
        return float(count) * _DURATION_UNITS[found.group("unit")], bound
    if any(f" {phrase} " in f" {joined} " for phrase in _LONG):
        return 60.0, "more"
    return None


# ---- how an answer is put: phrases the dialogue weighs a reading with ------------------------------------------

_THE_REST = re.compile(r"\b(nothing else|none of the (rest|others)|nothing like that|none of (that|those|them|it)|"
                       r"nothing of the sort|nothing (since|recent|recently|lately|now)|or anything|not on anything|"
                       r"all clear|either|neither|nor|no to all|nothing at all|anything else|any of (that|those|it)|"
                       r"the rest|all fine|all good|all normal|not in the last|nothing in the last|not recently|"
                       r"nothing recent)\b", re.IGNORECASE)


def says_the_rest(text: str) -> bool:
    """The answer speaks of the rest of a grouped question too ("no chest pain, nothing else", "none of
    those"): a no to one part is then a no to all."""
    return bool(_THE_REST.search(text))


_MOSTLY = re.compile(r"\b(mostly|mainly|largely|mostly the|more the|predominantly)\b", re.IGNORECASE)
_PARTICLE_FIRST = re.compile(r"^\W*(no|nope|nah|naw|n|never)\b\s*([,.;:!-]|(and|but|i|i'm|im|it|its|it's|she|he|they|"
                             r"we|my|the|not|never|nothing|none|just|only|all|everything|that|this|there|mum|dad|"
                             r"she's|he's|thats|that's|definitely|def|nope|no)\b|$)", re.IGNORECASE)


def starts_with_a_no(text: str) -> bool:
    """The answer opens with a no of its own ("no, skin looks normal", "no I'm fine"), not a "no" that is
    part of a denial ("no cough")."""
    return bool(_PARTICLE_FIRST.match(text))


def mostly(text: str) -> bool:
    """A side said with "mostly" or "mainly" ("left one mostly"): perhaps not one leg only."""
    return bool(_MOSTLY.search(text))
