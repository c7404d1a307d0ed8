"""Red flags in natural answers: does the whole typed path hear them, and does it leave denials alone?

Each reply of tests/data/red_flag_corpus.yaml (written independently of the code, labelled with the red
flags it says) is given to the real matcher and the real dialogue while its question is open. What the
dialogue does next is counted as:

- emergency: the conversation ends in EMERGENCY at once, on a red flag (or a request for help);
- check: it asks about a red flag in one line ("Did you say you are short of breath?");
- other: anything else (asked again, the next question, ...).

A reply that says a red flag must come out as emergency (or at least check); a reply that says none should
come out as other. `--against REV` runs the same measure on another commit (a git worktree of it, in a
subprocess) as the baseline of the same run.

    .venv/bin/python bench/red_flags.py --against 1c5b5ea [--corpus tests/data/red_flag_heldout.yaml] [--list]
    .venv/bin/python bench/red_flags.py --write     # both corpora against BASELINE, into bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

import yaml

sys.path.append(str(Path(__file__).resolve().parents[1]))  # after PYTHONPATH: a baseline tree keeps its own packages
from bench.worktree import measure_at, replace_section  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "red_flag_corpus.yaml"
HELD_OUT = ROOT / "tests" / "data" / "red_flag_heldout.yaml"
REACH = {"severe_pain": {"swelling": "yes"}, "cough": {"swelling": "yes"}}
"""Answers that bring a question up (the pain and cough questions follow a swollen leg)."""


def state_at(question: str, reach: dict | None = None, required: bool = True):
    """A dialogue and its state with `question` open, reached by answering no (or as `reach`, by default
    REACH, says); None when it cannot be reached and not `required`."""
    from intents import match
    from skill.dialogue import Dialogue

    dialogue = Dialogue("en-GB")
    turn = dialogue.start()
    answers = {"side": "both legs", "duration": "two minutes", **(REACH if reach is None else reach).get(question, {})}
    for _ in range(60):
        ask = turn.open_question
        if ask is None or ask.question == question:
            break
        turn = dialogue.respond(turn.state, match(answers.get(ask.question, "no"), ask.kind))
    if turn.open_question is None or turn.open_question.question != question:
        if not required:
            return None
        raise SystemExit(f"could not reach the question {question!r}")
    return dialogue, turn


def outcome(text: str, question: str, reached: dict) -> str:
    from intents import match

    dialogue, turn = reached[question]
    after = dialogue.respond(turn.state, match(text, turn.open_question.kind))
    if after.result is not None and after.result.level == "EMERGENCY" and _red_flag_in(after.result.findings):
        return "emergency"  # heard as a red flag (not a cough answered yes beside a swollen leg, say)
    ask = after.open_question
    if ask is not None and after.events and getattr(after.events[-1], "text", "").startswith("Did you say"):
        return "check"
    if ask is not None and _asks_on_about_a_red_flag(question, ask.question):
        return "check"  # "yes it's weak" to the leg group: its yes leads to the narrower red-flag question
    return "other"


def _asks_on_about_a_red_flag(asked: str, next_question: str) -> bool:
    """The next question narrows the one answered down to red flags (the plan's sub-question of it)."""
    from triage import names_in_group
    from triage.plan import plan_question

    following = plan_question(next_question)
    return following.parent == asked and bool(set(following.findings) & set(names_in_group("red_flag")))


def _red_flag_in(findings: dict) -> bool:
    from triage import names_in_group

    flags = set(names_in_group("red_flag", "said"))
    groups = findings.get("any_yes", [])  # "yes" to a group of red flags: at least one of them
    return any(findings.get(name) == "yes" for name in flags) or any(set(group) <= flags for group in groups)


def measure() -> dict:
    replies = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))["replies"]
    reached = {question: state_at(question) for question in {reply["question"] for reply in replies}}
    counts: dict[str, Counter] = {"says": Counter(), "none": Counter()}
    missed, alarms = [], []
    for reply in replies:
        result = outcome(reply["text"], reply["question"], reached)
        group = "says" if reply["says"] else "none"
        counts[group][result] += 1
        if group == "says" and result == "other":
            missed.append(reply["text"])
        if group == "none" and result == "emergency":
            alarms.append(reply["text"])
    return {"counts": {group: dict(counter) for group, counter in counts.items()},
            "missed": missed, "false_emergencies": alarms}


def _against(revision: str) -> dict:
    """The same measure on another commit, with this commit's corpus and this script."""
    return measure_at(revision, Path(__file__), "--corpus", str(CORPUS))



