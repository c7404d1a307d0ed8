"""Text matcher: typed or transcribed text in, a Heard out.

Matching is done by hassil against the templates in sentences/en.yaml, in passes that go from strict to
lenient. The pass that first produces a match sets the confidence (see CONFIDENCE below), so the number
means "how much had to be forgiven before the text fitted a template", not a made-up score:

1. the text as given (hassil folds case and strips punctuation): 1.0
2. filler words ("um", "well", "I think"...) stripped from the start and end only: 0.9
3. hassil's skip words removed anywhere in the sentence: 0.8
4. our own spelling repairs (missing apostrophes such as "dont", "cant", "im"; "20mins"; hyphens), then
   passes 1-3 again: 0.7
5. clause by clause, for an answer no template fits whole ("yeah and its red", "nope looks normal", "just
   my left, the right is fine", "not cold no"): the text is cut at clause breaks (punctuation, "but",
   "and"...) and after a leading (or before a trailing) yes or no, and each part is matched as in 1-4; the
   open question's own answers win, and parts that answer both yes and no leave it not understood: 0.6
6. red flags spotted: a red flag said anywhere in the answer, in any phrasing the red-flag lexicon knows
   ("no chest pain but I can't breathe", "yes and I feel a bit breathless", "call 911"): 0.7. The reader
   (intents/redflags.py, lexicon/en.yaml) handles negation and doubt with scope, as clinical text readers
   do: "no chest pain or shortness of breath" is no red flag; "not sure if I'm breathless" is one.

Spotting also runs when a whole-sentence match was something other than Emergency, so an emergency is
never hidden by another reading.

When several intents match, Emergency wins, then the open question's own answers, then the fixed order in
PRIORITY. Kind-specific rules are applied last (see _apply_kind).
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from hassil import Intents, RecognizeResult, recognize_all
from hassil.sample import sample_sentence
from hassil.util import normalize_text, remove_skip_words

from .errors import IntentsError, UnknownKindError
from .indexed import indexed
from .redflags import verdict

log = logging.getLogger(__name__)

SENTENCES = Path(__file__).parent / "sentences" / "en.yaml"

KINDS = ("yes_no", "side", "location", "duration", "number")

ALWAYS_ON = ("Emergency", "Why", "Help", "Repeat", "Back", "StartOver", "Stop")
"""Intents recognised whatever question is open."""

ANSWERS = ("Yes", "No", "DontKnow", "Ability")
"""Answers every kind of question accepts."""

KIND_INTENTS = {
    "yes_no": ANSWERS,
    "side": ("Side", *ANSWERS),
    "location": ("Location", *ANSWERS),
    "duration": ("Duration", *ANSWERS),
    "number": ("Number", *ANSWERS),
}
"""The open question's own answers, by kind."""

PRIORITY = (
    "Emergency", "Back", "StartOver", "Stop", "Repeat", "Why", "Help", "DontKnow",
    "Side", "Location", "Duration", "Number", "Ability", "No", "Yes",
)
"""Tie-break order when one text matches several intents (Emergency always first)."""

CONFIDENCE = {"exact": 1.0, "edges": 0.9, "skip_words": 0.8, "repaired": 0.7, "spotted": 0.7, "clauses": 0.6}
"""Confidence by the matching pass that succeeded (see the module docstring)."""

BARE_NUMBER_UNDER_DURATION = 0.5
"""Confidence factor for a bare number ("two") answering a duration question: the unit is unknown, so
it comes back as Number and the dialogue should ask for the unit rather than guess minutes."""

MAX_WORDS = 40
"""Longer texts are cut to this many words for whole-text matching (no template is that long)."""



