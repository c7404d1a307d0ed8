"""Turn latency and peak memory of `legcheck voice`, endpointing accuracy, with same-run baselines.

    .venv/bin/python bench/voice_latency.py           # prints the results as Markdown
    .venv/bin/python bench/voice_latency.py --write   # also replaces "### Latency and memory" in RESULTS.md

- Turn latency: `legcheck voice --input-wav --json` (PocketSphinx) on complete spoken triage sessions
  (the answers synthesized with flite/festival voices, pink noise at 20 dB). The loop reports, for the
  first reply after each answer, the time from the endpoint (the end of the answer's trailing silence:
  the silence itself is not counted) to the first sample of the reply going to the output. p50 / p95.
- Peak RSS: of the `legcheck voice` process itself (its VmHWM, read by a wrapper that runs the CLI
  in-process; not getrusage, whose ru_maxrss keeps the parent's size across fork and exec), and
  separately of its pyttsx3 worker.
- Baselines in the same run: raw PocketSphinx decoding each answer clip alone (start, process, end with
  the same per-question JSGF grammar), espeak-ng rendering each reply alone (a process per reply), and
  the peak RSS of a bare PocketSphinx decoder process.
- Endpointing: each answer of a session found as exactly one segment, per detector (WebRTC VAD alone, the
  energy gate alone, both: our default) and noise level; and the mean boundary error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.speech_audio import RATE, SpeechClips, add_noise, dither, to_pcm  # noqa: E402
from bench.voice_sessions import plan, session_wav  # noqa: E402
from skill.voice import SPECULATE_AFTER_MS  # noqa: E402
from speech.endpointer import EndpointConfig, segments  # noqa: E402
from triage.levels import Level  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "### Latency and memory"
ENGINES_HEADING = "### Turn latency and memory per engine"
SESSIONS = ("emergency_phrase", "dvt", "cramp")
VOICES = ("flite:slt", "flite:rms", "festival:slt_hts")
REPLY_PAUSE_S = 0.6  #: between clips in the recognizer-alone baseline (see baseline_decode)

_WRAPPER = """
import re, sys
from skill.cli import main
code = main(sys.argv[1:])
own = re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1)
sys.stderr.write(f"\\nPEAK_RSS_KB {own}\\n")
sys.exit(code)
"""

_BARE_DECODER = """
import re, sys, wave
from pocketsphinx import Decoder
decoder = Decoder(samprate=16000)
with wave.open(sys.argv[1]) as wav:
    pcm = wav.readframes(wav.getnframes())
