"""The Alexa interaction model and skill package, generated from the intent templates (intents/sentences).

How the templates become an Alexa model:
- Samples come from the spoken templates (data blocks marked `spoken: false` are typed-only and left out).
  Each template is expanded so that every alternative appears in at least one sample, without the full
  cross product (Alexa generalises from representative samples, and caps their number); lists stay
  `{slot}` placeholders.
- "{count} {unit}", "a {unit}", "{count} and a half {unit}" become one AMAZON.DURATION slot `{duration}`
  (Alexa hears "twenty minutes" whole and sends PT20M); number lists become AMAZON.NUMBER `{number}`.
- Text lists (side, location, fixed durations) become custom slot types whose ids are our values (minutes
  for the duration phrases), so entity resolution hands our values back unchanged.
- A data block that fixes a slot value (an Emergency block fixes `symptom`, a Back correction fixes
  `answer`) becomes the sample `{slot}`: its phrasings turn into synonyms of that value in the slot type.
- Our Yes/No/Help/Stop/Repeat/StartOver are Alexa's built-ins (custom yes/no intents get routed to Fallback
  on some devices), extended with our samples; the rest are custom intents named `<Name>Intent`.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hassil.expression import (
    Alternative,
    Expression,
    ListReference,
    Permutation,
    RuleReference,
    Sentence,
    Sequence,
    TextChunk,
)
from hassil.intents import IntentData, Intents, TextSlotList

from .nlu import match

__all__ = [
    "AlexaSlot",
    "AlexaExportError",
    "SLOTS",
    "BUILT_INS",
    "REQUIRED_BUILT_INS",
    "INVOCATION_NAME",
    "LOCALES",
    "MAX_SAMPLES_PER_INTENT",
    "our_intent_name",
    "alexa_intent_name",
    "interaction_model",
    "skill_manifest",
    "export_skill_package",
]

log = logging.getLogger(__name__)

INVOCATION_NAME = "leg check"
LOCALES = ("en-US", "en-GB")
MAX_SAMPLES_PER_INTENT = 1000
"""Our own cap, well inside what Alexa accepts; the export fails loudly rather than truncate."""


class AlexaExportError(Exception):
    """The templates cannot be turned into a valid Alexa interaction model."""


@dataclass(frozen=True)
class AlexaSlot:
    """One Alexa slot and how its value maps to ours."""

    name: str
    """The slot name in the interaction model and in requests."""
    alexa_type: str
    """AMAZON.DURATION, AMAZON.NUMBER, or one of our custom types."""
    key: str
    """Our slot key in `Heard.slots`."""
    kind: str
    """How to read the value: "id" (resolved id as is), "seconds_id" (resolved id is whole seconds:
    ids stay plain digits), "duration"
    (ISO 8601 duration), "number" (integer)."""


SLOTS: dict[str, AlexaSlot] = {
    slot.name: slot
    for slot in (
        AlexaSlot("side", "LEG_SIDE", "side", "id"),
        AlexaSlot("location", "LEG_LOCATION", "location", "id"),
        AlexaSlot("symptom", "RED_FLAG_SYMPTOM", "symptom", "id"),
        AlexaSlot("answer", "CORRECTED_ANSWER", "answer", "id"),
        AlexaSlot("bound", "DURATION_BOUND", "bound", "id"),
        AlexaSlot("ability", "ABILITY_ANSWER", "ability", "id"),
        AlexaSlot("fixed_duration", "DURATION_PHRASE", "minutes", "seconds_id"),
        AlexaSlot("since_when", "SINCE_WHEN", "minutes", "seconds_id"),
        AlexaSlot("brief", "BRIEF_MOMENT", "minutes", "seconds_id"),
        AlexaSlot("duration", "AMAZON.DURATION", "minutes", "duration"),
        AlexaSlot("number", "AMAZON.NUMBER", "number", "number"),
    )
}
"""Alexa slot name -> slot. Template slot names are the same, except count/unit, which become `duration`."""

BUILT_INS = {
    "Yes": "AMAZON.YesIntent",
    "No": "AMAZON.NoIntent",
    "Help": "AMAZON.HelpIntent",
    "Stop": "AMAZON.StopIntent",
    "Repeat": "AMAZON.RepeatIntent",
    "StartOver": "AMAZON.StartOverIntent",
}
"""Our intents that Alexa's built-ins stand for (our samples are added to them)."""
_EXTRA_BUILT_INS = {
    "AMAZON.CancelIntent": "Stop",
    "AMAZON.NavigateHomeIntent": "Stop",
    "AMAZON.FallbackIntent": None,
}
REQUIRED_BUILT_INS = frozenset(BUILT_INS.values()) | frozenset(_EXTRA_BUILT_INS)