_FILLERS = (
    "um", "umm", "uh", "uhh", "er", "erm", "ehm", "hmm", "hm", "ah", "oh", "well", "like", "so", "okay",
    "ok", "i think", "i guess", "please", "you know", "let me think", "let me see", "right so", "only", "love",
    "mate", "dear", "lol", "haha", "thanks", "thank you", "tbh", "honestly", "to be honest", "i suppose",
)
_FILLER_WORDS = "|".join(re.escape(f) for f in sorted(_FILLERS, key=len, reverse=True))
_FILLER_START = re.compile(rf"^(?:(?:{_FILLER_WORDS})\b[\s,.!?]*)+", re.IGNORECASE)
_FILLER_END = re.compile(rf"(?:[\s,.!?]+(?:{_FILLER_WORDS}))+[\s,.!?]*$", re.IGNORECASE)
_REPAIRS = (
    (r"\b(do|does|did|is|was|were|are|have|has|could|would|should|wo|ca)nt\b", r"\1n't"),
    (r"\bcannot\b", "can't"),
    (r"\bim\b", "i'm"),
    (r"\bive\b", "i've"),
    (r"\bid\b", "i'd"),
    (r"\bits\b", "it's"),
    (r"\bthats\b", "that's"),
    (r"\btheres\b", "there's"),
    (r"\bwhats\b", "what's"),
    (r"\blets\b", "let's"),
    (r"[\u2018\u2019]", "'"),
    (r"\b(\d+)\s*(?:y/o|y\.o\.)", r"\1 years old"),
    (r"\b(\d+)\s*/\s*10\b", r"\1 out of 10"),
    (r"\b(\d+)\.5\b", r"\1 and a half"),
    (r"(\d)([a-z])", r"\1 \2"),
    (r"(\w)-(\w)", r"\1 \2"),
    (r"\b1/2\b", "and a half"),
    (r"\b(\d+) yo\b", r"\1 years old"),
    (r"\byrs?\b", "years"),
    (r"\bparalysed\b", "paralyzed"),
    (r"\s+", " "),
)
@dataclass(frozen=True)
class Heard:
    """What the matcher (or a recognizer) understood from one answer."""

    text: str
    """The text that was matched, as given."""
    intent: str | None
    """Intent name, or None when not understood."""
    slots: dict = field(default_factory=dict)
    """Slot values; keys and values are documented in intents/__init__.py."""
    confidence: float = 0.0
    """0..1: the matcher's own confidence (see CONFIDENCE); a recognizer may lower it."""

    def to_json(self) -> dict:
        """A JSON-able dict: {"text", "intent", "slots", "confidence"}."""
        return {
            "text": self.text,
            "intent": self.intent,
            "slots": dict(self.slots),
            "confidence": self.confidence,
        }

    @classmethod
    def from_json(cls, data: dict) -> Heard:
        """The Heard of a to_json() dict (keys it does not know are ignored)."""
        return cls(str(data.get("text", "")), data.get("intent"), dict(data.get("slots") or {}),
                   float(data.get("confidence", 0.0)))

    @property
    def understood(self) -> bool:
        return self.intent is not None


NOT_UNDERSTOOD = Heard("", None, {}, 0.0)
"""Nothing heard, or nothing to trust: the dialogue asks again (never "no")."""
STOPPED = Heard("", "Stop", {}, 1.0)
"""The input ended (Ctrl-D, end of a file or recording): stop, never assume "no"."""


@functools.cache
def _source() -> dict:
    """sentences/en.yaml as a dict."""
    try:
        with SENTENCES.open(encoding="utf-8") as yaml_file:
            return yaml.safe_load(yaml_file)
    except (OSError, yaml.YAMLError) as err:
        raise IntentsError(f"cannot read intent templates from {SENTENCES}: {err}") from err


def _parse(data: dict) -> Intents:
    try:
        return Intents.from_dict(data)
    except (ValueError, KeyError, TypeError) as err:
        raise IntentsError(f"bad intent templates in {SENTENCES}: {err}") from err


@functools.cache
def load_intents() -> Intents:
    """The parsed intents of sentences/en.yaml, as written (cached; do not modify the result)."""
    return _parse(_source())


@functools.cache
def _lenient_intents() -> Intents:
    """The matcher's copy of the intents (flat alternations indexed, see indexed.py), with skip words."""
    return _parse(indexed(_source()))


@functools.cache
def _strict_intents() -> Intents:
    """The matcher's copy without skip words (hassil always adds the file's skip words)."""
    return replace(_lenient_intents(), skip_words=[])


_NUMBER_WORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|"
                 "forty five|sixty|a few|few|a couple of|a couple|couple of|several|a|an")