def _share(counter: dict, *keys: str) -> str:
    total = sum(counter.values())
    hits = sum(counter.get(key, 0) for key in keys)
    return f"{hits}/{total} ({100 * hits / total:.1f}%)" if total else "0/0"


def report(name: str, result: dict) -> str:
    says, none = result["counts"]["says"], result["counts"]["none"]
    return "\n".join([
        f"{name}:",
        f"  replies that say a red flag: EMERGENCY at once {_share(says, 'emergency')}, "
        f"emergency or a one-line check {_share(says, 'emergency', 'check')}, missed {_share(says, 'other')}",
        f"  replies that say none: left alone {_share(none, 'other')}, one-line check {_share(none, 'check')}, "
        f"EMERGENCY {_share(none, 'emergency')}",
    ])


BASELINE = "1c5b5ea"
"""The last commit before the red-flag reader (issue 10): template spotting only."""
HEADING = "## Red flags in natural answers (bench/red_flags.py)"
HISTORY = """\
How the lexicon got here (by hand, 2026-12-02; not re-run by the script): the tuning corpus was written by a
helper that had not seen the code, and measured once before any change to the lexicon was made from it:
heard 115/124 (92.7%), EMERGENCY at once 92/124, and 9/142 replies with no red flag sent to EMERGENCY. The
misses and false alarms then led to general changes (past-time phrases, words that make a sign something
else, "neither ... nor", a reassurance a few words after, an echoed question answered no, more colour
and idiom words). The held-out corpus was written afterwards by another helper, in other voices, and
measured as it came: heard 87/95 (91.6%), EMERGENCY at once 73/95, 13/110 replies with no red flag sent to
EMERGENCY; only the echoed-question change came after it (12/110). A review of the change (by a helper
trying replies the corpora do not hold) then found readings that were too low: "I passed out when I was in
the shower" taken as the past, "short of breath? not sure" as an echo answered no, "no just breathless" and
"no it's gone blue" as denials, "nothing other than chest pain", "my chest is fine just tight", and an
answer read as a denial turned into a "no". Those were fixed (the reader now only ever raises; past time
needs a clearly past phrase and gives way to "today" or "again"; an echo needs a plain no; "no" before a
clause of its own is the answer word; two-word breaks; a reassurance followed by "except" or "just" or in
a question is none; matches may overlap), which cost one false alarm on the held-out corpus (13/110 again:
"I fainted once when I was expecting my son, but that was 1968"). Its remaining false alarms are mostly
signs in the past or resolved ("my foot went numb last week ... not now"), someone else's ("my husband's a
paramedic"), and questions about the service ("Is this an emergency? I don't think it is"): the reader
leans to EMERGENCY there, which is safe but not free."""


def section(results: dict[str, tuple[dict, dict]], baseline: str) -> str:
    import platform
    from datetime import date

    lines = [HEADING, "",
             f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
             f"date {date.today().isoformat()}; baseline: commit {baseline} (template spotting only), same run.",
             ""]
    for name, (now, before) in results.items():
        lines += [f"{name}:", "", "```", report(f"baseline {baseline}", before), report("now", now), "```", ""]
    return "\n".join([*lines, HISTORY, ""])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure how the typed path hears red flags in natural answers "
                                     "(tests/data/red_flag_corpus.yaml), optionally against another commit.")
    parser.add_argument("--against", metavar="REV", help="also measure this commit, as the baseline")
    parser.add_argument("--corpus", type=Path, help="the labelled replies (default: the one in this tree)")
    parser.add_argument("--json", action="store_true", help="print the measure as JSON only")
    parser.add_argument("--list", action="store_true", help="also list the missed replies and false alarms")
    parser.add_argument("--write", action="store_true", help=f"measure both corpora against {BASELINE} and replace "
                        "this script's section of bench/RESULTS.md")
    args = parser.parse_args(argv)
    global CORPUS
    if args.write:
        results = {}
        for corpus in (CORPUS, HELD_OUT):
            CORPUS = corpus
            results[corpus.name] = (measure(), _against(args.against or BASELINE))
        text = section(results, args.against or BASELINE)
        replace_section(HEADING, text)
        print(text)
        return 0
    if args.corpus:
        CORPUS = args.corpus.resolve()
    result = measure()
    if args.json:
        print(json.dumps(result))
        return 0
    if args.against:
        print(report(f"baseline {args.against}", _against(args.against)))
    print(report("this tree", result))
    if args.list:
        print("missed:", *result["missed"], sep="\n  ")
        print("false emergencies:", *result["false_emergencies"], sep="\n  ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
