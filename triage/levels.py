"""Dispositions: what the person should do, in order of urgency."""

from __future__ import annotations

from enum import IntEnum

__all__ = ["Level"]


class Level(IntEnum):
    """The four outcomes. A higher value is more urgent, so max() picks the most cautious one."""

    SELF_CARE = 0
    """Probably a cramp (or a minor strain): self-care, with a safety net."""
    ROUTINE = 1
    """See a doctor in the coming days."""
    URGENT = 2
    """Same-day medical assessment."""
    EMERGENCY = 3
    """Call the emergency number now."""

    @classmethod
    def parse(cls, name: str) -> Level:
        try:
            return cls[name.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown level {name!r}: expected one of {', '.join(cls.__members__)}") from None