_WORD_VALUES = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
                "forty five": 45, "sixty": 60, "a few": 3, "few": 3, "a couple of": 2, "a couple": 2,
                "couple of": 2, "several": 5, "a": 1, "an": 1}
_UNIT_MINUTES = {"sec": 1 / 60, "second": 1 / 60, "min": 1, "minute": 1, "hour": 60, "hr": 60, "day": 1440}
_COUNT = rf"(\d+(?:\.\d+)?|{_NUMBER_WORDS})"
_UNIT = r"(sec|second|min|minute|hour|hr|day)s?"
_EPISODE = re.compile(rf"\b{_COUNT}\s*(?:or so\s+)?{_UNIT}\s+(?:or so\s+)?(?:each time|at a time|every time|a time|"
                      rf"each|a go|per go|per episode|each go|each one|tops|max|at most)\b", re.IGNORECASE)
_RANGE = re.compile(rf"\b(?:(\d+(?:\.\d+)?)\s*(?:to|-|–|or)\s*(\d+(?:\.\d+)?)|({_NUMBER_WORDS})\s+(?:to|or)\s+"
                    rf"({_NUMBER_WORDS}))\s*{_UNIT}\b", re.IGNORECASE)


def _count(word: str) -> float:
    word = word.lower()
    return float(word) if word[0].isdigit() else float(_WORD_VALUES[word])


def duration_forms(text: str) -> dict | None:
    """Duration slots for two forms the templates cannot give: an episode ("a few minutes each time", "two
    minutes at a time": the pain comes and goes, and each bout is what is asked) and a range ("5 to 15
    minutes": minutes, the longer, as the templates give it, and minutes_low; the answer is known only if
    both agree)."""
    episode = _EPISODE.search(text)
    if episode:
        minutes = _count(episode.group(1)) * _UNIT_MINUTES[episode.group(2).lower()]
        return {"minutes": round(minutes, 6), "episode": "each"}
    found = _RANGE.search(text)
    if found:
        unit = _UNIT_MINUTES[found.group(5).lower()]
        first, second = (found.group(1), found.group(2)) if found.group(1) else (found.group(3), found.group(4))
        low, high = sorted((_count(first) * unit, _count(second) * unit))
        return {"minutes": round(high, 6), "minutes_low": round(low, 6)}
    return None


def match(text: str, kind: str | None = None) -> Heard:
    """Match one answer to an intent and its slots. kind is the open question's kind (KINDS) or None."""
    if not isinstance(text, str):
        raise IntentsError(f"match() needs text as a str, got {type(text).__name__}")
    check_kind(kind)
    readings, confidence = _readings(text)
    if not readings:
        forms = duration_forms(text) if kind == "duration" else None
        if forms is not None:
            return Heard(text, "Duration", forms, CONFIDENCE["clauses"])
        log.debug("not understood (kind=%s)", kind)
        return Heard(text, None, {}, 0.0)
    intent, slot_items = _choose(readings, kind)
    intent, slots, confidence = _apply_kind(intent, dict(slot_items), confidence, kind)
    if intent in ("Duration", "Number") or (kind == "duration" and intent not in ("Emergency", "Yes", "No")):
        forms = duration_forms(text)
        if forms is not None and "episode" in forms:
            intent, slots = "Duration", {**{k: v for k, v in slots.items() if k != "bound"}, **forms}
        elif forms is not None:
            intent, slots = "Duration", {**forms, **slots, "minutes_low": forms["minutes_low"]}
    log.debug("matched a reading (kind=%s, confidence=%.2f)", kind, confidence)  # never which one
    return Heard(text, intent, slots, confidence)


def check_kind(kind: str | None) -> None:
    """Raise UnknownKindError unless kind is None or one of KINDS."""
    if kind is not None and kind not in KINDS:
        raise UnknownKindError(f"unknown question kind {kind!r}; expected None or one of {KINDS}")


Reading = tuple[str, tuple[tuple[str, Any], ...]]
"""One way of reading a text: (intent name, slot items)."""


