"""Every engine and the combination on the same clips, in one run: PocketSphinx (the product path), Moonshine
(grammar-phrase scoring, speech/moonshine_engine.py) and both (speech/combined.py, from the two engines'
results on each clip).

Run: ``.venv/bin/python bench/voice_engines.py [--write]`` (about 10 minutes here). It prints, and with
``--write`` puts into bench/RESULTS.md's "## Voice engines" section: accuracy per condition (right intent and
slots after the one recognition policy; a rejected answer counts as wrong) on the bench voices (flite
slt/rms/awb, festival slt-hts) at clean, pink 20 dB and white 10 dB; out-of-grammar speech rejected; red flags
and other answers taken as No; real people's one-word answers (../shared/audio/speech_commands, 16 kHz) and
digits (../shared/audio/fsdd, 8 kHz upsampled, number grammar, 10 per speaker); seconds per answer (median);
resident memory of the process with both engines loaded.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import re
import resource
import statistics
import sys
import tempfile
import time
from collections import defaultdict
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
CONDITIONS = ((None, "white"), (20, "pink"), (10, "white"))
ENGINES = ("pocketsphinx", "moonshine", "both")
_DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def _decode_all(engines, pcm: bytes, kind: str, seconds: dict) -> dict:
    results = {}
    for name, recognizer in engines.items():
        started = time.perf_counter()
        results[name] = decode_pcm(recognizer, pcm, kind)
        seconds[name].append(time.perf_counter() - started)
    results["both"] = combine(results["pocketsphinx"], results["moonshine"], kind)
    seconds["both"].append(seconds["pocketsphinx"][-1] + seconds["moonshine"][-1])
    return {name: heard_from(hyp, kind) for name, hyp in results.items()}


def _same(heard, expected) -> bool:
    return heard.intent == expected.intent and heard.slots == expected.slots


def _synthetic(engines, clips, seconds) -> tuple[dict, dict, dict, dict]:
    right, total = defaultdict(int), defaultdict(int)
    red_as_no, other_as_no, oog_rejected = defaultdict(int), defaultdict(int), defaultdict(int)
    answers = [(kind, text) for kind, texts in ANSWERS.items() for text in texts if text in grammars.phrase_set(kind)]
    for snr, noise in CONDITIONS:
        condition = "clean" if snr is None else f"{noise} {snr} dB"
        for voice in VOICES:
            for seed, (kind, text) in enumerate(answers):
                expected = match(text, kind)
                heard = _decode_all(engines, clips.pcm(text, voice, snr, noise, seed), kind, seconds)
                for name in ENGINES:
                    total[condition, name] += 1
                    right[condition, name] += _same(heard[name], expected)
                    if heard[name].intent == "No" and expected.intent != "No":
                        (red_as_no if expected.intent == "Emergency" or kind == "yes_no" and expected.intent == "Yes"
                         else other_as_no)[name] += 1
    for voice in VOICES:
        for text in OUT_OF_GRAMMAR:
            if match(text, "yes_no").intent is not None:
                continue
            heard = _decode_all(engines, clips.pcm(text, voice, 20, "pink"), "yes_no", seconds)
            for name in ENGINES:
                oog_rejected[name] += heard[name].intent is None
                total["oog", name] += 1
    return {key: (right[key], total[key]) for key in total if key[0] != "oog"}, oog_rejected, red_as_no, other_as_no


def _human(engines, seconds) -> dict:
    scores: dict = defaultdict(lambda: [0, 0])
    kinds = {"yes": ("yes_no", "Yes", {}), "no": ("yes_no", "No", {}), "left": ("side", "Side", {"side": "left"}),
             "right": ("side", "Side", {"side": "right"})}
    kinds.update({word: ("number", "Number", {"number": value}) for value, word in enumerate(_DIGIT_WORDS)})
    for path in sorted((SHARED / "speech_commands").glob("*.wav")):
        word = path.name.split("_")[0]
        if word not in kinds:
            continue
        kind, intent, slots = kinds[word]
        samples, rate = read_wav(path)
        heard = _decode_all(engines, to_mono_16k(samples, rate), kind, seconds)
        for name in ENGINES:
            scores["speech_commands", name][0] += heard[name].intent == intent and heard[name].slots == slots
            scores["speech_commands", name][1] += 1
    per_speaker: dict = defaultdict(int)
    for path in sorted((SHARED / "fsdd").glob("*.wav")):
        digit, speaker, take = path.stem.split("_")
        if int(take) >= 10 or per_speaker[speaker, digit] >= 2:
            continue
        per_speaker[speaker, digit] += 1
        samples, rate = read_wav(path)
        heard = _decode_all(engines, to_mono_16k(samples, rate), "number", seconds)
        for name in ENGINES:
            scores["fsdd", name][0] += heard[name].intent == "Number" and heard[name].slots == {"number": int(digit)}
            scores["fsdd", name][1] += 1
    return scores


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run() -> str:
    started = time.time()
    engines = {"pocketsphinx": make_recognizer("pocketsphinx"), "moonshine": make_recognizer("moonshine")}
    seconds: dict = defaultdict(list)
    with tempfile.TemporaryDirectory() as directory:
        accuracy, oog, red_as_no, other_as_no = _synthetic(engines, SpeechClips(directory), seconds)
    human = _human(engines, seconds)
    memory = _rss_mb()
    for recognizer in engines.values():
        recognizer.close()
    conditions = sorted({condition for condition, _ in accuracy}, key=lambda c: [k for k, _ in accuracy].index(c))
    oog_total = sum(1 for voice in VOICES for text in OUT_OF_GRAMMAR if match(text, "yes_no").intent is None)
    lines = ["## Voice engines", "",
             f"Run {datetime.date.today()} on {platform.machine()} ({platform.python_version()}), "
             f"{time.time() - started:.0f} s, by bench/voice_engines.py; one process, 2 threads for Moonshine. "
             "Bench voices flite slt/rms/awb and festival slt-hts (the thresholds were not tuned on them: "
             "Moonshine's are SPEECH_NOTES' first choice, PocketSphinx's are the product's). A rejected answer counts "
             "as wrong.", "",
             "| | " + " | ".join(ENGINES) + " |", "|---|" + "---|" * len(ENGINES)]
    for condition in conditions:
        cells = [f"{100 * accuracy[condition, name][0] / accuracy[condition, name][1]:.1f}% "
                 f"({accuracy[condition, name][0]}/{accuracy[condition, name][1]})" for name in ENGINES]
        lines.append(f"| {condition} | " + " | ".join(cells) + " |")
    for source, label in (("speech_commands", "real people, one-word answers (speech_commands)"),
                          ("fsdd", "real people, digits, number grammar (fsdd)")):
        cells = [f"{100 * human[source, name][0] / max(human[source, name][1], 1):.1f}% "
                 f"({human[source, name][0]}/{human[source, name][1]})" for name in ENGINES]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("| out-of-grammar rejected | " + " | ".join(f"{oog[name]}/{oog_total}" for name in ENGINES) + " |")
    lines.append("| red flag or yes-to-a-red-flag taken as No | " + " | ".join(str(red_as_no[name]) for name in ENGINES)
                 + " |")
    lines.append("| other answers taken as No | " + " | ".join(str(other_as_no[name]) for name in ENGINES) + " |")
    lines.append("| seconds per answer, median | " + " | ".join(f"{statistics.median(seconds[name]):.2f}"
                                                                for name in ENGINES) + " |")
    lines += ["", f"Peak resident memory of this process with both engines loaded: {memory:.0f} MB.", ""]
    return "\n".join(lines) + "\n"


def write_section(report: str, path: Path = HERE / "RESULTS.md") -> None:
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(r"^## Voice engines\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: report + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + report
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="put the figures into bench/RESULTS.md")
    args = parser.parse_args(argv)
    report = run()
    print(report)
    if args.write:
        write_section(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
