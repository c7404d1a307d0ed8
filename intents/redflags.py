"""The red-flag reader: every red flag an answer says, denies or leaves in doubt, whatever question is open.

Safety rule 2: a red flag is heard at any moment, in any phrasing. The templates (sentences/en.yaml) only
know whole answers; this reader finds the signs inside any answer, driven by the lexicon in
lexicon/en.yaml (what people say for each sign, and the words that deny it or leave it in doubt), in the
manner of the NegEx / ConText family of clinical text readers:

- a sign is *denied* by a negation before it ("no chest pain", "I'm not short of breath", "I haven't
  fainted", "I don't think I'm breathless") that reaches it within the same clause, or, for a word that
  only points at a sign, by a reassurance after it ("my breathing is fine");
- it is *in doubt* after an uncertainty ("not sure if I'm breathless", "maybe dizzy") or a double negation
  ("I wouldn't say I'm not breathless");
- otherwise it is *said*.

A trigger reaches no further than a clause break (punctuation, "but", "now"...) or a new subject ("no, I
can't breathe" and "no I can't breathe" both say it); a denial never crosses into the next clause. Where
in doubt, the reading is the cautious one: `verdict` never returns nothing for a sign that is not clearly
denied.

Use::

    verdict("yes and I feel a bit breathless")          # Verdict("breathless", "emergency")
    verdict("yes and there's blood in it", ("cough",))  # Verdict("coughing_blood", "emergency")
    verdict("not sure, maybe chest pain")                # Verdict("chest_pain", "emergency"): in doubt
    verdict("my chest feels a bit odd")                 # Verdict("chest_pain", "check"): ask about it
    verdict("no chest pain or shortness of breath")     # None
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import IntentsError
from .spelling import Speller
from .when import days_ago

__all__ = ["LEXICON", "Mention", "Verdict", "mentions", "verdict", "words_of"]

LEXICON = Path(__file__).parent / "lexicon" / "en.yaml"

SAID, DENIED, DOUBT = "said", "denied", "doubt"
REQUEST = "emergency_requested"
"""The reader's name for a request for an ambulance or the emergency number (a finding of the triage)."""
STRONG, WEAK = "strong", "weak"
BREAK = "|"
ASKED = "?"
"""A question mark: a clause break that also marks an echo ("coughing blood? no!")."""
BREAKS = frozenset([BREAK, ASKED])
MAX_WORDS = 1000
"""The reader reads this many words of a text: a red flag at the end of a long message is still heard, and
a pasted page costs well under a second."""
_MAX_TRIGGER_WORDS = 3
_GAP_WORDS = 6
_TIME_BEFORE, _TIME_AFTER = 4, 9
"""How far around a risk factor a time is looked for ("three weeks ago I had an operation on my knee")."""


@dataclass(frozen=True)
class Mention:
    """One sign found in an answer."""

    finding: str
    """A red-flag finding name (triage.FINDINGS), or emergency_requested for a request for help."""
    status: str
    """said | denied | doubt"""
    strength: str
    """strong (the sign itself) | weak (a word that points at it)"""
    start: int
    """Index of its first word in words_of(text)."""
    days_ago: float | None = None
    """For a finding with a time window (lexicon `within_days`): how long ago the answer says it was, if it
    says ("an operation three weeks ago": 21); its status already says whether that is inside the window."""


@dataclass(frozen=True)
class Verdict:
    """What to do about an answer: emergency (a sign is said) or check (ask about the sign in one line)."""

    finding: str
    action: str

    @property
    def slots(self) -> dict[str, str]:
        """The Emergency intent's slots for it: the symptom, or none for a request for help ("call 911"),
        as the Emergency templates give them."""
        return {} if self.finding == REQUEST else {"symptom": self.finding}


@dataclass(frozen=True)
class _Entry:
    finding: str
    strong: tuple[_Pattern, ...]
    weak: tuple[_Pattern, ...]
    context: frozenset[str]
    context_cues: tuple[_Pattern, ...]
    context_alone: bool
    """The cues count only when the open question asks about nothing but the `with` findings."""
    exclusions: tuple[_Pattern, ...]
    unless: frozenset[str]
    unless_strong: bool
    doubt_is_said: bool
    sources: tuple[str, ...] = ()
    red_flag: bool = True
    """False for the other findings (lexicon section `findings`): they answer questions, never raise alarms."""
    within_days: float | None = None
    """A risk factor's window ("in the last three months": 90): a time said with it decides said or denied."""
    opposite_of: frozenset[str] = frozenset()
    """Findings whose question this one's words answer the other way ("it's warm" to "is it cold?"): while
    one of them is asked about, this finding is not read."""
    denials: tuple[_Pattern, ...] = ()
    """Phrases that deny this finding in their own words ("gave up smoking", "came off the pill")."""
    ever: bool = False
    """A finding that counts whenever it was ("a clot years ago"): a time in the past does not deny it."""