def _readings(text: str) -> tuple[tuple[Reading, ...], float]:
    """Every reading of text from the first pass that matches, with that pass's confidence.

    An emergency clause spotted inside the text replaces the readings when no whole-text reading is an
    Emergency. Not cached on purpose: a cache would keep what people said about their bodies in memory
    after their session.
    """
    words = text.split()
    readings: tuple[Reading, ...] = ()
    confidence = 0.0
    for candidate, intents, pass_confidence in _attempts(" ".join(words[:MAX_WORDS])):
        results = _recognize(candidate, intents)
        if results:
            readings = tuple((result.intent.name, tuple(_slots(result).items())) for result in results)
            confidence = pass_confidence
            break
    if not readings:
        readings = _clause_readings(" ".join(words[:MAX_WORDS]))
        confidence = CONFIDENCE["clauses"] if readings else 0.0
    if any(name == "Emergency" for name, _slots_items in readings):
        return readings, confidence
    spotted = red_flag_slots(text)
    if spotted is not None:
        return (("Emergency", tuple(spotted.items())),), CONFIDENCE["spotted"]
    return readings, confidence


_CLAUSE_BREAK = re.compile(r"\s*(?:[,.;:!?()]+|\b(?:but|and|though|although|cos|coz|because|"
                           r"(?<!think )(?<!guess )(?<!hope )(?<!believe )(?<!suppose )(?<!say )(?<!said )so|"
                           r"however|plus|"
                           r"except|apart from|only that|actually|wait|i mean|hang on|or rather)\b)\s*", re.IGNORECASE)
_PARTICLE = r"(?:yes|yess|yeah|yeh|yea|yep|yup|ya|yah|aye|y|no|noo|nope|nah|naw|n|nay|def not|definitely not)"
_LEADING = re.compile(rf"^(?:(?:um+|uh+|er+m?|well|oh|ok|okay)\s+)?({_PARTICLE})\s+(?!(?:idea|clue|sure|doubt|"
                      rf"longer|more|problem|wonder|matter|one|thanks|i know)\b)(.+)$", re.IGNORECASE)
_TRAILING = re.compile(rf"^(.+?(?<!\bsay)(?<!\bsaid)(?<!\bnot)(?<!\bthan)(?<!\bor))\s+({_PARTICLE})$", re.IGNORECASE)
_CORRECTION = re.compile(r"\b(actually|wait|sorry|i mean|hang on|no wait|or rather|on second thoughts?)\b",
                         re.IGNORECASE)
_CLAUSE_ANSWERS = ("Yes", "No", "DontKnow")


def _clauses(text: str) -> list[str]:
    """The parts of an answer: cut at clause breaks, and after a leading yes or no ("yes very tender") or
    before a trailing one ("not cold no")."""
    parts: list[str] = []
    for part in _CLAUSE_BREAK.split(text):
        part = part.strip()
        if not part:
            continue
        bare = strip_fillers(part, end=False)  # "lol no im a bloke": the no after a filler leads too
        leading, trailing = _LEADING.match(bare), _TRAILING.match(part)
        if leading:
            parts += [leading.group(1), leading.group(2)]
        elif trailing:
            parts += [trailing.group(1), trailing.group(2)]
        else:
            parts.append(part)
    return parts


def _clause_readings(text: str) -> tuple[Reading, ...]:
    """Pass 5 (module docstring): the readings of the parts of an answer no template fits whole. A value
    (a side, a duration, a number, a place) is kept from every part; a yes, no or "not sure" only when the
    parts agree."""
    parts = _clauses(text)
    if len(parts) < 2:
        return ()
    found: list[tuple[int, Reading]] = []
    for index, part in enumerate(parts):
        for candidate, intents, _confidence in _attempts(part):
            results = _recognize(candidate, intents)
            if results:
                found.extend((index, (result.intent.name, tuple(_slots(result).items()))) for result in results
                             if result.intent.name != "Emergency")  # the red-flag reader reads the whole text
                break
    answers = [(index, reading) for index, reading in found if reading[0] in _CLAUSE_ANSWERS]
    if any(reading[0] == "No" for _index, reading in answers):
        # "no, it's warm and I can wiggle my toes fine": the no answers, "I can" only says why ("no, I can't"
        # stays an Ability: what it means depends on the question)
        found = [(index, reading) for index, reading in found
                 if not (reading[0] == "Ability" and dict(reading[1]).get("ability") == "can")]
    values = tuple(reading for _index, reading in found if reading[0] not in _CLAUSE_ANSWERS)
    if len({reading[0] for _index, reading in answers}) > 1:
        last_index, last = answers[-1]
        if _CORRECTION.search(text) and len(parts) - last_index <= 3:
            return (*values, last)  # "nah it's fine, actually yes it is a bit": the last word stands
        return values  # "yes and no", or a correction that trails off into something else: not understood
    return tuple(reading for _index, reading in found)


