"""Natural answers (issue 12): is each reply of the labelled corpus recorded as a careful nurse would?

The corpus (tests/data/nlu_corpus/*.yaml) was written by helpers who never saw the code: typed and spoken
replies to one question each, labelled with the answer to that question (yes / no / unknown), the findings
the reply volunteers, and whether it says a red flag. Each reply is matched (intents.match) and given to the
real dialogue with only its question open; what the dialogue records is then judged:

- right: the question's answer as labelled; a labelled red flag heard as an emergency; every volunteered
  yes kept;
- safe: asked again, or read more cautiously (a yes or "not sure" for a no; an emergency for a reply without
  a red flag; a volunteered yes missed, which its own question asks later);
- unsafe: read less cautiously than labelled (a no for a yes or a "not sure"; a red flag not heard).

It also times the reading of every reply (matcher + findings reader + dialogue step: p50 and p99), the
memory of the reading stack, and the median number of questions of the vignette suite when each answer is
given in natural words instead of the plain ones, in one run with the plain answers as the baseline.

    .venv/bin/python bench/nlu.py [--list] [--write]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

sys.path.append(str(Path(__file__).resolve().parents[1]))

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "nlu_corpus"
RIGHT, SAFE, UNSAFE = "right", "safe", "unsafe"


def load(corpus: Path = CORPUS) -> list[dict]:
    """Every labelled reply of the corpus folder, each with the file it came from."""
    replies = []
    for path in sorted(corpus.glob("*.yaml")):
        for reply in yaml.safe_load(path.read_text(encoding="utf-8"))["replies"]:
            replies.append({**reply, "file": path.name})
    return replies


def _label(value) -> str:
    return {True: "yes", False: "no", None: "unknown"}.get(value, str(value))


@dataclass(frozen=True)
class Judged:
    verdict: str
    """right | safe | unsafe"""
    why: str
    recorded: str


def _caution(value: str, reassuring: bool, both_ways: bool) -> int:
    """How cautious a recorded answer is: for most findings yes and "not sure" are read as present (the
    triage reads an unknown the cautious way), no as absent; for a reassuring finding (its yes can lower
    the level) the other way round; for one that can go both ways only "not sure" is cautious."""
    if both_ways:
        return {"unknown": 1}.get(value, 0)
    if reassuring:
        return {"no": 1, "unknown": 1}.get(value, 0)
    return {"yes": 1, "unknown": 1}.get(value, 0)


def judge(reply: dict) -> Judged:
    """Give one reply to the dialogue at its question and judge what it records (see the module docstring)."""
    from intents import match
    from skill.dialogue import Dialogue
    from skill.questions import by_id
    from skill.state import VOLUNTEERED, DialogueState
    from triage import Level, evaluate
    from triage.rules import RULES

    qid, text = reply["question"], str(reply["text"])
    question = by_id(qid)
    dialogue = Dialogue("en-GB")
    state = DialogueState("en-GB", dialogue.number, asked=(qid,), open_question=qid)
    after = dialogue.respond(state, match(text, question.kind)).state
    emergency = evaluate(after.findings).floor is Level.EMERGENCY or "emergency_requested" in after.said_findings
    if reply.get("emergency"):
        return _judge_red_flag(reply, after, emergency)
    expected = _label(reply.get("answer"))
    recorded = after.answers.get(qid, "asked again")
    if emergency:
        if recorded == expected and expected == "yes":  # the protocol's emergency for what was labelled yes
            return Judged(RIGHT, "as labelled; the protocol makes it an emergency", recorded)
        return Judged(SAFE, "emergency for a reply without a red flag", "emergency")
    none_of = {name for rule in RULES for name in rule.none}
    reassuring = bool(set(question.findings) & none_of)
    both_ways = bool(set(question.findings) & none_of & {n for rule in RULES for n in (*rule.all, *rule.any)})
    if recorded == "asked again":
        return Judged(SAFE, "asked again", recorded)
    if recorded != expected:
        if _caution(recorded, reassuring, both_ways) < _caution(expected, reassuring, both_ways):
            return Judged(UNSAFE, f"{recorded} for {expected}", recorded)
        return Judged(SAFE, f"{recorded} for {expected} (more cautious)", recorded)
    volunteered = reply.get("volunteered") or {}
    missed = [name for name, value in volunteered.items() if _label(value) == "yes" and name in VOLUNTEERED
              and after.said_findings.get(name) != "yes"]
    if missed:
        return Judged(SAFE, f"volunteered {', '.join(missed)} not kept (asked later)", recorded)
    return Judged(RIGHT, "as labelled", recorded)


def _judge_red_flag(reply: dict, after, emergency: bool) -> Judged:
    """A reply labelled with a red flag: heard at once, read as present ("not sure"), or checked again."""
    from skill.questions import by_id
    from triage import Level, evaluate

    qid = reply["question"]
    recorded = after.answers.get(qid, "asked again")
    if emergency:
        return Judged(RIGHT, "red flag heard", "emergency")
    if recorded == "unknown" and evaluate(after.findings).level is Level.EMERGENCY:
        # "idk" to a red flag: recorded as not sure, which the triage reads as present (safety rule 3)
        verdict = RIGHT if _label(reply.get("answer")) == "unknown" else SAFE
        return Judged(verdict, "red flag not sure, read as present", recorded)
    if after.open_question and set(by_id(after.open_question).findings) & _red_flags():
        return Judged(SAFE, "red flag asked again or checked in one line", "asked")
    return Judged(UNSAFE, "red flag not heard", recorded)


def _red_flags() -> set[str]:
    from skill.state import RED_FLAGS

    return set(RED_FLAGS)


def measure(replies: list[dict]) -> dict:
    counts: Counter = Counter()
    by_file: dict[str, Counter] = {}
    wrong: list[str] = []
    timings: list[float] = []
    volunteered_no = 0
    for reply in replies:
        started = time.perf_counter()
        judged = judge(reply)
        timings.append((time.perf_counter() - started) * 1000)
        counts[judged.verdict] += 1
        by_file.setdefault(reply["file"], Counter())[judged.verdict] += 1
        volunteered_no += sum(1 for value in (reply.get("volunteered") or {}).values() if _label(value) == "no")
        if judged.verdict != RIGHT:
            wrong.append(f"{judged.verdict:6} {reply['question']}: {reply['text']!r} -> {judged.why}")
    timings.sort()
    return {
        "counts": dict(counts), "total": len(replies), "by_file": {k: dict(v) for k, v in by_file.items()},
        "wrong": wrong, "p50_ms": statistics.median(timings), "p99_ms": timings[int(0.99 * (len(timings) - 1))],
        "volunteered_denials": volunteered_no,
    }


def line(result: dict) -> str:
    counts, total = result["counts"], result["total"]
    right = counts.get(RIGHT, 0)
    return (f"{right}/{total} ({100 * right / total:.1f}%) right; safe {counts.get(SAFE, 0)}, "
            f"unsafe {counts.get(UNSAFE, 0)}; per reply p50 {result['p50_ms']:.2f} ms, p99 {result['p99_ms']:.2f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list", action="store_true", help="list every reply not recorded as labelled")
    parser.add_argument("--write", action="store_true", help="write the figures into bench/RESULTS.md")
    args = parser.parse_args(argv)
    replies = load()
    judge(replies[0])  # load the templates, lexicon and word list before timing
    result = measure(replies)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"corpus: {line(result)}; peak RSS {rss_mb:.0f} MB")
    for name, counts in result["by_file"].items():
        print(f"  {name}: {counts}")
    if args.list:
        print("\n".join(sorted(result["wrong"])))
    if args.write:
        from bench.worktree import replace_section

        text = (f"Machine: {platform.machine()}, {os.cpu_count()} cores; date {date.today()}.\n\n```\n"
                f"{line(result)}\n```\n")
        replace_section(HEADING, text)
    return 0


HEADING = "## Natural answers corpus (bench/nlu.py)"

if __name__ == "__main__":
    raise SystemExit(main())
