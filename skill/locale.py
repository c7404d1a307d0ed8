"""Emergency numbers by locale (safety rule 6: the product gives the local emergency number)."""

from __future__ import annotations

import re

__all__ = ["EMERGENCY_NUMBERS", "DEFAULT_NUMBER", "ADVICE_LINES", "advice_line", "emergency_number",
           "normalise_locale", "known_locale"]

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

ADVICE_LINES = {
    # locale: (what the advice says, the service's own page)
    "en-GB": ("NHS 111", "https://www.nhs.uk/111 (as linked by NHS trusts: https://neas.nhs.uk/your-service/111)"),
    "en-AU": ("healthdirect on 1800 022 222", "https://www.healthdirect.gov.au/what-care-do-i-need"),
    "en-NZ": ("Healthline on 0800 611 116", "https://www.health.govt.nz/your-health/services-and-support/"
              "health-care-services/healthline/common-questions-about-healthline"),
    "en-CA": ("811, the health line in most provinces", "https://www.hss.gov.nt.ca/en/services/811/"
              "frequently-asked-questions ; http://healthpei.ca/811"),
}
"""The health advice line the urgent advice names, by locale, each with its source. Where there is no one
national line (the US, Ireland, India), none is named rather than a wrong one."""

_NUMBER = re.compile(r"^[0-9]{2,6}$")


def normalise_locale(locale: str | None) -> str:
    """'en_gb' -> 'en-GB'; empty -> 'en-US'."""
    if not locale:
        return "en-US"
    lang, _, region = locale.replace("_", "-").partition("-")
    return f"{lang.lower()}-{region.upper()}" if region else lang.lower()


def advice_line(locale: str | None) -> str:
    """The health advice line to name in the urgent advice, or "" (see ADVICE_LINES)."""
    return ADVICE_LINES.get(normalise_locale(locale), ("", ""))[0]


def known_locale(locale: str | None) -> bool:
    return normalise_locale(locale) in EMERGENCY_NUMBERS


def emergency_number(locale: str | None, override: str | None = None) -> str:
    """The number to call: the override if given (digits only), else the locale's, else 112."""
    if override:
        if not _NUMBER.match(override):
            raise ValueError(f"emergency number must be 2 to 6 digits, not {override!r}")
        return override
    return EMERGENCY_NUMBERS.get(normalise_locale(locale), DEFAULT_NUMBER)
