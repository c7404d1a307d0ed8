"""Every engine and the combination on the same clips, in one run: PocketSphinx (the product path), Moonshine
(grammar-phrase scoring, speech/moonshine_engine.py) and both (speech/combined.py, from the two engines'
results on each clip).

Run: ``.venv/bin/python bench/voice_engines.py [--write] [--save FILE | --load FILE]`` (about 20 minutes
here). It prints, and with ``--write`` puts into bench/RESULTS.md's "## Voice engines" section: accuracy per
condition (right intent and slots after the one recognition policy; a rejected answer counts as wrong) on the
bench voices (flite slt/rms/awb, festival slt-hts) clean and in pink and white noise at 20, 10 and 5 dB;
out-of-grammar speech rejected; red flags and other answers taken as No; real people's one-word answers
(../shared/audio/speech_commands, 16 kHz) and digits (../shared/audio/fsdd, 8 kHz upsampled, number grammar,
10 per speaker); seconds per answer (median); resident memory of the process with both engines loaded.
"""

from __future__ import annotations

import argparse
import datetime
import pickle
import platform
import re
import resource
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.speech_audio import VOICES, SpeechClips  # noqa: E402
from bench.voice import ANSWERS, OUT_OF_GRAMMAR  # noqa: E402
from intents import grammars, match  # noqa: E402
from skill.hearing import heard_from  # noqa: E402
from speech import make_recognizer  # noqa: E402
from speech.combined import combine  # noqa: E402
from speech.recognize import decode_pcm, read_wav, to_mono_16k  # noqa: E402

SHARED = ROOT.parent / "shared" / "audio"
CONDITIONS = ((None, "white"), (20, "pink"), (20, "white"), (10, "pink"), (10, "white"), (5, "pink"), (5, "white"))
ENGINES = ("pocketsphinx", "moonshine", "both")
TUNING_VOICES = ("flite:kal16", "flite:kal", "espeak:en-us")  #: never reported on: for choosing thresholds
TUNING_CONDITIONS = ((None, "white"), (10, "pink"), (10, "white"), (5, "white"))
_DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


@dataclass
class Record:
    """One clip: where it comes from, what it means, and each engine's hypothesis (before the policy)."""

    group: str  #: a condition ("clean", "pink 10 dB"), "oog", "speech_commands" or "fsdd"
    kind: str
    intent: str | None
    slots: dict
    hypotheses: dict = field(default_factory=dict)  #: engine name -> speech.Hypothesis


def _decode(engines, pcm: bytes, record: Record, seconds: dict) -> Record:
    for name, recognizer in engines.items():
        started = time.perf_counter()
        record.hypotheses[name] = decode_pcm(recognizer, pcm, record.kind)
        seconds[name].append(time.perf_counter() - started)
    seconds["both"].append(seconds["pocketsphinx"][-1] + seconds["moonshine"][-1])
    return record


def heard(record: Record, name: str):
    """What an engine's hypothesis (or, for "both", the combination of the two) means after the policy."""
    if name == "both":
        hypothesis = combine(record.hypotheses["pocketsphinx"], record.hypotheses["moonshine"], record.kind)
    else:
        hypothesis = record.hypotheses[name]
    return heard_from(hypothesis, record.kind)


def _synthetic(engines, clips, seconds, voices=VOICES, conditions=CONDITIONS) -> list[Record]:
    records = []
    answers = [(kind, text) for kind, texts in ANSWERS.items() for text in texts if text in grammars.phrase_set(kind)]
    for snr, noise in conditions:
        condition = "clean" if snr is None else f"{noise} {snr} dB"
        for voice in voices:
            for seed, (kind, text) in enumerate(answers):
                expected = match(text, kind)
                record = Record(condition, kind, expected.intent, expected.slots)
                records.append(_decode(engines, clips.pcm(text, voice, snr, noise, seed), record, seconds))
    for voice in voices:
        for text in OUT_OF_GRAMMAR:
            if match(text, "yes_no").intent is not None:
                continue
            record = Record("oog", "yes_no", None, {})
            records.append(_decode(engines, clips.pcm(text, voice, 20, "pink"), record, seconds))
    return records


def _human(engines, seconds) -> list[Record]:
    records = []
    kinds = {"yes": ("yes_no", "Yes", {}), "no": ("yes_no", "No", {}), "left": ("side", "Side", {"side": "left"}),
             "right": ("side", "Side", {"side": "right"})}
    kinds.update({word: ("number", "Number", {"number": value}) for value, word in enumerate(_DIGIT_WORDS)})
    for path in sorted((SHARED / "speech_commands").glob("*.wav")):
        word = path.name.split("_")[0]
        if word not in kinds:
            continue
        samples, rate = read_wav(path)
        records.append(_decode(engines, to_mono_16k(samples, rate), Record("speech_commands", *kinds[word]), seconds))
    per_speaker: dict = defaultdict(int)
    for path in sorted((SHARED / "fsdd").glob("*.wav")):
        digit, speaker, take = path.stem.split("_")
        if int(take) >= 10 or per_speaker[speaker, digit] >= 2:
            continue
        per_speaker[speaker, digit] += 1
        samples, rate = read_wav(path)
        record = Record("fsdd", "number", "Number", {"number": int(digit)})
        records.append(_decode(engines, to_mono_16k(samples, rate), record, seconds))
    return records


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def decode_everything(voices=VOICES, conditions=CONDITIONS, human: bool = True) -> dict:
    """Every clip through PocketSphinx and Moonshine: the records, seconds per answer, memory, run time."""
    started = time.time()
    engines = {"pocketsphinx": make_recognizer("pocketsphinx"), "moonshine": make_recognizer("moonshine")}
    seconds: dict = defaultdict(list)
    with tempfile.TemporaryDirectory() as directory:
        records = _synthetic(engines, SpeechClips(directory), seconds, voices, conditions)
    if human:
        records += _human(engines, seconds)
    memory = _rss_mb()
    for recognizer in engines.values():
        recognizer.close()
    return {"records": records, "seconds": dict(seconds), "memory": memory, "elapsed": time.time() - started,
            "date": str(datetime.date.today()), "machine": f"{platform.machine()} ({platform.python_version()})"}


