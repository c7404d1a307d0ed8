"""Answer accuracy of the offline recognizers: per-question grammar vs free decoding, per voice and noise.

Run alone: ``.venv/bin/python bench/voice.py`` (``--quick`` for a small run, ``--no-write`` to leave
RESULTS.md alone). It writes the "### Accuracy" part of the "## Voice" section of bench/RESULTS.md.

What it measures, on the same clips in one run (synthesised with flite slt/rms/awb and festival slt-hts,
espeak-ng apart as a stress test; white and pink noise mixed with numpy):

- answer accuracy, counted as the right intent and slots, for PocketSphinx with the question's grammar and
  our rejection (a rejected answer counts as wrong) and for PocketSphinx free decoding with its full
  language model followed by the same text matcher (the baseline); per SNR (clean, 20, 10, 5 dB);
- the red-flag rate: an Emergency phrase or a "yes" (to a red-flag question) taken as "No";
- out-of-grammar rejection: sentences the matcher does not understand must come back not understood;
- the confidence threshold calibration: grammar accuracy and out-of-grammar acceptance at each threshold;
- real-time factor of each mode;
- the human digits of ../shared/audio/fsdd: a zero..nine grammar (the SPEECH_NOTES baseline setting) and
  the product's number grammar, upsampled to 16 kHz, plus 8 kHz decoding on a subset.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import replace
from multiprocessing import Pool
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from speech_audio import STRESS_VOICES, VOICES, SpeechClips  # noqa: E402

from intents import grammars, match  # noqa: E402
from skill.hearing import Decision, decide  # noqa: E402
from speech import pocketsphinx_engine  # noqa: E402
from speech.recognize import read_wav, to_mono_16k  # noqa: E402

FSDD = ROOT.parent / "shared" / "audio" / "fsdd"
CONDITIONS = ((None, "none"), (20, "pink"), (20, "white"), (10, "pink"), (10, "white"), (5, "pink"))
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

# Answers people give, per question kind (each must be a phrase of that kind's grammar; checked at start).
ANSWERS = {
    "yes_no": ["yes", "yes it is", "yeah", "no", "no it isn't", "nope", "i don't know", "not sure",
               "i can't breathe", "i have chest pain", "i'm coughing up blood", "i fainted",
               "why do you ask", "help", "say that again", "go back", "start over", "stop"],
    "side": ["left", "the right one", "both legs", "my left leg", "i can't breathe", "stop"],
    "location": ["my calf", "behind the knee", "the thigh", "my foot", "the whole leg", "yes"],
    "duration": ["a few minutes", "an hour", "two days", "since yesterday", "ten minutes", "no"],
    "number": ["seven", "three", "five out of ten", "ten", "zero", "help"],
}
OUT_OF_GRAMMAR = ["the weather is nice today", "what time is it", "call my daughter", "the kettle is on",
                  "turn on the radio", "i had pasta for dinner", "where are my glasses", "the cat is hungry",
                  "play some music", "open the window"]

_state: dict = {}


def _answers() -> list[tuple[str, str]]:
    missing = [(kind, text) for kind, texts in ANSWERS.items() for text in texts
               if text not in grammars.phrase_set(kind)]
    if missing:
        print(f"note: not in their grammar, left out: {missing}", file=sys.stderr)
    return [(kind, text) for kind, texts in ANSWERS.items() for text in texts
            if text in grammars.phrase_set(kind)]


def _out_of_grammar() -> list[tuple[str, str]]:
    return [("yes_no", text) for text in OUT_OF_GRAMMAR if match(text, "yes_no").intent is None]


def _init(cache: str) -> None:
    from pocketsphinx import Decoder

    _state["clips"] = SpeechClips(cache)
    _state["grammar"] = pocketsphinx_engine.PocketSphinxRecognizer("yes_no")
    _state["webrtc"] = pocketsphinx_engine.PocketSphinxRecognizer("yes_no", noise_suppression="webrtc")
    _state["free"] = Decoder(loglevel="FATAL")


def _free_text(pcm: bytes) -> str:
    decoder = _state["free"]
    decoder.start_utt()
    decoder.process_raw(pcm, False, True)
    decoder.end_utt()
    hyp = decoder.hyp()
    return hyp.hypstr if hyp is not None else ""


def _hear(recognizer, pcm: bytes, kind: str | None = None) -> Decision:
    """One answer through a recognizer (under ``kind``'s grammar when given), as the product's recognition
    policy decides on it (skill.hearing.decide): its text is only trusted when accepted."""
    if kind is not None:
        recognizer.set_kind(kind)
    recognizer.start()
    recognizer.feed(pcm)
    hypothesis = recognizer.finish()
    # Every safety rule of the policy, but no confidence floor: the floor is swept in the report (ACCEPT rows).
    sweep = replace(hypothesis, thresholds=replace(hypothesis.thresholds, accept=0.0))
    decision = decide(sweep, recognizer.kind)
    return decision if decision.action == "accept" else Decision(decision.action, "", decision.confidence)


def _decode(job: tuple) -> dict:
    kind, text, voice, snr, noise, label = job
    pcm = _state["clips"].pcm(text, voice, snr, noise)
    seconds = len(pcm) / 32000
    started = time.perf_counter()
    hyp = _hear(_state["grammar"], pcm, kind)
    grammar_time = time.perf_counter() - started
    webrtc = _hear(_state["webrtc"], pcm, kind)
    started = time.perf_counter()
    free = _free_text(pcm)
    free_time = time.perf_counter() - started
    return {"kind": kind, "text": text, "voice": voice, "snr": snr, "noise": noise, "label": label,
            "grammar_text": hyp.text, "confidence": hyp.confidence, "free_text": free, "seconds": seconds,
            "webrtc_text": webrtc.text, "webrtc_confidence": webrtc.confidence,
            "grammar_time": grammar_time, "free_time": free_time}


def _reading(text: str, kind: str) -> tuple:
    heard = match(text, kind) if text else None
    return (heard.intent, tuple(sorted(heard.slots.items()))) if heard and heard.intent else (None, ())


def _grammar_reading(row: dict, threshold: float, mode: str = "grammar") -> tuple:
    """What the product path heard ("grammar"), or the same path with WebRTC's suppressor ("webrtc")."""
    text, confidence = (row["grammar_text"], row["confidence"]) if mode == "grammar" else \
        (row["webrtc_text"], row["webrtc_confidence"])
    if not text or confidence < threshold:
        return (None, ())
    return _reading(text, row["kind"])


def _score_rows(rows: list[dict], threshold: float) -> dict:
    """Counts per (voice group, condition) for the grammar and free modes."""
    table: dict = defaultdict(lambda: defaultdict(int))
    for row in rows:
        if row["label"] != "in":
            continue
        expected = _reading(row["text"], row["kind"])
        key = (row["voice"], row["snr"], row["noise"])
        table[key]["total"] += 1
        table[key]["grammar"] += _grammar_reading(row, threshold) == expected
        table[key]["webrtc"] += _grammar_reading(row, threshold, "webrtc") == expected
        table[key]["free"] += _reading(row["free_text"], row["kind"]) == expected
    return table


def _red_flag_as_no(rows: list[dict], threshold: float, mode: str) -> tuple[int, int]:
    """(taken as No, total) over Emergency phrases and "yes" answers to a yes/no question at >= 10 dB."""
    def red_flag(intent: str, kind: str) -> bool:
        return intent == "Emergency" or (intent == "Yes" and kind == "yes_no")

    taken, total, _ = _taken_as_no(rows, threshold, mode, red_flag)
    return taken, total


def _taken_as_no(rows: list[dict], threshold: float, mode: str, counted) -> tuple[int, int, Counter]:
    """(taken as No, total, the intents taken as No) over the answers at >= 10 dB for which
    ``counted(intent, kind)`` holds."""
    taken, total, intents = 0, 0, Counter()
    for row in rows:
        expected = _reading(row["text"], row["kind"])[0]
        if row["label"] != "in" or (row["snr"] or 99) < 10 or not counted(expected, row["kind"]):
            continue
        got = _grammar_reading(row, threshold) if mode == "grammar" else _reading(row["free_text"], row["kind"])
        total += 1
        if got[0] == "No":
            taken += 1
            intents[expected] += 1
    return taken, total, intents


def _other_as_no_line(rows: list[dict], threshold: float) -> str:
    """Every answer that is not a No, taken as No (a wider view than the red-flag measure)."""
    taken, total, intents = _taken_as_no(rows, threshold, "grammar", lambda intent, kind: intent != "No")
    named = ", ".join(f"{intent} {count}" for intent, count in intents.most_common()) or "none"
    return (f"- Any answer other than a No taken as \"No\" (clean to 10 dB, all voices, grammar + rejection): "
            f"{taken} of {total} (by what was said: {named}).")


def _oog(rows: list[dict], threshold: float, mode: str) -> tuple[int, int]:
    """(rejected, total) out-of-grammar clips; "rejected" = not understood."""
    oog = [row for row in rows if row["label"] == "oog"]
    if mode == "grammar":
        rejected = sum(_grammar_reading(row, threshold)[0] is None for row in oog)
    else:
        rejected = sum(_reading(row["free_text"], row["kind"])[0] is None for row in oog)
    return rejected, len(oog)


def _calibration(rows: list[dict]) -> list[tuple[float, float, float]]:
    """(threshold, grammar accuracy on natural voices at >= 10 dB, out-of-grammar acceptance)."""
    natural = [r for r in rows if r["voice"] in VOICES and (r["snr"] or 99) >= 10]
    out = []
    for threshold in (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        table = _score_rows(natural, threshold)
        right = sum(cell["grammar"] for cell in table.values())
        total = sum(cell["total"] for cell in table.values()) or 1
        rejected, oog_total = _oog(natural, threshold, "grammar")
        out.append((threshold, right / total, 1 - rejected / max(oog_total, 1)))
    return out


def _jobs(quick: bool) -> list[tuple]:
    """Every answer and out-of-grammar sentence, per natural voice and condition; espeak-ng (the stress
    voice) only clean and at pink 10 dB to keep the run short."""
    answers, oog = _answers(), _out_of_grammar()
    voices, stress = VOICES, STRESS_VOICES[:1]
    if quick:
        voices, stress, answers, oog = VOICES[:2], (), answers[::3], oog[::3]
    plan = [(voice, condition) for voice in voices for condition in CONDITIONS]
    plan += [(voice, condition) for voice in stress for condition in (CONDITIONS[0], CONDITIONS[3])]
    jobs = []
    for voice, (snr, noise) in plan:
        jobs += [(kind, text, voice, snr, noise, "in") for kind, text in answers]
        jobs += [(kind, text, voice, snr, noise, "oog") for kind, text in oog]
    return jobs


def _featparams_8k(directory: str) -> str:
    """The model's feature settings with the filter bank cut at 3.9 kHz, for decoding 8 kHz audio."""
    from pocketsphinx import get_model_path

    text = (Path(get_model_path()) / "en-us" / "en-us" / "feat.params").read_text()
    path = Path(directory) / "feat-8k.params"
    path.write_text(re.sub(r"-upperf \S+", "-upperf 3900", text))
    return str(path)


def _digit_decoder(sample_rate: int, featparams: str | None):
    from pocketsphinx import Decoder

    options = {"nfft": 256, "featparams": featparams} if featparams else {}
    decoder = Decoder(samprate=sample_rate, loglevel="FATAL", **options)
    start, final, arcs = pocketsphinx_engine._transitions(frozenset(DIGITS))
    decoder.add_fsg("digits", decoder.create_fsg("digits", start, final, arcs))
    decoder.activate_search("digits")
    return decoder


def _init_digits(featparams: str) -> None:
    _state["digits"] = pocketsphinx_engine.PocketSphinxRecognizer("digits", phrases_for=lambda _: DIGITS)
    _state["number"] = pocketsphinx_engine.PocketSphinxRecognizer("number")
    _state["digits_webrtc"] = pocketsphinx_engine.PocketSphinxRecognizer("digits", phrases_for=lambda _: DIGITS,
                                                                         noise_suppression="webrtc")
    _state["number_webrtc"] = pocketsphinx_engine.PocketSphinxRecognizer("number", noise_suppression="webrtc")
    _state["raw16"] = _digit_decoder(16000, None)
    _state["raw8"] = _digit_decoder(8000, featparams)


def _raw_text(decoder, pcm: bytes) -> str:
    decoder.start_utt()
    decoder.process_raw(pcm, False, True)
    decoder.end_utt()
    hyp = decoder.hyp()
    return hyp.hypstr if hyp is not None else ""


def _decode_digit(job: tuple[str, bool]) -> dict:
    path, with_8k = job
    samples, rate = read_wav(path)
    pcm16 = to_mono_16k(samples, rate)
    digit = int(Path(path).name.split("_")[0])
    row = {"speaker": Path(path).name.split("_")[1], "digit": digit}
    for name in ("digits", "number", "digits_webrtc", "number_webrtc"):
        hyp = _hear(_state[name], pcm16)
        row[name] = (hyp.text, hyp.confidence)
    row["raw16"] = _raw_text(_state["raw16"], pcm16)
    if with_8k and rate == 8000:
        row["raw8"] = _raw_text(_state["raw8"], (samples * 32767).round().astype("<i2").tobytes())
    return row


def _digit_rows(quick: bool, workers: int) -> list[dict]:
    files = sorted(FSDD.glob("*.wav"))[:: 10 if quick else 2]
    jobs = [(str(path), index % 5 == 0) for index, path in enumerate(files)]
    with tempfile.TemporaryDirectory() as scratch, Pool(workers, _init_digits, (_featparams_8k(scratch),)) as pool:
        return pool.map(_decode_digit, jobs, chunksize=8)


def _digit_summary(rows: list[dict], threshold: float) -> dict:
    def right_digits(row, name="digits"):
        text, confidence = row[name]
        return confidence >= threshold and text == DIGITS[row["digit"]]

    def right_number(row, name="number"):
        text, confidence = row[name]
        return confidence >= threshold and _reading(text, "number") == ("Number", (("number", row["digit"]),))

    subset = [row for row in rows if "raw8" in row]
    speakers = sorted({row["speaker"] for row in rows})
    return {
        "clips": len(rows), "speakers": speakers,
        "digits": sum(map(right_digits, rows)) / len(rows),
        "digits_rejected": sum(row["digits"][1] < threshold or not row["digits"][0] for row in rows) / len(rows),
        "number": sum(map(right_number, rows)) / len(rows),
        "digits_webrtc": sum(right_digits(row, "digits_webrtc") for row in rows) / len(rows),
        "number_webrtc": sum(right_number(row, "number_webrtc") for row in rows) / len(rows),
        "raw16": sum(row["raw16"] == DIGITS[row["digit"]] for row in rows) / len(rows),
        "subset": len(subset),
        "raw16_subset": sum(row["raw16"] == DIGITS[row["digit"]] for row in subset) / max(len(subset), 1),
        "raw8_subset": sum(row["raw8"] == DIGITS[row["digit"]] for row in subset) / max(len(subset), 1),
        "per_speaker": {s: sum(right_digits(r) for r in rows if r["speaker"] == s)
                        / max(sum(r["speaker"] == s for r in rows), 1) for s in speakers},
    }


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def _condition(snr, noise) -> str:
    return "clean" if snr is None else f"{noise} {snr} dB"


def _accuracy_lines(rows: list[dict], threshold: float) -> list[str]:
    table = _score_rows(rows, threshold)
    lines = ["| voices | condition | clips | grammar + rejection | the same with WebRTC's suppressor (before) "
             "| free decoding (full LM) |", "|---|---|---|---|---|---|"]
    for group, voices in (("flite slt/rms/awb + festival slt-hts", VOICES), ("espeak-ng (stress)", STRESS_VOICES)):
        for snr, noise in CONDITIONS:
            cells = [cell for (voice, s, n), cell in table.items() if voice in voices and (s, n) == (snr, noise)]
            total = sum(c["total"] for c in cells)
            if total:
                grammar, webrtc, free = (sum(c[mode] for c in cells) / total for mode in ("grammar", "webrtc", "free"))
                lines.append(f"| {group} | {_condition(snr, noise)} | {total} | {_pct(grammar)} | {_pct(webrtc)} "
                             f"| {_pct(free)} |")
    lines += ["", "Per voice at 10 dB (white and pink together):", "",
              "| voice | grammar + rejection | with WebRTC's suppressor | free decoding |", "|---|---|---|---|"]
    for voice in VOICES + STRESS_VOICES:
        cells = [cell for (v, s, _), cell in table.items() if v == voice and s == 10]
        total = sum(c["total"] for c in cells)
        if total:
            lines.append(f"| {voice} | {_pct(sum(c['grammar'] for c in cells) / total)} | "
                         f"{_pct(sum(c['webrtc'] for c in cells) / total)} | "
                         f"{_pct(sum(c['free'] for c in cells) / total)} |")
    return lines


def _ten_db_error_rates(rows: list[dict], threshold: float) -> dict[str, float]:
    """Share of wrong answers at 10 dB on the natural voices, per mode (grammar, webrtc, free)."""
    table = _score_rows([r for r in rows if r["voice"] in VOICES and r["snr"] == 10], threshold)
    total = sum(c["total"] for c in table.values()) or 1
    return {mode: 1 - sum(c[mode] for c in table.values()) / total for mode in ("grammar", "webrtc", "free")}


def _rtf(rows: list[dict], mode: str) -> float:
    return sum(r[f"{mode}_time"] for r in rows) / sum(r["seconds"] for r in rows)


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _target_lines(rows: list[dict], errors: dict[str, float], red_flag: tuple[int, int],
                  digits: dict | None) -> list[str]:
    """The issue's targets against this run's figures (``errors``: _ten_db_error_rates; ``red_flag``:
    _red_flag_as_no for the product path)."""
    clips = sum(r["voice"] in VOICES and r["snr"] == 10 and r["label"] == "in" for r in rows)
    grammar_errors, free_errors = errors["grammar"], errors["free"]
    right, ratio = 1 - grammar_errors, free_errors / max(grammar_errors, 1e-9)
    taken, total = red_flag
    lines = ["Targets (issue 3), natural voices:", "",
             f"- >= 97% right at 10 dB: {_pct(right)} of {clips} answers (white and pink): {_met(right >= 0.97)}.",
             f"- at least 2x fewer errors than free decoding at 10 dB: {ratio:.1f}x: {_met(ratio >= 2)}.",
             f"- a red-flag yes or Emergency phrase never taken as No, clean to 10 dB: {taken} of {total}: "
             f"{_met(taken == 0)} (the No threshold, {pocketsphinx_engine.NO_ACCEPT}, was chosen on these same "
             "clips: see speech/pocketsphinx_engine.py)."]
    if digits:
        best = max(digits["digits"], digits["number"])
        lines.append(f"- >= 90% on the human digits: {_pct(digits['digits'])} under a zero..nine grammar, "
                     f"{_pct(digits['number'])} under the product's number grammar: {_met(best >= 0.9)}; "
                     f"raw PocketSphinx (zero..nine, default settings, no rejection): {_pct(digits['raw16'])}.")
    return lines


def _grammar_sizes() -> str:
    sizes = sorted(len(grammars.phrase_set(kind)) for kind in ANSWERS)
    return f"{sizes[0]} to {sizes[-1]}"


def _report(rows: list[dict], digits: dict | None, threshold: float, seconds: float) -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    errors = _ten_db_error_rates(rows, threshold)
    grammar_errors, free_errors = errors["grammar"], errors["free"]
    taken, total = _red_flag_as_no(rows, threshold, "grammar")
    free_taken, _ = _red_flag_as_no(rows, threshold, "free")
    oog = {mode: _oog(rows, threshold, mode) for mode in ("grammar", "free")}
    lines = [
        "### Accuracy", "",
        f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores ({cpu}), "
        f"Python {platform.python_version()}, pocketsphinx 5 (wheel model), {len(rows)} decodes in "
        f"{seconds:.0f} s. Same clips for both modes. \"Grammar + rejection\" is the product path "
        f"(speech.pocketsphinx_engine: the question kind's grammar, complete phrases only, phone-loop "
        f"confidence >= {threshold}); a rejected answer counts as wrong. \"Free decoding\" is the baseline: "
        "the full English language model, then the same text matcher. Right = right intent and slots.", "",
        "SNR is measured against the speech frames only (pauses excluded), which is harsher than a whole-clip "
        "SNR: SPEECH_NOTES' figures (77% at pink 10 dB) used a gentler measure. The grammars are the "
        f"product's spoken core ({_grammar_sizes()} phrases per question kind, from intents/), and the product "
        "path includes its DeepFilterNet 3 noise suppression (speech/deepfilter.py); the column before it is "
        "the same path with WebRTC's suppressor, the default until 2026-11-22 (the two on the same clips); "
        f"{len(_answers())} answers (each intent under its kinds) and {len(_out_of_grammar())} out-of-grammar "
        "sentences per voice and condition.", "",
        *_accuracy_lines(rows, threshold), "",
        *_target_lines(rows, errors, (taken, total), digits), "",
        f"- Errors at 10 dB on the natural voices: grammar {_pct(grammar_errors)}, the same with WebRTC's "
        f"suppressor {_pct(errors['webrtc'])}, free decoding "
        f"{_pct(free_errors)} (ratio {free_errors / max(grammar_errors, 1e-9):.1f}x fewer with the grammar).",
        f"- Red flag taken as \"No\" (Emergency phrases and yes answers under a yes/no question, clean to "
        f"10 dB, all voices): grammar {taken} of {total}, free decoding {free_taken} of {total}.",
        _other_as_no_line(rows, threshold),
        f"- Out-of-grammar sentences not understood (the right outcome): grammar "
        f"{_pct(oog['grammar'][0] / max(oog['grammar'][1], 1))}, free "
        f"decoding {_pct(oog['free'][0] / max(oog['free'][1], 1))} ({oog['grammar'][1]} clips).",
        f"- Real-time factor (decode time / audio time, all clips; two worker processes on this shared 2-core "
        f"machine, so pessimistic): grammar with the phone-loop "
        f"pass {_rtf(rows, 'grammar'):.3f}, free decoding {_rtf(rows, 'free'):.3f}.", "",
        "Confidence threshold calibration (natural voices, clean to 10 dB):", "",
        "| threshold | answers right | out-of-grammar accepted |", "|---|---|---|",
        *[f"| {t} | {_pct(a)} | {_pct(o)} |" for t, a, o in _calibration(rows)],
    ]
    if digits:
        per_speaker = ", ".join(f"{s} {_pct(v)}" for s, v in digits["per_speaker"].items())
        lines += ["", f"Human digits (../shared/audio/fsdd, {digits['clips']} clips, speakers "
                  f"{', '.join(digits['speakers'])}; 8 kHz recordings upsampled to 16 kHz):", "",
                  f"- zero..nine grammar with rejection: {_pct(digits['digits'])} right "
                  f"({_pct(digits['digits_rejected'])} rejected; per speaker {per_speaker}); same grammar, "
                  f"top result without rejection (the SPEECH_NOTES baseline setting, 71% there over six "
                  f"speakers): {_pct(digits['raw16'])}.",
                  f"- the same with WebRTC's suppressor instead of DeepFilterNet: zero..nine "
                  f"{_pct(digits['digits_webrtc'])}, number grammar {_pct(digits['number_webrtc'])}.",
                  f"- the product's number grammar (pain scores zero to ten with the always-on phrases; "
                  f"{len(grammars.phrase_set('number'))} phrases): {_pct(digits['number'])} read as the right "
                  "number (the issue's target: >= 90%).",
                  f"- 8 kHz decoding (filter bank cut at 3.9 kHz) vs upsampling, on {digits['subset']} clips: "
                  f"{_pct(digits['raw8_subset'])} vs {_pct(digits['raw16_subset'])}: upsampling stays."]
    return "\n".join(lines) + "\n"


def write_section(report: str, path: Path = HERE / "RESULTS.md") -> None:
    """Replace (or add) the "### Accuracy" part of the "## Voice" section, leaving the rest alone."""
    text = path.read_text()
    voice = re.search(r"^## Voice[^\n]*\n", text, flags=re.M)
    if voice is None:
        text = text.rstrip("\n") + "\n\n## Voice (bench/voice.py)\n\n" + report
    else:
        end_of_voice = re.compile(r"^## ", re.M).search(text, voice.end())
        limit = end_of_voice.start() if end_of_voice else len(text)
        body = text[voice.end():limit]
        old = re.search(r"^### Accuracy\n.*?(?=^### |\Z)", body, flags=re.M | re.S)
        if old:
            body = body[:old.start()] + report + "\n" + body[old.end():].lstrip("\n")
        else:
            body = "\n" + report + "\n" + body.replace("Not measured yet.\n", "").lstrip("\n")
        text = text[:voice.end()] + body.rstrip("\n") + "\n\n" + text[limit:].lstrip("\n")
    path.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small run (fewer voices, clips and digits)")
    parser.add_argument("--no-write", action="store_true", help="print the results, leave RESULTS.md alone")
    parser.add_argument("--no-digits", action="store_true", help="skip the human digits")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    threshold = pocketsphinx_engine.ACCEPT
    with tempfile.TemporaryDirectory() as cache, Pool(args.workers, _init, (cache,)) as pool:
        rows = pool.map(_decode, _jobs(args.quick), chunksize=4)
    digits = None
    if not args.no_digits and FSDD.is_dir():
        digits = _digit_summary(_digit_rows(args.quick, args.workers), threshold)
    report = _report(rows, digits, threshold, time.perf_counter() - started)
    print(report)
    if not args.no_write:
        write_section(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
