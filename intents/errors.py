"""Errors of the intents package (one base error)."""


class IntentsError(Exception):
    """Base error of the intents package."""


class UnknownKindError(IntentsError, ValueError):
    """A question kind that is not one of intents.KINDS."""