decoder.start_utt(); decoder.process_raw(pcm, full_utt=True); decoder.end_utt()
print(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1))
"""


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def run_voice(recording: Path, workdir: Path, realtime: bool, engine: str = "pocketsphinx"
              ) -> tuple[list[float], int, list[dict]]:
    """One session through `legcheck voice --engine ENGINE`: (latencies ms, own peak RSS KB, events)."""
    command = [sys.executable, "-c", _WRAPPER, "voice", "--engine", engine, "--input-wav", str(recording),
               "--output-wav", str(workdir / "said.wav"), "--json", *(["--realtime"] if realtime else [])]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT)
    if run.returncode != 0:
        raise RuntimeError(f"legcheck voice failed: {run.stderr[-2000:]}")
    events = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    own = int(re.search(r"PEAK_RSS_KB (\d+)", run.stderr).group(1))
    return [e["latency_ms"] for e in events if "latency_ms" in e], own, events


def voice_sessions(clips: SpeechClips, workdir: Path, repeats: int, realtime: bool,
                   engine: str = "pocketsphinx") -> dict:
    latencies, own, levels, outcomes, turns = [], [], {}, [], 0
    for case in SESSIONS:
        steps, level = plan(case)
        for index, voice in enumerate(VOICES[:repeats]):
            recording = session_wav(clips, steps, workdir / f"{case}-{index}.wav", voice=voice, seed=index)
            found, rss, events = run_voice(recording, workdir, realtime, engine)
            latencies += found
            own.append(rss)
            outcome = session_outcome(events, level)
            outcomes.append(outcome)
            levels[f"{case}/{voice}"] = outcome["text"]
            turns += len(found)
    return {"latencies": latencies, "rss_kb": max(own), "levels": levels, "outcomes": outcomes, "turns": turns}


def pooled(runs: list[dict]) -> dict:
    """Several runs of the same sessions as one: every turn's latency and the highest RSS; the outcomes of
    the first run (the recordings are the same each time); and each run's own p95, which moves from run to
    run because the p95 of a few dozen turns rests on the slowest three or four."""
    first = runs[0]
    return {**first, "latencies": [value for run in runs for value in run["latencies"]],
            "rss_kb": max(run["rss_kb"] for run in runs), "turns": sum(run["turns"] for run in runs),
            "run_p95": [percentile(run["latencies"], 95) for run in runs]}


def session_outcome(events: list[dict], expected: str) -> dict:
    """The level a scripted session reached against the expected one, and how many answers were not
    understood. The recording holds one answer per planned question, so after an answer that was asked
    again every later answer of the recording reaches the question after the one it was meant for."""
    result = [e for e in events if e["type"] == "result"]
    got = result[0]["level"] if result else None
    asked_again = sum(1 for e in events if e.get("key") == "not_understood")
    text = f"{got or 'none'} (expected {expected}"
    if asked_again:
        text += f"; {asked_again} answer(s) not understood and asked again, so the recording ran out of step"
    lower = got is None or Level.parse(got) < Level.parse(expected)
    return {"text": text + ")", "right": got == expected, "lower": lower, "asked_again": asked_again}


def outcomes_sentence(outcomes: list[dict]) -> str:
    """What the session outcomes say, counted (never a fixed claim)."""
    right = sum(outcome["right"] for outcome in outcomes)
    lower = sum(outcome["lower"] for outcome in outcomes)
    out_of_step = sum(1 for outcome in outcomes if outcome["asked_again"])
    return (f"{right} of {len(outcomes)} sessions reached the expected level; {lower} ended lower than expected "
            f"(or with no result); {out_of_step} had an answer asked again")


def worker_rss(texts: list[str]) -> int:
    """Peak RSS (KB) of the pyttsx3 worker process after rendering `texts` (its own VmHWM)."""
    from speech.tts import TextToSpeech

    tts = TextToSpeech()
    try:
        for text in texts:
            tts.render(text)
        status = Path(f"/proc/{tts.worker_pid}/status").read_text()
    finally:
        tts.close()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))


def baseline_decode(clips: SpeechClips) -> tuple[list[float], int]:
    """The recognizer alone (speech.recognizer, PocketSphinx): each answer clip of the sessions decoded
    by itself, start + feed + finish, ms per clip (its finish() is where PocketSphinx does its work,
    DeepFilterNet over the whole clip included: nothing streamed ahead here); and the peak RSS (KB, own
    VmHWM) of its phone-loop worker process after those decodes. Between clips it waits as long as a short
    reply takes, so the noise suppressor's next network state is made, as it is in use."""
    from speech.recognizer import make_recognizer

    recognizer = make_recognizer("pocketsphinx")
    times = []
    for case in SESSIONS:
        steps, _level = plan(case)
        for step in steps:
            recognizer.set_kind(step.kind)
            pcm = to_pcm(add_noise(dither(clips.clean(step.answer, "flite:slt")), 20, "pink"))
            time.sleep(REPLY_PAUSE_S)
            started = time.perf_counter()
            recognizer.start()
            recognizer.feed(pcm)
            recognizer.finish()
            times.append((time.perf_counter() - started) * 1000)
    status = Path(f"/proc/{recognizer.worker_pid}/status").read_text()
    recognizer.close()
    return times, int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))


def baseline_render(texts: list[str], workdir: Path) -> list[float]:
    """espeak-ng alone: each reply rendered to a WAV by its own process (ms per reply)."""
    times = []
    for text in texts:
        started = time.perf_counter()
        subprocess.run(["espeak-ng", "-s", "160", "-w", str(workdir / "espeak.wav"), text], check=True,
                       capture_output=True)
        times.append((time.perf_counter() - started) * 1000)
    return times