@dataclass(frozen=True)
class _Lexicon:
    entries: tuple[_Entry, ...]
    negators: frozenset[str]
    clause_negators: frozenset[str]
    after: tuple[tuple[str, ...], ...]
    pseudo: frozenset[str]
    uncertain: frozenset[str]
    breaks: frozenset[str]
    history: frozenset[str]
    present: frozenset[str]
    contrast: frozenset[str]
    particle_followers: frozenset[str]
    subjects: frozenset[str]
    particles: frozenset[str]
    possessives: frozenset[str]
    reach: int
    after_reach: int
    doubt_reach: int
    speller: Speller


# ---- the words of an answer -----------------------------------------------------------------------------

_REPAIRS = (
    (r"[\u200b\u200c\u200d\u2060\ufeff]", ""),
    (r"[\u2018\u2019\u02bc\u2032`\u00b4]", "'"),
    (r"\b(do|does|did|is|was|were|are|have|has|could|would|should|wo|ca)nt\b", r"\1n't"),
    (r"\bcant\b", "can't"),
    (r"\bim\b", "i'm"),
    (r"\bive\b", "i've"),
    (r"\bits\b", "it's"),
    (r"\btheres\b", "there's"),
    (r"\bcan not\b", "cannot"),
    (r"\b(heart|pulse|leg|foot|chest|breathing|breath)'s\b", r"\1 is"),
    (r"\b(heart|leg|foot|chest)s (going|racing|pounding|thumping|beating|gone|is|all|really|very)\b", r"\1 is \2"),
    (r"(\w)-(\w)", r"\1 \2"),
    (r"\b(\d+)\s*/\s*10\b", r"\1 out of 10"),
)


def words_of(text: str) -> list[str]:
    """Lower-case words with spelling repairs; punctuation inside the text becomes a clause break (BREAK, or
    ASKED for a question mark)."""
    repaired = text.lower()
    for pattern, replacement in _REPAIRS:
        repaired = re.sub(pattern, replacement, repaired)
    repaired = re.sub(r"[,.;:!()\"]*\?[,.;:!?()\"]*", f" {ASKED} ", repaired)
    repaired = re.sub(r"[,.;:!()\"]+", f" {BREAK} ", repaired)
    return [word.strip("'") or word for word in repaired.split()]


# ---- the lexicon ------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\(|\)|\[|\]|\||\.\.\.|[^\s()\[\]|]+")


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern
    literals: frozenset[str]
    """The pattern's own words: a negation among them is part of the sign ("breathing is not normal")."""


def compile_pattern(template: str) -> _Pattern:
    """A lexicon pattern as a regex over " ".join(words) + " ": each word carries its following space."""
    parts = []
    for token in _TOKEN.findall(template):
        if token in ("(", "["):
            parts.append("(?:")
        elif token == ")":
            parts.append(")")
        elif token == "]":
            parts.append(")?")
        elif token == "|":
            parts.append("|")
        elif token == "*":
            parts.append(r"[^\s|?]+ ")
        elif token == "...":
            parts.append(rf"(?:[^\s|?]+ ){{0,{_GAP_WORDS}}}")
        else:
            parts.append(re.escape(token) + " ")
    literals = frozenset(token for token in _TOKEN.findall(template) if token not in ("(", ")", "[", "]", "|", "*",
                                                                                         "..."))
    try:
        return _Pattern(re.compile(r"(?<![^ ])" + "".join(parts)), literals)
    except re.error as error:
        raise IntentsError(f"bad red-flag pattern {template!r} in {LEXICON}: {error}") from error


def _patterns(templates: Iterable[str] | None) -> tuple[_Pattern, ...]:
    return tuple(compile_pattern(template) for template in templates or ())


def _phrases(values: Iterable[str]) -> frozenset[str]:
    return frozenset(" ".join(words_of(value)) for value in values)