_ONE = r"(?:a|an|one)"
_COLLAPSE = (
    (re.compile(r"\{count\} and a half \{unit\}"), "{duration}"),
    (re.compile(r"\{count\} \{unit\}"), "{duration}"),
    (re.compile(rf"\b{_ONE} and a half \{{unit\}}"), "{duration}"),
    (re.compile(rf"\b{_ONE} \{{unit\}} and a half"), "{duration}"),
    (re.compile(rf"\b{_ONE} \{{unit\}}"), "{duration}"),
)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")

DISCLAIMER = (
    "Leg check is not a diagnosis and not medical advice. If you are worried about your leg, call your "
    "doctor. In an emergency, or if you are short of breath or have chest pain, dial your local "
    "emergency number straight away."
)


def alexa_intent_name(ours: str) -> str:
    """The Alexa intent that stands for one of ours."""
    return BUILT_INS.get(ours) or f"{ours}Intent"


def our_intent_name(alexa: str, known: Iterable[str] | None = None) -> str | None:
    """Our intent for an Alexa intent name; None (not understood) for Fallback and anything unknown.

    `known` is the set of our intent names (the template intents); without it any `<Name>Intent` maps to
    `Name`.
    """
    for ours, name in BUILT_INS.items():
        if name == alexa:
            return ours
    if alexa in _EXTRA_BUILT_INS:
        return _EXTRA_BUILT_INS[alexa]
    if alexa.endswith("Intent") and not alexa.startswith("AMAZON."):
        ours = alexa[: -len("Intent")]
        if ours and (known is None or ours in known):
            return ours
    return None


def clean_sample(text: str) -> str:
    """Lower case, single spaces, Alexa's allowed characters; count/unit placeholders -> {duration}."""
    text = re.sub(r"\s+", " ", text.lower().replace("-", " ")).strip()
    for pattern, replacement in _COLLAPSE:
        text = pattern.sub(replacement, text)
    return text


# ---- expansion -------------------------------------------------------------------------------------------


@dataclass
class _Expander:
    """Expands templates with coverage of every alternative; collects custom slot type values on the way."""

    rules: dict[str, Sentence]
    values: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """Alexa type -> value id -> spoken forms (first one is the value, the rest synonyms)."""
    lists: dict[tuple[str, str], None] = field(default_factory=dict)
    """(slot name, list name) of every list reference met, in order."""

    def texts(self, expression: Expression) -> list[str]:
        if isinstance(expression, TextChunk):
            return [expression.original_text]
        if isinstance(expression, ListReference):
            self.lists.setdefault((expression.slot_name, expression.list_name))
            return [f"{{{expression.slot_name}}}"]
        if isinstance(expression, RuleReference):
            return self._rule(expression.rule_name)
        if isinstance(expression, Alternative):
            return self._alternative(expression)
        if isinstance(expression, Permutation):
            orders = itertools.permutations(expression.items)
            return [text for order in orders for text in self._cover(order, " ")]
        if isinstance(expression, Sequence):
            return self._cover(expression.items, "")
        raise AlexaExportError(f"unexpected template part: {type(expression).__name__}")

    def _rule(self, name: str) -> list[str]:
        if name not in self.rules:
            raise AlexaExportError(f"template uses <{name}>, which is not an expansion rule")
        return self.texts(self.rules[name].expression)

    def _alternative(self, expression: Alternative) -> list[str]:
        texts = [text for item in expression.items for text in self.texts(item)]
        if expression.is_optional:  # the bare form first, so the first sample of a template is its shortest
            texts = [""] + [text for text in texts if text.strip()]
        return texts

    def _cover(self, items: Iterable[Expression], joiner: str) -> list[str]:
        parts = [self.texts(item) or [""] for item in items]
        rows = max((len(part) for part in parts), default=1)
        return [joiner.join(part[row % len(part)] for part in parts) for row in range(rows)]

    def add_values(self, slot: str, value_id: str, spoken: Iterable[str]) -> None:
        forms = self.values.setdefault(SLOTS[slot].alexa_type, {}).setdefault(value_id, [])
        for text in spoken:
            text = clean_sample(text)
            if text and "{" not in text and text not in forms:
                forms.append(text)

    def add_list(self, slot: str, slot_list: TextSlotList) -> None:
        for value in slot_list.values:
            listed = _value_id(slot, value.value_out)
            for text in self.texts(value.text_in):
                self.add_values(slot, _read_id(slot, text, listed), [text])


