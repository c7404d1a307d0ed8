"""The free phone loop that the PocketSphinx recognizer scores each answer against, and its worker process.

Run as a script (``python speech/phone_loop.py RATE LW``) this file is the worker: it reads answers from stdin
(a 4-byte little-endian length, then that many bytes of PCM16) and writes one JSON line per answer,
``{"score": N}`` (the best path score in log units, null when nothing came out). Being run by path, it
imports only PocketSphinx, not legcheck, so the worker stays small.

Why a process: the phone-loop pass costs as much as the grammar pass (both are dominated by scoring the
acoustic model on every frame), and PocketSphinx's Python bindings keep the GIL while decoding (two threads
measured slower than one). In a second process the two passes run side by side on two cores, so the
recognizer's answer comes about twice as fast (bench/voice_latency.py).
"""

from __future__ import annotations

import json
import struct
import sys
import tempfile
import warnings
from pathlib import Path

HEADER = struct.Struct("<I")


def make_decoder(sample_rate: int, **options):
    """A decoder with the wheel's English acoustic model and dictionary; no general language model."""
    from pocketsphinx import Decoder

    return Decoder(samprate=sample_rate, loglevel="FATAL", lm=None, **options)


def phone_loop_decoder(sample_rate: int, **options):
    """A decoder for the free phone loop: no language model and a one-line dictionary (the loop needs only
    the acoustic model's phones), so it adds about 30 MB instead of 90."""
    with tempfile.TemporaryDirectory() as scratch:
        dictionary = Path(scratch) / "loop.dict"
        dictionary.write_text("sil SIL\n")
        decoder = make_decoder(sample_rate, dict=str(dictionary), **options)
    decoder.add_allphone_file("phone_loop", None)
    decoder.activate_search("phone_loop")
    return decoder


def decode(decoder, pcm: bytes) -> None:
    """Decode one whole answer with the active search.

    PocketSphinx 5 calls start_stream() deprecated and unnecessary, but without it the noise estimate
    carries over from earlier utterances and the same audio decodes differently depending on what came
    before ("yes" in noise came out as "can" fresh and "an" later). Each answer is decoded on its own (with
    its own leading silence), so results are repeatable."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        decoder.start_stream()
    decoder.start_utt()
    decoder.process_raw(pcm, False, True)
    decoder.end_utt()


def best_path(decoder) -> tuple[str, int] | None:
    """The decoder's best hypothesis and its path score in log units, or None when there is none."""
    hyp = decoder.hyp()
    if hyp is None or not hyp.hypstr:
        return None
    return hyp.hypstr, decoder.logmath.log(hyp.best_score)


def loop_score(decoder, pcm: bytes) -> int | None:
    """The phone loop's best path score for one answer."""
    decode(decoder, pcm)
    best = best_path(decoder)
    return best[1] if best else None


def _serve(sample_rate: int, lw: float) -> int:
    decoder = phone_loop_decoder(sample_rate, lw=lw)
    reader, writer = sys.stdin.buffer, sys.stdout.buffer
    while len(header := reader.read(HEADER.size)) == HEADER.size:
        pcm = reader.read(HEADER.unpack(header)[0])
        writer.write(json.dumps({"score": loop_score(decoder, pcm)}).encode() + b"\n")
        writer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_serve(int(sys.argv[1]), float(sys.argv[2])))