@functools.cache
def _lexicon() -> _Lexicon:
    try:
        with LEXICON.open(encoding="utf-8") as source:
            data = yaml.safe_load(source)
        negation, uncertainty = data["negation"], data["uncertainty"]
        entries = tuple(
            _Entry(
                finding=name,
                strong=_patterns(spec.get("strong")),
                weak=_patterns(spec.get("weak")),
                context=frozenset((spec.get("with") or {}).get("findings", ())),
                context_cues=_patterns((spec.get("with") or {}).get("cues")),
                context_alone=bool((spec.get("with") or {}).get("alone", False)),
                exclusions=_patterns(spec.get("not")),
                unless=frozenset(spec.get("unless", ())),
                unless_strong=bool(spec.get("unless_strong", False)),
                doubt_is_said=spec.get("in_doubt") == SAID,
                sources=tuple(spec.get("source", ())),
                red_flag=section == "red_flags",
                within_days=float(spec["within_days"]) if "within_days" in spec else None,
                ever=bool(spec.get("ever", False)),
                denials=_patterns(spec.get("denied")),
                opposite_of=frozenset(spec.get("opposite_of", ())),
            )
            for section in ("red_flags", "findings")
            for name, spec in (data.get(section) or {}).items()
        )
        return _Lexicon(
            entries=entries,
            negators=_phrases(negation["before"]),
            clause_negators=_phrases(negation["clause"]),
            after=tuple(tuple(words_of(value)) for value in negation["after"]),
            pseudo=_phrases(negation["pseudo"]),
            uncertain=_phrases(uncertainty["before"]),
            breaks=_phrases(data["breaks"]),
            history=_phrases(data["history"]),
            present=_phrases(data["present"]),
            contrast=_phrases(data["contrast"]),
            particle_followers=_phrases(data["particle_followers"]),
            subjects=_phrases(data["subjects"]),
            particles=_phrases(data["particles"]),
            possessives=_phrases(data["possessives"]),
            reach=int(negation["reach"]),
            after_reach=int(negation["after_reach"]),
            doubt_reach=int(uncertainty["reach"]),
            speller=Speller(_vocabulary(data)),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as error:
        raise IntentsError(f"cannot read the red-flag lexicon {LEXICON}: {error}") from error


def _vocabulary(data: dict) -> set[str]:
    """Every word the lexicon's patterns and word lists hold: what the speller repairs towards."""
    found: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, str):
            found.update(token for token in _TOKEN.findall(value.lower()) if token.isalpha())
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in ("source", "language"):
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    return found


def sources() -> dict[str, tuple[str, ...]]:
    """The source keys each red flag's phrasing names (checked against triage.rules.SOURCES in tests)."""
    return {entry.finding: entry.sources for entry in _lexicon().entries if entry.red_flag}


# ---- reading ----------------------------------------------------------------------------------------------


def mentions(text: str, about: Iterable[str] = ()) -> list[Mention]:
    """Every red flag text says, denies or leaves in doubt, in order. `about`: the findings of the open
    question, which make some words the sign itself ("blood" while a cough is being asked about)."""
    lexicon = _lexicon()
    words = lexicon.speller.words(words_of(" ".join(text.split()[:MAX_WORDS])))
    joined = " ".join(words) + " "
    asked_about = frozenset(about)
    found: list[Mention] = []
    for entry in lexicon.entries:
        if entry.opposite_of & asked_about:
            continue  # "no, it's warm" to "is it cold, pale or numb?" is a no, not a warm leg
        excluded = _spans(entry.exclusions, joined)
        cued = asked_about <= entry.context if entry.context_alone else bool(entry.context & asked_about)
        strong = entry.strong + (entry.context_cues if cued and asked_about else ())
        seen: set[int] = set()
        for start, end, _literals in _spans(entry.denials, joined):
            if start not in seen:
                seen.update(range(start, end))  # "I gave up smoking": denied, whatever else is around it
                found.append(Mention(entry.finding, DENIED, STRONG, start))
        for strength, patterns in ((STRONG, strong), (WEAK, entry.weak)):
            for start, end, literals in _spans(patterns, joined):
                if start in seen or any(s <= start < e for s, e, _ in excluded) or _crosses_a_break(lexicon, words,
                                                                                                     start, end):
                    continue
                if _other_thing(lexicon, entry, words, start, end, strength):
                    continue  # "numb" with "fingers", "blood" after brushing the teeth: another thing
                seen.update(range(start, end))
                found.append(_mention(lexicon, entry, words, (start, end), literals, strength))
    return sorted(found, key=lambda mention: mention.start)