def tally(records: list[Record]) -> dict:
    """Per engine: right/total per group (out-of-grammar: rejected), answers taken as another answer (a
    rejected one is asked again, so it is not counted there), red flags and other answers taken as No."""
    counts: dict = defaultdict(int)
    for record in records:
        for name in ENGINES:
            got = heard(record, name)
            counts["total", record.group, name] += 1
            if record.group == "oog":
                counts["right", "oog", name] += got.intent is None
                counts["wrong", name] += got.intent is not None
                continue
            right = got.intent == record.intent and got.slots == record.slots
            counts["right", record.group, name] += right
            if record.group not in ("speech_commands", "fsdd"):  # the bench voices, per question kind
                counts["total", f"kind {record.kind}", name] += 1
                counts["right", f"kind {record.kind}", name] += right
            counts["wrong", name] += got.intent is not None and not right  # taken as another answer
            if record.group in ("speech_commands", "fsdd"):
                continue
            if got.intent == "No" and record.intent != "No":
                red = record.intent == "Emergency" or record.kind == "yes_no" and record.intent == "Yes"
                counts["red_as_no" if red else "other_as_no", name] += 1
    return counts


def report(run: dict) -> str:
    counts = tally(run["records"])
    groups = list(dict.fromkeys(record.group for record in run["records"]))

    def cell(group: str, name: str) -> str:
        right, total = counts["right", group, name], counts["total", group, name]
        return f"{100 * right / max(total, 1):.1f}% ({right}/{total})"

    labels = {"speech_commands": "real people, one-word answers (speech_commands)",
              "fsdd": "real people, digits, number grammar (fsdd)", "oog": "out-of-grammar speech rejected"}
    lines = ["## Voice engines", "",
             f"Run {run['date']} on {run['machine']}, {run['elapsed']:.0f} s, by bench/voice_engines.py; one process, "
             "2 threads for Moonshine; \"both\" is speech/combined.py's rule applied to the two engines' results "
             "on each clip. Bench voices flite slt/rms/awb and festival slt-hts (no threshold was tuned on them: "
             "Moonshine's are SPEECH_NOTES' first choice, PocketSphinx's are the product's, the combination's "
             "CHECKER_SURE was chosen with --tuning on flite kal16/kal and espeak-ng). A rejected answer counts "
             "as wrong; \"taken as another answer\" counts the mistakes that are not asked again.", "",
             "| | " + " | ".join(ENGINES) + " |", "|---|" + "---|" * len(ENGINES)]
    kinds = [f"kind {kind}" for kind in dict.fromkeys(record.kind for record in run["records"]
                                                     if record.group not in ("oog", "speech_commands", "fsdd"))]
    for group in groups + kinds:
        label = (f"bench voices, every condition, {group[5:]} questions" if group.startswith("kind ")
                 else labels.get(group, group))
        lines.append(f"| {label} | " + " | ".join(cell(group, name) for name in ENGINES) + " |")
    lines.append("| answers taken as another answer (not asked again), every clip above | "
                 + " | ".join(str(counts["wrong", name]) for name in ENGINES) + " |")
    lines.append("| red flag or yes-to-a-red-flag taken as No | "
                 + " | ".join(str(counts["red_as_no", name]) for name in ENGINES) + " |")
    lines.append("| other answers taken as No | " + " | ".join(str(counts["other_as_no", name]) for name in ENGINES)
                 + " |")
    lines.append("| seconds per answer, median | " + " | ".join(f"{statistics.median(run['seconds'][name]):.2f}"
                                                                for name in ENGINES) + " |")
    lines += ["", f"Peak resident memory of this process with both engines loaded: {run['memory']:.0f} MB.", ""]
    return "\n".join(lines) + "\n"


def write_section(report: str, path: Path = HERE / "RESULTS.md") -> None:
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(r"^## Voice engines\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: report + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + report
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="put the figures into bench/RESULTS.md")
    parser.add_argument("--save", type=Path, metavar="FILE",
                        help="keep every clip's hypotheses in FILE (a pickle), to score another combination rule "
                             "on the same decodes with --load")
    parser.add_argument("--load", type=Path, metavar="FILE",
                        help="score the decodes kept by --save (no decoding; the seconds and memory are theirs)")
    parser.add_argument("--tuning", action="store_true",
                        help="the voices kept for choosing thresholds (flite kal16 and kal, espeak-ng en-us), clean, "
                             "pink and white 10 dB and white 5 dB, no real recordings; never --write")
    args = parser.parse_args(argv)
    if args.tuning and args.write:
        parser.error("--tuning figures are for choosing thresholds, not for RESULTS.md")
    if args.load:
        with args.load.open("rb") as stream:
            run = pickle.load(stream)
    else:
        run = (decode_everything(TUNING_VOICES, TUNING_CONDITIONS, human=False) if args.tuning
               else decode_everything())
        if args.save:
            with args.save.open("wb") as stream:
                pickle.dump(run, stream)
    text = report(run)
    print(text)
    if args.write:
        write_section(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