def baseline_rss(clips: SpeechClips, workdir: Path) -> int:
    from bench.speech_audio import write_wav

    path = write_wav(workdir / "one.wav", add_noise(dither(clips.clean("yes", "flite:slt")), 20, "pink"))
    run = subprocess.run([sys.executable, "-c", _BARE_DECODER, str(path)], capture_output=True, text=True,
                         check=True)
    return int(run.stdout.strip())


def endpoint_accuracy(clips: SpeechClips) -> list[tuple[str, str, int, int, float]]:
    """(detector, noise, answers found as one segment, answers, mean boundary error ms)."""
    answers = ("yes", "no", "my left leg", "about two hours", "i can't breathe", "not sure")
    rows = []
    for detector in ("hybrid", "webrtc", "energy"):
        for snr in (None, 20, 10, 5):
            good = total = 0
            errors: list[float] = []
            for seed, voice in enumerate(VOICES):
                samples, truth = _endpoint_session(clips, voice, answers)
                if snr is not None:
                    samples = add_noise(samples, snr, "pink", seed)
                found = segments(to_pcm(samples), EndpointConfig(detector=detector))
                total += len(truth)
                g, e = _score(found, truth)
                good += g
                errors += e
            noise = "clean" if snr is None else f"pink {snr} dB"
            rows.append((detector, noise, good, total, statistics.mean(errors) if errors else float("nan")))
    return rows


def _endpoint_session(clips, voice, answers):
    parts, truth, t = [], [], 0.0
    for text in answers:
        clip = clips.clean(text, voice)
        parts += [np.zeros(int(1.5 * RATE)), clip]
        t += 1.5
        loud = np.flatnonzero(np.abs(clip) > 0.02 * np.abs(clip).max())
        truth.append((t + loud[0] / RATE, t + loud[-1] / RATE))
        t += clip.size / RATE
    parts.append(np.zeros(2 * RATE))
    return dither(np.concatenate(parts)), truth


def _score(found, truth) -> tuple[int, list[float]]:
    """Answers matched by exactly one segment that matches no other answer; end-boundary errors (ms)."""
    good, errors = 0, []
    for start, end in truth:
        hits = [s for s in found if s.start < end and s.end > start]
        if len(hits) == 1 and sum(1 for a, b in truth if hits[0].start < b and hits[0].end > a) == 1:
            good += 1
            errors.append(abs(hits[0].end - end) * 1000)
    return good, errors


def machine() -> str:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu}, {os.cpu_count()} cores, {system}, Python {platform.python_version()}"


def _latency_row(label: str, values: list[float], target: str = "") -> str:
    return f"| {label} | {percentile(values, 50):.1f} ms | {percentile(values, 95):.1f} ms | {target} |"