def red_flag_slots(text: str, about: tuple[str, ...] = ()) -> dict | None:
    """The Emergency slots for a red flag said anywhere in text (intents/redflags.py), or None.

    A request for help ("call 911", "ambulance") has no symptom slot, as the Emergency templates give it."""
    found = verdict(text, about)
    if found is None or found.action != "emergency":
        return None
    return found.slots


def _attempts(text: str):
    """(text, intents, confidence) for each pass, strict first; passes that would change nothing are left out."""
    strict, lenient = _strict_intents(), _lenient_intents()
    yield text, strict, CONFIDENCE["exact"]
    edges = text
    for trimmed in dict.fromkeys((strip_fillers(text, end=False), strip_fillers(text))):
        if trimmed != text:
            edges = trimmed
            yield trimmed, strict, CONFIDENCE["edges"]
    if _has_skip_words(edges):
        yield edges, lenient, CONFIDENCE["skip_words"]
    repaired = repair(text)
    if repaired != text.lower():
        yield repaired, strict, CONFIDENCE["repaired"]
        yield strip_fillers(repaired, end=False), strict, CONFIDENCE["repaired"]
        if _has_skip_words(repaired):
            yield strip_fillers(repaired), lenient, CONFIDENCE["repaired"]


_NUMBER_NAMES = frozenset({
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty",
    "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "and", "a", "half", "quarter",
})
_TOKENS = re.compile(r"[a-z']+")


@functools.cache
def _vocabulary() -> frozenset[str]:
    """Every word the templates, their lists and rules and the skip words hold (with the numbers said in
    words, which hassil's ranges accept): a text with a word outside it cannot fit any template."""
    found: set[str] = set(_NUMBER_NAMES)

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.update(_TOKENS.findall(value.lower()))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key)
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    walk(_source())
    return frozenset(found)


def _could_fit(text: str) -> bool:
    """False when a word of the text is in no template: hassil would find nothing, so it is not asked (the
    matcher's hassil passes are most of its time, and most free answers hold such a word). Words with
    digits are left to hassil (numbers, "20mins")."""
    vocabulary = _vocabulary()
    return all(token in vocabulary for token in _TOKENS.findall(re.sub(r"\S*\d\S*", " ", text.lower())))


def _recognize(candidate: str, intents: Intents) -> list[RecognizeResult]:
    if not candidate.strip() or not _could_fit(candidate):
        return []
    return list(recognize_all(candidate, intents))


def _has_skip_words(text: str) -> bool:
    """True when hassil's skip words would remove something from text."""
    lowered = normalize_text(text).lower()
    return remove_skip_words(lowered, load_intents().skip_words, False) != " ".join(lowered.split())


def strip_fillers(text: str, end: bool = True) -> str:
    """Remove filler words from the start (and, unless end is False, the end) of text.

    "um yeah I think so" keeps "yeah I think so"; "um I don't think so" keeps "I don't think" with end=True,
    which is why the matcher also tries end=False first.

    Hand-written because hassil's skip words are removed everywhere at once: the "so" of "I don't think
    so" would go with the "um", leaving "I don't think".
    """
    previous = None
    stripped = text.strip()
    while stripped != previous:
        previous = stripped
        stripped = _FILLER_START.sub("", stripped)
        if end:
            stripped = _FILLER_END.sub("", stripped)
        stripped = stripped.strip(" ,.!?")
    return stripped