def _mention(lexicon: _Lexicon, entry: _Entry, words: list[str], span: tuple[int, int], literals: frozenset[str],
             strength: str) -> Mention:
    """What the words say of one phrase of the entry found at span: said, denied or in doubt."""
    start, end = span
    inside = [word for word in words[start + 1:end - 1] if word not in literals]
    ago = days_ago(words[max(0, start - _TIME_BEFORE):end + _TIME_AFTER]) if entry.within_days else None
    if any(word in lexicon.negators for word in inside):
        status = DENIED  # "the pain isn't in my chest"
    elif ago is None and not entry.ever and _in_the_past(lexicon, words, start, end):
        status = DENIED  # "I fainted once in 1985", "an operation years ago"
    else:
        status = _status(lexicon, words, start, end, strength)
    still = bool({"still", "currently", "now"} & set(words[max(0, start - 3):start]))  # "still on tamoxifen"
    if status == SAID and ago is not None and entry.within_days is not None and ago > entry.within_days and not still:
        # "a knee operation two years ago" to "in the last three months?"; "maybe four months ago, could be
        # less" leaves it in doubt
        doubted = any(f" {phrase} " in f" {' '.join(words)} " for phrase in lexicon.uncertain)
        status = DOUBT if doubted else DENIED
    if status == DOUBT and entry.doubt_is_said:
        status = SAID
    return Mention(entry.finding, status, strength, start, ago)


def verdict(text: str, about: Iterable[str] = ()) -> Verdict | None:
    """emergency: a red flag is said or left in doubt (the first one in the answer: an unknown red flag is
    read as present, safety rule 3); check: a word that points at one is there and not denied (ask about it
    in one line); None: nothing, or only denials."""
    found = [mention for mention in mentions(text, about) if mention.status != DENIED and mention.finding in _red()]
    strong = [mention for mention in found if mention.strength == STRONG]
    if strong:  # said, or in doubt: an unknown red flag is read as present anyway (safety rule 3)
        return Verdict(strong[0].finding, "emergency")
    return Verdict(found[0].finding, "check") if found else None


@functools.cache
def _red() -> frozenset[str]:
    return frozenset(entry.finding for entry in _lexicon().entries if entry.red_flag)


def _spans(patterns: tuple[_Pattern, ...], joined: str) -> list[tuple[int, int, frozenset[str]]]:
    """Word spans (start, end, the pattern's own words) of every match of the patterns in the joined words."""
    spans = {}
    starts = [0] + [index + 1 for index, char in enumerate(joined) if char == " "][:-1]
    for pattern in patterns:
        for word, offset in enumerate(starts):
            found = pattern.regex.match(joined, offset)  # at every word: matches may overlap
            if found:
                spans.setdefault((word, word + found.group().count(" ")), pattern.literals)
    return sorted((start, end, literals) for (start, end), literals in spans.items())


def _other_thing(lexicon: _Lexicon, entry: _Entry, words: list[str], start: int, end: int, strength: str) -> bool:
    """An `unless` word in the clause makes a pointing word (or, with unless_strong, a phrase) another thing,
    unless that word is itself denied ("coughing up blood and it's not from my nose")."""
    if not entry.unless or (strength == STRONG and not entry.unless_strong):
        return False
    clause_start = max((index for index in range(start) if words[index] in BREAKS), default=-1) + 1
    for index in range(clause_start, len(words)):
        if words[index] in BREAKS:
            break
        if words[index] in entry.unless and not any(word in lexicon.negators or word.endswith("n't")
                                                    for word in words[max(clause_start, index - 4):index]):
            return True
    return False


_CONJUNCTIONS = frozenset({"and", "but", "then", "now"})
_PRESENT_TENSE = frozenset({"is", "are", "am", "i'm", "it's", "can't", "cannot", "keeps", "feels", "hurts", "won't",
                            "isn't", "going", "getting", "has", "have", "i've"})