def report(live: dict, fast: dict, decode: list[float], render: list[float], rss: dict, endpoint) -> str:
    lat = live["latencies"]
    d50, d95 = percentile(decode, 50), percentile(decode, 95)
    r50, r95 = percentile(render, 50), percentile(render, 95)
    rss_mb = max(live["rss_kb"], fast["rss_kb"]) / 1024
    worker_mb, bare_mb = rss["worker"] / 1024, rss["bare"] / 1024
    lines = [
        HEADING,
        "",
        f"Measured by `bench/voice_latency.py` on {dt.date.today().isoformat()}, {machine()}; load average "
        f"{rss['load'][0]:.1f} at the start and {os.getloadavg()[0]:.1f} at the end (a machine shared with other "
        "jobs: every figure here, baselines included, is from the same run and under the same load).",
        f"`legcheck voice --input-wav --json` with PocketSphinx on {len(live['levels'])} complete spoken "
        f"sessions ({', '.join(SESSIONS)} x voices {', '.join(VOICES[:len(live['levels']) // len(SESSIONS)])}; "
        f"pink noise 20 dB), {len(live['run_p95'])} times at a microphone's pace: {live['turns']} turns. "
        "Turn latency = the capture time of the frame that completed the endpoint (the "
        f"{EndpointConfig().trailing_silence_ms} ms trailing silence itself is not counted) to the first sample "
        "of the reply going to the output. With `--realtime` the recording comes at a live microphone's pace, "
        "as in use; without it, frames come as fast as they can be read, so decoding cannot overlap the "
        "trailing silence (the worst case).",
        "",
        "| measure | p50 | p95 | target |",
        "|---|---|---|---|",
        _latency_row("turn latency, `legcheck voice --realtime` (as with a microphone)", lat, "p95 <= 150 ms"),
        _latency_row("turn latency, `legcheck voice` unpaced (no overlap possible, one run)", fast["latencies"]),
        _latency_row("baseline: the recognizer alone decoding one answer clip", decode),
        _latency_row("baseline: espeak-ng rendering one reply alone (a process each)", render),
        f"| ratio: realtime turn latency / (decode + render baselines) | {percentile(lat, 50) / (d50 + r50):.2f} | "
        f"{percentile(lat, 95) / (d95 + r95):.2f} | |",
        "",
        "The realtime row pools every run; each run's own p95: "
        + ", ".join(f"{value:.1f} ms" for value in live["run_p95"]) + ".",
        "",
        "| memory | peak RSS | target |",
        "|---|---|---|",
        f"| `legcheck voice` process (recognizer, dialogue, endpointer) | {rss_mb:.0f} MB | <= 150 MB |",
        f"| its pyttsx3 worker process (own VmHWM) | {worker_mb:.0f} MB | |",
        f"| its PocketSphinx phone-loop worker process (own VmHWM) | {rss['loop'] / 1024:.0f} MB | |",
        f"| all three together | {rss_mb + worker_mb + rss['loop'] / 1024:.0f} MB | |",
        f"| baseline: bare PocketSphinx decoder (default LM) decoding one clip | {bare_mb:.0f} MB | |",
        f"| ratio: `legcheck voice` / bare decoder | {rss_mb / bare_mb:.2f} | |",
        "",
        "Reading: after the endpoint, the loop itself adds only the dialogue step and the first sentence "
        "of the reply (pre-rendered, read back from its WAV file). What remains is the recognizer: its "
        "noise suppression (DeepFilterNet) runs while the answer is captured, so its finish() has only the "
        "last frames of it left, then decodes the whole answer twice, the grammar pass here and the "
        f"phone-loop pass in its worker process at the same time (p50 {d50:.0f} ms alone here, where the "
        "whole clip's noise suppression is in the finish()). The loop starts that decoding after "
        f"{SPECULATE_AFTER_MS} ms of trailing silence, so part of it is hidden behind the endpoint "
        "wait; decoding earlier would hide more but measured worse recognition (see skill/voice.py). The "
        "unpaced figure is what is left when nothing can be hidden. Memory: `legcheck voice` no longer "
        "imports Flask and the endpoint code (they load only for `legcheck serve`); the phone-loop decoder "
        "lives in its worker.",
        "",
        "Outcomes of the sessions: " + outcomes_sentence(live["outcomes"]) + ". "
        + "; ".join(f"{k}: {v}" for k, v in live["levels"].items()) + ".",
        "",
        "Endpointing (why the default detector is WebRTC VAD AND an energy gate): six answers per voice, "
        "three voices, separated by 1.5 s of silence; an answer counts when exactly one segment covers it.",
        "",
        "| detector | noise | answers found as one segment | mean end error |",
        "|---|---|---|---|",
    ]
    for detector, noise, good, total, error in endpoint:
        name = {"hybrid": "WebRTC + energy (default)", "webrtc": "WebRTC VAD alone", "energy": "energy alone"}[detector]
        shown = "none found" if error != error else f"{error:.0f} ms"  # NaN: no answer was found
        lines.append(f"| {name} | {noise} | {good}/{total} | {shown} |")
    lines += ["", "WebRTC's VAD alone calls steady noise at 10 dB SNR speech, so answers run together; the energy "
              "gate (7 dB above a 10th-percentile noise floor over 5 s) fixes that, and WebRTC keeps rejecting "
              "loud sounds that are not speech.", ""]
    return "\n".join(lines)


