"""Errors raised by the speech package: one base class, one subclass per kind of failure."""

from __future__ import annotations

__all__ = ["SpeechError", "ModelError", "AudioError", "NoMicrophoneError", "SynthesisError"]


class SpeechError(Exception):
    """Base class: every error from speech/ carries a message fit to show the user."""


class ModelError(SpeechError):
    """A speech model is missing, unreadable, or lacks words a grammar needs."""


class AudioError(SpeechError):
    """An audio file or stream is unreadable or in a format we cannot use."""


class NoMicrophoneError(AudioError):
    """No input device could be opened."""


class SynthesisError(SpeechError):
    """Text to speech failed or timed out."""
