"""Emergency numbers by locale (safety rule 6: the product gives the local emergency number). The health
advice line each country's same-day advice names is a text of the locale (skill/texts)."""

from __future__ import annotations

import re

__all__ = ["EMERGENCY_NUMBERS", "DEFAULT_NUMBER", "emergency_number", "normalise_locale", "known_locale"]

EMERGENCY_NUMBERS = {
    "en-US": "911",
    "en-CA": "911",
    "en-GB": "999",
    "en-IE": "112",
    "en-AU": "000",
    "en-IN": "112",
    "en-NZ": "111",
}
DEFAULT_NUMBER = "112"

_NUMBER = re.compile(r"^[0-9]{2,6}$")


def normalise_locale(locale: str | None) -> str:
    """'en_gb' -> 'en-GB'; empty -> 'en-US'."""
    if not locale:
        return "en-US"
    lang, _, region = locale.replace("_", "-").partition("-")
    return f"{lang.lower()}-{region.upper()}" if region else lang.lower()


def known_locale(locale: str | None) -> bool:
    return normalise_locale(locale) in EMERGENCY_NUMBERS


def emergency_number(locale: str | None, override: str | None = None) -> str:
    """The number to call: the override if given (digits only), else the locale's, else 112."""
    if override:
        if not _NUMBER.match(override):
            raise ValueError(f"emergency number must be 2 to 6 digits, not {override!r}")
        return override
    return EMERGENCY_NUMBERS.get(normalise_locale(locale), DEFAULT_NUMBER)
