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

    .venv/bin/python bench/nlu.py [--against REV] [--list] [--write]
"""

from __future__ import annotations

import argparse
import json
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

sys.path.append(str(Path(__file__).resolve().parents[1]))  # after PYTHONPATH: a baseline tree keeps its own packages
from bench.worktree import measure_at, replace_section  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "nlu_corpus"
HELD_OUT = ROOT / "tests" / "data" / "nlu_heldout"
"""Written by another helper after the reader was tuned on CORPUS, and never used to tune it."""
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
    from skill.state import DialogueState

    try:
        from skill.state import VOLUNTEERED
    except ImportError:  # a baseline from before issue 12 kept only the signs said out of turn
        from skill.state import SIGNS_SAID as VOLUNTEERED
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
    for reply in replies:
        judged = judge(reply)
        counts[judged.verdict] += 1
        by_file.setdefault(reply["file"], Counter())[judged.verdict] += 1
        if judged.verdict != RIGHT:
            wrong.append(f"{judged.verdict:6} {reply['question']}: {reply['text']!r} -> {judged.why}")
    return {
        "counts": dict(counts), "total": len(replies), "by_file": {k: dict(v) for k, v in by_file.items()},
        "wrong": wrong,
    }


def line(result: dict) -> str:
    counts, total = result["counts"], result["total"]
    right = counts.get(RIGHT, 0)
    return (f"{right}/{total} ({100 * right / total:.1f}%) right; safe {counts.get(SAFE, 0)}, "
            f"unsafe {counts.get(UNSAFE, 0)}")


def reading_times(replies: list[dict]) -> dict[str, tuple[float, float]]:
    """p50 and p99 in ms of reading one reply: the matcher (templates, clauses, red-flag reader), the findings
    reader alone, and a whole dialogue step (matcher, findings reader, red-flag net, planner)."""
    import intents
    from intents import match
    from skill.questions import by_id

    has_reader = (Path(intents.__file__).parent / "findings.py").exists()  # not in a baseline before issue 12

    def percentiles(work) -> tuple[float, float]:
        times = []
        for reply in replies:
            question = by_id(reply["question"])
            started = time.perf_counter()
            work(str(reply["text"]), question)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        return statistics.median(times), times[int(0.99 * (len(times) - 1))]

    times = {"matcher": percentiles(lambda text, q: match(text, q.kind))}
    if has_reader:
        from intents.findings import read

        times["findings reader"] = percentiles(lambda text, q: read(text, q.findings))
    times["dialogue step"] = percentiles(lambda text, q: judge({"question": q.id, "text": text, "answer": "unknown"}))
    return times


def _vignettes():
    """bench/vignettes.py of this tree, by path: a baseline's tree (bench/worktree.py) has its own bench package."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("legcheck_bench_vignettes", Path(__file__).with_name("vignettes.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def vignette_questions() -> dict:
    """Median questions over the vignettes with plain answers and with natural ones (four phrasings each),
    and how many natural plays reach a level other than the case's."""
    vignettes = _vignettes()
    load_cases, load_phrasings, play_in_words = vignettes.load_cases, vignettes.load_phrasings, vignettes.play_in_words
    cases, phrasings = load_cases(), load_phrasings()
    plain = [play_in_words(case, None) for case in cases]
    natural = [(case, play_in_words(case, phrasings, variant)) for case in cases for variant in range(4)]
    self_care = [case.expected == "SELF_CARE" for case in cases]
    return {
        "cases": len(cases),
        "plain": statistics.median(play.questions for play in plain),
        "natural": statistics.median(play.questions for _case, play in natural),
        "plain self-care": statistics.median(p.questions for p, care in zip(plain, self_care, strict=True) if care),
        "natural self-care": statistics.median(play.questions for case, play in natural
                                               if case.expected == "SELF_CARE"),
        "natural wrong level": sum(play.level != case.expected for case, play in natural),
        "natural plays": len(natural),
    }


BASELINE = "5941353"
"""The last landing before issue 12's findings reader."""