def _in_the_past(lexicon: _Lexicon, words: list[str], start: int, end: int) -> bool:
    """ConText's historical modifier, in scope: a past-time phrase within reach before the sign or just after
    it, in the same part of the sentence ("I fainted once in 1985", "I used to get chest pain"; not "it
    started when I was walking, and then now I can't breathe")."""
    if _PRESENT_TENSE & set(words[start:end + 1]):
        return False  # "three months ago my heart is racing": the sign itself is said as now
    before = _scope(lexicon, reversed(words[:start]))[::-1]
    for index in range(len(before) - 1, 0, -1):  # "radiotherapy two months ago and I can't breathe": a new clause
        if ((before[index] in lexicon.subjects or before[index] in lexicon.possessives)
                and before[index - 1] in ("and", "but", "then", "now")):
            before = before[index:]
            break
    after = _scope(lexicon, words[end:])
    near = f' {" ".join(before[-(lexicon.reach + 2):] + ["|"] + after[:lexicon.reach])} '
    if any(f" {phrase} " in near for phrase in lexicon.present):
        return False  # "I fainted last year and again today"
    if re.search(r" (in|since|back in|around|from|was|of) (19|20)\d\d ", near):
        return True  # "in 1985", not "2011 Main Street" or "at 2030"
    return any(f" {phrase} " in near for phrase in lexicon.history)


def _scope(lexicon: _Lexicon, words: Iterable[str]) -> list[str]:
    """Words up to the first clause break."""
    taken: list[str] = []
    for word in words:
        if word in BREAKS or word in lexicon.breaks or (taken and f"{taken[-1]} {word}" in lexicon.breaks):
            break
        taken.append(word)
    return taken


def _crosses_a_break(lexicon: _Lexicon, words: list[str], start: int, end: int) -> bool:
    """A gap ("...") in a pattern stays inside one clause: "I coughed but no blood" is not "coughed blood"."""
    return any(word in lexicon.breaks for word in words[start + 1:end - 1])


def _status(lexicon: _Lexicon, words: list[str], start: int, end: int, strength: str) -> str:
    if _echo_denied(lexicon, words, end):
        return DENIED  # "coughing blood? no!": the question said back, then answered
    negations = _triggers(lexicon, words, start, negate=True)
    doubled = len(negations) > 1 and any(_clause_negator_at(lexicon, words, index) for index in negations[1:])
    if _triggers(lexicon, words, start, negate=False) or doubled or _asked_about(words, end):
        return DOUBT  # "not sure if I'm breathless"; "I wouldn't say I'm not breathless"; "does that count?"
    if negations:
        return DENIED
    if strength == WEAK and _reassured(lexicon, words, end):
        return DENIED
    return SAID


def _clause_negator_at(lexicon: _Lexicon, words: list[str], index: int) -> bool:
    return any(" ".join(words[index:index + size]) in lexicon.clause_negators for size in (2, 3))


def _asked_about(words: list[str], end: int) -> bool:
    """The sign sits in a question of the person's own ("I had a scan at the hospital, does that count?"),
    unless it is a question said back and answered (see _echo_denied)."""
    ask = next((index for index in range(end, len(words)) if words[index] in BREAKS), None)
    if ask is None or words[ask] != ASKED:
        return False
    return not [word for word in words[ask + 1:] if word not in BREAKS]


def _echo_denied(lexicon: _Lexicon, words: list[str], end: int) -> bool:
    """The sign ends a question said back ("chest pain?") and the next words deny it ("no", "nope")."""
    ask = next((index for index in range(end, len(words)) if words[index] in BREAKS), None)
    if ask is None or words[ask] != ASKED:
        return False
    answer = [word for word in words[ask + 1:ask + 5] if word not in BREAKS]
    if not answer:
        return False
    if " ".join(answer[:3]) == "not at all" or answer[0] == "never":
        return True
    # "no" / "nope", but not "no idea", "no, but nearly", "nope, not sure"
    return answer[0] in lexicon.particles and not any(word in ("idea", "but", "nearly", "almost", "sure", "clue")
                                                       for word in answer[1:4])