def repair(text: str) -> str:
    """Our own spelling repairs, for what hassil cannot do: missing apostrophes ("dont"), glued or shorthand
    units ("20mins", "67yo", "8/10", "1.5 hours"), hyphens, British spellings the grammar words lack."""
    repaired = text.lower()
    for pattern, replacement in _REPAIRS:
        repaired = re.sub(pattern, replacement, repaired)
    return repaired.strip()


def _choose(readings: tuple[Reading, ...], kind: str | None) -> Reading:
    """Emergency first, then the open question's own answers, then PRIORITY order; hassil order breaks ties."""
    own = KIND_INTENTS.get(kind, ())

    def rank(indexed: tuple[int, Reading]) -> tuple[bool, bool, int, int]:
        index, (name, _slot_items) = indexed
        return (name != "Emergency", name not in own, PRIORITY.index(name), index)

    return min(enumerate(readings), key=rank)[1]


def _slots(result: RecognizeResult) -> dict[str, Any]:
    """Turn hassil entities into our documented slots (durations become minutes)."""
    values = {name: entity.value for name, entity in result.entities.items()}
    slots: dict[str, Any] = {}
    minutes = _minutes(values)
    if minutes is not None:
        slots["minutes"] = minutes
    for name in ("side", "location", "symptom", "answer", "bound", "ability"):
        if name in values:
            slots[name] = str(values[name])
    if "number" in values:
        slots["number"] = int(values["number"])
    return slots


def _minutes(values: dict[str, Any]) -> float | None:
    """Minutes from a fixed phrasing, or (count + half) * unit; None when the text named no duration."""
    for fixed in ("fixed_duration", "since_when", "brief"):
        if fixed in values:
            return float(values[fixed])
    if "unit" not in values:
        return None
    count = float(values.get("count", 1)) + float(values.get("half", 0))
    return round(count * float(values["unit"]), 6)


def _apply_kind(intent: str, slots: dict, confidence: float, kind: str | None) -> tuple[str, dict, float]:
    """Kind-specific readings.

    - side question: "yes, the left one" (Yes + side) and "my left calf" (Location + side) come back as
      Side with that side (Location keeps its location slot too).
    - duration question: a bare number ("two") stays Number, with confidence halved: the unit is unknown.
    """
    if kind == "side" and "side" in slots and intent in ("Yes", "No", "Location"):
        return "Side", slots, confidence
    if kind == "duration" and intent == "Number":
        return intent, slots, round(confidence * BARE_NUMBER_UNDER_DURATION, 4)
    return intent, slots, confidence


def phrases(kind: str) -> list[str]:
    """Every sentence a recognizer grammar for a question of this kind should accept (sorted, unique).

    The kind's own answers, Yes/No/DontKnow and the always-on intents; lower case, words only, numbers
    spelt out. Only the small spoken core (template blocks with metadata ``recognizer: true``) is used.
    """
    if kind not in KINDS:
        raise UnknownKindError(f"unknown question kind {kind!r}; expected one of {KINDS}")
    return list(_phrases(kind))


@functools.cache
def _phrases(kind: str) -> tuple[str, ...]:
    names = (*KIND_INTENTS[kind], *ALWAYS_ON)
    found: set[str] = set()
    for name in dict.fromkeys(names):
        found.update(intent_phrases(name))
    return tuple(sorted(found))


@functools.cache
def intent_phrases(name: str) -> frozenset[str]:
    """The recognizer phrases of one intent (its ``recognizer: true`` blocks), cleaned as phrases() promises."""
    intents = load_intents()
    found: set[str] = set()
    for data in intents.intents[name].data:
        if not (data.metadata or {}).get("recognizer", False):
            continue
        lists = {**intents.slot_lists, **data.slot_lists}
        rules = {**intents.expansion_rules, **data.expansion_rules}
        for sentence in data.sentences:
            for text in sample_sentence(sentence, lists, rules, language=intents.language):
                cleaned = _spoken(text)
                if cleaned:
                    found.add(cleaned)
    return frozenset(found)


def _spoken(text: str) -> str | None:
    """Lower case, words only ("sixty-seven" -> "sixty seven"); None for a text with digits."""
    if any(char.isdigit() for char in text):
        return None
    words = re.sub(r"[^a-z' ]+", " ", text.lower().replace("-", " "))
    return " ".join(words.split()) or None