def _read_id(slot: str, text: str, listed: str) -> str:
    """A duration phrase's id as the text matcher reads it, so Alexa and typed or spoken answers agree.

    Several phrases fit two templates ("a few minutes": the fixed list says 5, the count rules 3 x minutes);
    the matcher settles which reading wins, and Alexa must hand back the same minutes.
    """
    if SLOTS[slot].kind != "seconds_id":
        return listed
    heard = match(clean_sample(text), kind="duration")
    if heard.intent == "Duration" and isinstance(heard.slots.get("minutes"), int | float):
        return str(round(heard.slots["minutes"] * 60))
    return listed


def _value_id(slot: str, value: Any) -> str:
    """The slot type id for one of our values: the value itself, or for durations the whole seconds."""
    if SLOTS[slot].kind == "seconds_id":
        return str(round(float(value) * 60))
    return str(value)


def _fixed_slot(data: IntentData) -> tuple[str, str] | None:
    """The custom-type slot a data block fixes (e.g. symptom: breathless), if any."""
    fixed = [(name, value) for name, value in data.slots.items()
             if name in SLOTS and SLOTS[name].kind == "id"]
    if len(fixed) > 1:
        raise AlexaExportError(f"a data block fixes several slots: {fixed}")
    return (fixed[0][0], _value_id(fixed[0][0], fixed[0][1])) if fixed else None


def _is_spoken(data: IntentData) -> bool:
    return (data.metadata or {}).get("spoken", True) is not False


def _block_samples(data: IntentData, expander: _Expander) -> list[str]:
    fixed = _fixed_slot(data)
    if fixed is None:
        return [text for sentence in data.sentences for text in expander.texts(sentence.expression)]
    slot, value_id = fixed
    for sentence in data.sentences:
        expander.add_values(slot, value_id, expander.texts(sentence.expression))
    return [f"{{{slot}}}"]


def _usable(text: str, intent: str) -> bool:
    unknown = [name for name in _PLACEHOLDER.findall(text) if name not in SLOTS]
    if unknown:
        log.debug("alexa export: %s sample %r has slots Alexa cannot take (%s); left out", intent, text,
                     ", ".join(unknown))
    return bool(text) and not unknown


def intent_samples(intents: Intents, expander: _Expander) -> dict[str, list[str]]:
    """Our intent name -> its Alexa samples (spoken templates only), without duplicates."""
    samples: dict[str, list[str]] = {}
    for name, intent in intents.intents.items():
        seen: dict[str, None] = {}
        for data in filter(_is_spoken, intent.data):
            expander.rules = {**intents.expansion_rules, **data.expansion_rules}
            for text in map(clean_sample, _block_samples(data, expander)):
                if _usable(text, name):
                    seen.setdefault(text, None)
        if len(seen) > MAX_SAMPLES_PER_INTENT:
            raise AlexaExportError(f"{name} has {len(seen)} samples; the limit is {MAX_SAMPLES_PER_INTENT}")
        samples[str(name)] = list(seen)
    return samples


def _drop_shared(samples: dict[str, list[str]]) -> dict[str, list[str]]:
    """Alexa rejects a sample in two intents: keep it in the first intent that has it, and log it."""
    owner: dict[str, str] = {}
    result: dict[str, list[str]] = {}
    for name, texts in samples.items():
        result[name] = []
        for text in texts:
            if text in owner:
                log.info("alexa export: %r is in %s and %s; kept in %s", text, owner[text], name, owner[text])
                continue
            owner[text] = name
            result[name].append(text)
    return result