def _triggers(lexicon: _Lexicon, words: list[str], start: int, negate: bool) -> list[int]:
    """Where negation (or uncertainty) triggers reach the phrase starting at `start`, nearest first."""
    reach = lexicon.reach if negate else lexicon.doubt_reach
    found: list[int] = []
    crossed_subject = False
    end = start - 1
    while end >= 0 and not _is_break(lexicon, words, end):
        if start - end - 1 > reach + _MAX_TRIGGER_WORDS:
            break
        if (end > 0 and words[end - 1] in _CONJUNCTIONS
                and (words[end] in lexicon.subjects or words[end] in lexicon.possessives)):
            trigger = _trigger_ending_at(lexicon, words, end, start, negate, crossed_subject)
            if trigger is not None:
                found.append(trigger)
            break  # "not that I can see, and I can't breathe": "and I" starts a clause of its own
        trigger = _trigger_ending_at(lexicon, words, end, start, negate, crossed_subject)
        if words[end] in lexicon.subjects or (words[end] in lexicon.possessives and end > 0
                                              and (words[end - 1] not in lexicon.negators
                                                   or words[end - 1] in lexicon.particles)):
            crossed_subject = True  # "I haven't fainted my heart is racing": a new clause
        if trigger is not None:
            if found and found[-1] - end > _MAX_TRIGGER_WORDS + 1:
                break  # "no shortness of breath and no tightness": two denials, not a double negation
            found.append(trigger)
            if words[trigger] in ("nor", "neither"):
                break  # "neither breathless nor dizzy": one denial each, not a double negation
            end = trigger  # "not any" is one negation, not "not" and "not any"
        end -= 1
    return found


def _is_break(lexicon: _Lexicon, words: list[str], index: int) -> bool:
    """A clause break at words[index]: punctuation, a break word, or part of a two-word break ("other than")."""
    if words[index] in BREAKS or words[index] in lexicon.breaks:
        return True
    pairs = [" ".join(words[index - 1:index + 1]) if index > 0 else "", " ".join(words[index:index + 2])]
    return any(pair in lexicon.breaks for pair in pairs if pair)


def _trigger_ending_at(lexicon: _Lexicon, words: list[str], end: int, start: int, negate: bool,
                       crossed_subject: bool) -> int | None:
    gap = start - end - 1
    for size in range(_MAX_TRIGGER_WORDS, 0, -1):
        first = end - size + 1
        if first < 0:
            continue
        phrase = " ".join(words[first:end + 1])
        if negate:
            if phrase in lexicon.clause_negators and gap <= lexicon.reach + 2:
                return None if _pseudo(lexicon, words, first, end) else first  # "not that I know of, my..."
            if phrase in lexicon.negators and gap <= lexicon.reach and not crossed_subject:
                if _pseudo(lexicon, words, first, end) or _particle(lexicon, words, phrase, end, start):
                    return None
                return first
        elif phrase in lexicon.uncertain and gap <= lexicon.doubt_reach:
            return first
    return None


def _pseudo(lexicon: _Lexicon, words: list[str], first: int, end: int) -> bool:
    """ "no longer", "not only": a negation word that denies nothing."""
    return any(" ".join(words[first:end + 1 + extra]) in lexicon.pseudo for extra in (1, 2))


def _particle(lexicon: _Lexicon, words: list[str], phrase: str, end: int, start: int) -> bool:
    """ "no" as the answer word before a clause of its own ("no my chest hurts"), not "no chest pain"."""
    if phrase not in lexicon.particles or end + 1 >= len(words):
        return False
    following = words[end + 1]
    return (following in lexicon.subjects or following in lexicon.possessives
            or following in lexicon.particle_followers)


def _reassured(lexicon: _Lexicon, words: list[str], end: int) -> bool:
    """A reassurance soon after a pointing word, in its clause, with no negation before it ("breathing is
    fine", "my heart's ticking along normally"; not "my breathing is not normal")."""
    rest: list[str] = []
    for word in words[end:]:
        if word in BREAKS or word in lexicon.breaks or len(rest) > lexicon.after_reach:
            break
        rest.append(word)
    stop = next((index for index in range(end, len(words)) if words[index] in BREAKS), len(words))
    if stop < len(words) and words[stop] == ASKED:
        return False  # "is my breathing ok?" asks; it does not reassure
    following = words[end:stop]
    if any(word in lexicon.contrast or f"{word} {after}" in lexicon.contrast
           for word, after in zip(following, following[1:] + [""], strict=False)):
        return False  # "my chest is fine except it hurts", "fine just tight", "fine unless I walk"
    for offset in range(len(rest)):
        if any(tuple(rest[offset:offset + len(phrase)]) == phrase for phrase in lexicon.after):
            before = rest[:offset]
            doubted = " ".join(before) in lexicon.uncertain or any(word in lexicon.uncertain for word in before)
            negated = any(word in lexicon.negators or word.endswith("n't") or word == "far" for word in before)
            return not (negated or doubted)  # not "far from normal", "might be ok", "is not normal"
    return False