def everything() -> dict:
    """Every figure of this tree, as JSON-able data."""
    replies, held_out = load(), load(HELD_OUT)
    judge(replies[0])  # load the templates, lexicon and word list before timing
    return {"corpus": measure(replies), "held_out": measure(held_out), "times": reading_times(replies),
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "vignettes": vignette_questions()}


def report(name: str, figures: dict) -> list[str]:
    vignettes = figures["vignettes"]
    lines = [f"{name}: corpus ({figures['corpus']['total']} replies) {line(figures['corpus'])}",
             f"{name}: held out ({figures['held_out']['total']} replies) {line(figures['held_out'])}"]
    lines += [f"{name}: {what} p50 {p50:.2f} ms, p99 {p99:.2f} ms per reply"
              for what, (p50, p99) in figures["times"].items()]
    lines.append(f"{name}: peak RSS (matcher, reader, dialogue, word list) {figures['rss_mb']:.0f} MB")
    lines.append(f"{name}: vignettes ({vignettes['cases']}) median questions plain {vignettes['plain']:g}, natural "
                 f"{vignettes['natural']:g}; to SELF_CARE plain {vignettes['plain self-care']:g}, natural "
                 f"{vignettes['natural self-care']:g}; natural plays at another level "
                 f"{vignettes['natural wrong level']}/{vignettes['natural plays']}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", metavar="REV",
                        help=f"also measure this commit as the baseline (--write: {BASELINE})")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    parser.add_argument("--list", action="store_true", help="list every reply not recorded as labelled")
    parser.add_argument("--write", action="store_true", help="write the figures into bench/RESULTS.md")
    args = parser.parse_args(argv)
    figures = everything()
    if args.json:
        print(json.dumps(figures))
        return 0
    baseline = args.against or (BASELINE if args.write else None)
    lines = report("now", figures)
    if baseline:
        lines = report(f"baseline {baseline}", measure_at(baseline, Path(__file__))) + lines
    print("\n".join(lines))
    if args.list:
        print("\n".join(sorted(figures["corpus"]["wrong"] + [f"held out: {item}"
                                                              for item in figures["held_out"]["wrong"]])))
    if args.write:
        replace_section(HEADING, section(lines, baseline))
    return 0


def section(lines: list[str], baseline: str) -> str:
    return "\n".join([
        HEADING, "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; date {date.today()}; "
        f"baseline: commit {baseline} (the last landing before the findings reader), same run. Corpus: "
        "tests/data/nlu_corpus/ (1661 replies by four helpers who never saw the code, each labelled with what a "
        "careful nurse would record; the reader was tuned on it); held out: tests/data/nlu_heldout/ (455 "
        "replies by a fifth helper, written after the tuning). Right: as labelled; safe: asked again or read "
        "more cautiously; unsafe: read less cautiously (a no for a yes or a not sure, a red flag not heard).", "",
        "```", *lines, "```", "",
        "The held-out replies were first measured at 346/455 right and 2 unsafe (\"not really. maybe slightly "
        "pink\" read as a no; \"not really, this is different from my usual cramps\" as a no): two general "
        "changes followed (a doubt clause after a no leaves it in doubt, pink is a colour of the skin; a no that "
        "says the question's premise does not fit is not known), so the held-out file is no longer unseen. Three "
        "corpus labels were changed after an independent helper, acting as a reviewing nurse, judged them "
        "(marked in the files). Targets of the issue: 95% right (not met: about 80% / 76%), 0 unsafe (met on "
        "both), p99 under 5 ms per reply (met by the findings reader alone; not by the whole matcher, whose "
        "hassil passes cost most of it; a dialogue step runs the matcher once and the findings reader "
        "about three times), median questions to SELF_CARE no more than with plain answers (met: 15 and 15; the "
        "baseline's natural plays are shorter only because most of them end at the wrong level, 368 of 524, "
        "mostly an emergency for a natural no).", ""])


HEADING = "## Natural answers corpus (bench/nlu.py)"

if __name__ == "__main__":
    raise SystemExit(main())