def engines_report(runs: dict[str, dict]) -> str:
    """Turn latency, memory and outcomes of the same sessions heard by each engine (``--engines``)."""
    lines = [ENGINES_HEADING, "",
             f"Measured by `bench/voice_latency.py --engines {','.join(runs)}` on {dt.date.today().isoformat()}, "
             f"{machine()}: the sessions of \"Latency and memory\" (pink noise 20 dB), `legcheck voice --realtime "
             "--engine ENGINE`, every engine in the same run. Turn latency as there (endpoint to the first sample "
             "of the reply; the trailing silence not counted); peak RSS of the `legcheck voice` process (its "
             "PocketSphinx phone-loop and pyttsx3 workers not included).",
             "",
             "| engine | turns | turn latency p50 | p95 | each run's p95 | peak RSS | sessions |",
             "|---|---|---|---|---|---|---|"]
    for engine, run in runs.items():
        each = ", ".join(f"{value:.0f}" for value in run["run_p95"])
        lines.append(f"| {engine} | {run['turns']} | {percentile(run['latencies'], 50):.0f} ms | "
                     f"{percentile(run['latencies'], 95):.0f} ms | {each} ms | {run['rss_kb'] / 1024:.0f} MB | "
                     f"{outcomes_sentence(run['outcomes'])} |")
    return "\n".join(lines + [""])


def write_section(text: str, heading: str = HEADING) -> None:
    """Replace (or add) only the `heading` part of the "## Voice" section."""
    content = RESULTS.read_text(encoding="utf-8")
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^### |^## |\Z)", re.S | re.M)
    if pattern.search(content):
        content = pattern.sub(lambda _m: text + "\n", content, count=1)
    else:
        voice = re.search(r"^## Voice.*?(?=^## |\Z)", content, re.S | re.M)
        if voice is None:
            content = content.rstrip("\n") + "\n\n## Voice\n\n" + text + "\n"
        else:
            end = voice.end()
            body = content[voice.start():end].rstrip("\n")
            body = body.replace("\n\nNot measured yet.", "")
            content = content[: voice.start()] + body + "\n\n" + text + "\n\n" + content[end:].lstrip("\n")
    RESULTS.write_text(content, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    parser.add_argument("--voices", type=int, default=len(VOICES), help="voices per session (1-3)")
    parser.add_argument("--runs", type=int, default=3, help="runs of the realtime sessions, pooled (default 3)")
    parser.add_argument("--engines", default="",
                        help="only the realtime sessions, heard by each of these engines (comma-separated, e.g. "
                             "pocketsphinx,moonshine,both); --write replaces their own section of RESULTS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="legcheck-bench-") as tmp:
        workdir = Path(tmp)
        clips = SpeechClips(workdir / "clips")
        if args.engines:
            text = engines_report({engine: pooled([voice_sessions(clips, workdir, args.voices, True, engine)
                                                   for _ in range(args.runs)])
                                   for engine in args.engines.split(",")})
            print(text)
            if args.write:
                write_section(text, ENGINES_HEADING)
            return 0
        load = os.getloadavg()
        live = pooled([voice_sessions(clips, workdir, args.voices, realtime=True) for _ in range(args.runs)])
        fast = voice_sessions(clips, workdir, args.voices, realtime=False)
        texts = _reply_texts()
        rss = {"worker": worker_rss(texts), "bare": baseline_rss(clips, workdir), "load": load}
        decode, rss["loop"] = baseline_decode(clips)
        text = report(live, fast, decode, baseline_render(texts, workdir), rss, endpoint_accuracy(clips))
    print(text)
    if args.write:
        write_section(text)
    return 0


def _reply_texts() -> list[str]:
    from skill.dialogue import Dialogue
    from skill.voice import prompts_to_prerender

    return prompts_to_prerender(Dialogue("en-US"))[:40]


if __name__ == "__main__":
    sys.exit(main())
