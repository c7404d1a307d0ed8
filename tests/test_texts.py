"""The product's words as keyed data per locale (skill/texts/en.yaml) and the advice texts
(triage/texts/en.yaml): every key exists for every locale, renders, and a broken file is refused with a
sentence naming the place."""

from __future__ import annotations

import copy
import string

import pytest

from skill.dialogue import Dialogue
from skill.locale import EMERGENCY_NUMBERS, emergency_number
from skill.questions import questions
from skill.texts import PLACEHOLDERS, TextsError, problems, read, texts
from triage import advice, names_in_group
from triage.plan import PLAN

LOCALES = [*EMERGENCY_NUMBERS, "en-ZZ", "fr-FR"]
"""Every locale with a number, one unknown country and one language without a file (English is used)."""


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("locale", LOCALES)
def test_every_key_exists_for_every_locale_and_renders(locale):
    words = texts(locale)
    for section in ("replies", "expect", "headlines", "titles", "words"):
        for key, template in words.section(section).items():
            values = {name: "X" for name in PLACEHOLDERS.get(section, {}).get(key, set())}
            rendered = template.format(**values)
            assert rendered.strip() and "{" not in rendered, f"{section}.{key} in {locale}"
            assert _fields(template) == set(values), f"{section}.{key} in {locale} leaves a placeholder out"
    asked = questions(locale)
    assert [q.id for q in asked] == [q.id for q in PLAN]
    for question in asked:
        assert question.text.endswith("?") and question.reprompt.endswith("?") and question.why


def test_a_red_flags_own_question_has_its_one_line_check():
    red_flags = set(names_in_group("red_flag"))
    singles = [q for q in questions() if len(q.findings) == 1 and q.findings[0] in red_flags]
    assert len(singles) == 6 and all(q.confirm.startswith("Did you say") for q in singles)


@pytest.mark.parametrize(("locale", "line"), [("en-GB", "NHS 111"), ("en-AU", "healthdirect on 1800 022 222"),
                                              ("en-NZ", "Healthline on 0800 611 116"), ("en-US", ""),
                                              ("en-IE", ""), ("en-IN", "")])
def test_the_urgent_advice_names_the_countrys_advice_line_where_there_is_one(locale, line):
    assert texts(locale).advice_line == line
    urgent = advice.advice_for(advice.Level.URGENT, emergency_number(locale), advice_line=texts(locale).advice_line)
    assert (line in urgent) if line else ("or call" not in urgent)


def test_the_dialogue_speaks_the_locales_words():
    turn = Dialogue("en-GB").start()
    assert turn.events[0].text == texts("en-GB").reply("welcome", number="999")


def _broken(change) -> dict:
    document = copy.deepcopy(read("en"))
    change(document)
    return document


@pytest.mark.parametrize(("change", "said"), [
    (lambda d: d["replies"].pop("welcome"), "replies: missing welcome"),
    (lambda d: d["replies"].update(help="Call {nubmer} now."), "replies.help: unknown placeholder(s) nubmer"),
    (lambda d: d["replies"].update(help="Call {number now."), "replies.help:"),
    (lambda d: d["questions"].pop("swelling"), "no texts for the question 'swelling'"),
    (lambda d: d["questions"].update(tingling={"text": "a?", "reprompt": "b?", "why": "c"}), "'tingling' is not"),
    (lambda d: d["questions"]["cough"].pop("why"), "questions.cough: needs text, reprompt and why"),
    (lambda d: d["expect"].pop("side"), "expect: missing side"),
    (lambda d: d["countries"].update(FR={"welcome": "Bonjour"}), "countries.FR: only advice_line"),
    (lambda d: d["countries"].update(IE={"advice_line": "HSE Live"}), "countries.IE: its advice line needs a source"),
    (lambda d: d["headlines"].update(URGENT=""), "headlines.URGENT: must be a non-empty text"),
])
def test_a_broken_texts_file_is_refused_with_a_sentence_naming_the_place(change, said):
    assert problems(read("en")) == []
    found = problems(_broken(change))
    assert any(said in problem for problem in found), found


def test_texts_of_a_file_that_does_not_pass_raise_a_clear_error(tmp_path, monkeypatch):
    """Read from a copy with one key missing: the error names the file and the key (not a KeyError later)."""
    import yaml

    import skill.texts as module

    document = _broken(lambda d: d["replies"].pop("give_up"))
    (tmp_path / "en.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    monkeypatch.setattr(module, "TEXTS_DIR", tmp_path)
    module.texts.cache_clear()
    try:
        with pytest.raises(TextsError, match="give_up"):
            module.texts("en-GB")
    finally:
        module.texts.cache_clear()


@pytest.mark.parametrize(("change", "said"), [
    (lambda d: d["advice"].pop("disclaimer"), "advice: missing disclaimer"),
    (lambda d: d["advice"].update(disclaimer="Call {numbr}."), "advice.disclaimer: unknown placeholder(s) numbr"),
    (lambda d: d["safety_nets"].pop("URGENT"), "safety_nets: needs exactly"),
])
def test_broken_advice_texts_are_refused_with_a_sentence_naming_the_place(change, said):
    import yaml

    document = yaml.safe_load(advice.ADVICE_TEXTS.read_text(encoding="utf-8"))
    assert advice.problems(document) == []
    change(document)
    assert any(said in problem for problem in advice.problems(document))
