"""The pyttsx3 worker process of speech/tts.py: it renders each text it is sent to a WAV file.

Run as a script (``python speech/tts_worker.py``) this file is the worker: it reads one JSON request per line
on stdin, ``{"text": ..., "path": ..., "rate": WPM, "voice": ID or null, "wait": S}``, renders the text to
the WAV file at ``path`` and answers one JSON line on stdout, ``{"ok": true}`` or ``{"ok": false, "error":
"..."}``. Being run by path, it imports only the standard library and pyttsx3 (when it starts serving, not
on import), not legcheck, so the worker stays small and `import speech.tts` does not need pyttsx3.

pyttsx3 prints "Audio saved to ..." (and espeak-ng its own noise) on stdout, so the answers go to a copy of
the original stdout and everything else printed in the worker goes to stderr (which the parent discards).
"""

from __future__ import annotations

import json
import os
import sys
import time
import wave

# Two pyttsx3 faults are worked around here (both measured on this machine):
# - runAndWait() can return before the espeak callback has written the file (about 1 first utterance in 5
#   on a fresh engine); the file then appears 0.05-0.2 s later. So the worker waits for a complete WAV.
# - save_to_file() sometimes writes a WAV with no audio in it (about 1 utterance in 100 on a long-lived
#   engine). The worker then renders the text again at once (up to twice), which has always worked.
# Anything else is reported as an error, and the parent retries once with a fresh worker.

ATTEMPTS = 3
"""Renders of one text before an empty file is reported (the first, and up to two more)."""


def written(path: str, limit: float) -> str:
    """Wait up to `limit` seconds for a complete WAV at `path`: "ok", "empty" (no audio) or "missing"."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            with wave.open(path) as wav:
                frames = wav.getnframes()
            if frames > 0 and os.path.getsize(path) >= 44 + 2 * frames:
                return "ok"
            if frames == 0:
                return "empty"
        except (OSError, EOFError, wave.Error):
            pass
        time.sleep(0.005)
    return "missing"


def render(pyttsx3, request: dict) -> str:
    """Render one request with a fresh engine; the outcome as written() gives it."""
    engine = pyttsx3.init()
    engine.setProperty("rate", request["rate"])
    if request.get("voice"):
        engine.setProperty("voice", request["voice"])
    engine.save_to_file(request["text"], request["path"])
    engine.runAndWait()
    return written(request["path"], request["wait"])


def answer(pyttsx3, request: dict) -> dict:
    """The answer line for one request: rendered, or why not."""
    try:
        for _ in range(ATTEMPTS):
            outcome = render(pyttsx3, request)
            if outcome != "empty":
                break
        if outcome == "ok":
            return {"ok": True}
        return {"ok": False, "error": f"pyttsx3 wrote no audio ({outcome} file)"}
    except Exception as err:  # noqa: BLE001 - every failure is an answer line, never a dead worker
        return {"ok": False, "error": f"{type(err).__name__}: {err}"}


def serve() -> int:
    """Answer requests from stdin until it closes."""
    reply = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    import pyttsx3  # after the redirection: whatever it prints goes to stderr

    for line in sys.stdin:
        request = json.loads(line)
        reply.write(json.dumps(answer(pyttsx3, request)) + "\n")
        reply.flush()
    return 0


if __name__ == "__main__":
    sys.exit(serve())