def _slot_types(intents: Intents, expander: _Expander) -> list[dict[str, Any]]:
    """Our custom slot types: every text list the spoken samples use under a custom-type slot."""
    for slot, list_name in list(expander.lists):
        slot_list = intents.slot_lists.get(list_name)
        if slot in SLOTS and SLOTS[slot].kind != "number" and isinstance(slot_list, TextSlotList):
            expander.add_list(slot, slot_list)
    return [{"name": name, "values": _type_values(values)} for name, values in sorted(expander.values.items())]


def _type_values(values: dict[str, list[str]]) -> list[dict[str, Any]]:
    entries = []
    for value_id, forms in values.items():
        name: dict[str, Any] = {"value": forms[0] if forms else value_id.replace("_", " ")}
        if len(forms) > 1:
            name["synonyms"] = forms[1:]
        entries.append({"id": value_id, "name": name})
    return entries


# ---- the model and the package ------------------------------------------------------------------------


def _intent_entry(alexa_name: str, samples: list[str]) -> dict[str, Any]:
    used = sorted({name for text in samples for name in _PLACEHOLDER.findall(text)})
    entry: dict[str, Any] = {"name": alexa_name, "samples": samples}
    if used:
        entry["slots"] = [{"name": name, "type": SLOTS[name].alexa_type} for name in used]
    return entry


def interaction_model(intents: Intents, invocation_name: str = INVOCATION_NAME) -> dict[str, Any]:
    """The interaction model JSON (one locale) generated from the templates."""
    expander = _Expander(rules=dict(intents.expansion_rules))
    samples = _drop_shared(intent_samples(intents, expander))
    entries = [_intent_entry(alexa_intent_name(name), texts) for name, texts in samples.items()]
    present = {entry["name"] for entry in entries}
    entries += [_intent_entry(name, []) for name in sorted(REQUIRED_BUILT_INS - present)]
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": invocation_name,
                "intents": entries,
                "types": _slot_types(intents, expander),
            }
        }
    }


def skill_manifest(locales: Iterable[str] = LOCALES, endpoint: str | None = None) -> dict[str, Any]:
    """skill.json: publishing information with the health disclaimer; the endpoint if one is given."""
    description = (
        "Leg check asks a few short questions about pain in your leg, one at a time, and tells you whether "
        "it sounds like a muscle cramp you can look after at home, or something a doctor should see, and "
        "how soon. It listens for the warning signs of a blood clot in the lungs at every step. "
        + DISCLAIMER
    )
    locale_info = {
        locale: {
            "name": "Leg Check",
            "summary": "Leg pain at night? A few spoken questions: probably a cramp, or see a doctor.",
            "description": description,
            "examplePhrases": ["Alexa, open leg check", "Alexa, ask leg check for help"],
            "keywords": ["leg pain", "cramp", "calf", "blood clot", "health"],
        }
        for locale in locales
    }
    custom: dict[str, Any] = {}
    if endpoint:
        custom["endpoint"] = _endpoint(endpoint)
    return {
        "manifest": {
            "manifestVersion": "1.0",
            "publishingInformation": {
                "locales": locale_info,
                "isAvailableWorldwide": False,
                "distributionCountries": sorted({locale.split("-")[1] for locale in locales}),
                "testingInstructions": "Say 'open leg check' and answer the questions; say 'help' at any time.",
                "category": "HEALTH_AND_FITNESS",
            },
            "privacyAndCompliance": {
                "allowsPurchases": False,
                "usesPersonalInfo": False,
                "isChildDirected": False,
                "isExportCompliant": True,
                "containsAds": False,
                "locales": {locale: {} for locale in locales},
            },
            "apis": {"custom": custom},
        }
    }


def _endpoint(uri: str) -> dict[str, str]:
    if uri.startswith("arn:aws:lambda:"):
        return {"uri": uri}
    if uri.startswith("https://"):
        return {"uri": uri, "sslCertificateType": "Trusted"}
    raise AlexaExportError(f"endpoint must be an https:// URL or a Lambda ARN, not {uri!r}")


def export_skill_package(intents: Intents, directory: str | Path, endpoint: str | None = None) -> list[Path]:
    """Write an ASK CLI skill-package under `directory`; returns the files written."""
    root = Path(directory) / "skill-package"
    model = interaction_model(intents)
    files = {root / "skill.json": skill_manifest(LOCALES, endpoint)}
    for locale in LOCALES:
        files[root / "interactionModels" / "custom" / f"{locale}.json"] = model
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return list(files)
