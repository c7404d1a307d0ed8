"""Builders for Alexa request envelopes in the real JSON shape, for the conversation tests.

A `Session` plays the part of the Alexa service for one conversation: it numbers requests, stamps them with
the current time, keeps the session id, and carries the session attributes of each response into the next
request, as Alexa does. Slots are built as Alexa sends them: the spoken `value`, and for custom slot types an
entity-resolution block whose id is our canonical value.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = ["Session", "SKILL_ID", "slot", "resolved_slot", "unresolved_slot", "response_of"]

SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-000000000001"
_API_ENDPOINT = "https://api.amazonalexa.com"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _id(prefix: str) -> str:
    return f"{prefix}.{uuid.uuid4()}"


def slot(name: str, value: str | None) -> dict[str, Any]:
    """A slot of a built-in type (AMAZON.NUMBER, AMAZON.DURATION): only the spoken value."""
    data: dict[str, Any] = {"name": name, "confirmationStatus": "NONE", "source": "USER"}
    if value is not None:
        data["value"] = value
    return data


def resolved_slot(name: str, spoken: str, value_id: str, type_name: str) -> dict[str, Any]:
    """A custom-type slot that entity resolution matched to `value_id`."""
    data = slot(name, spoken)
    data["resolutions"] = {
        "resolutionsPerAuthority": [
            {
                "authority": f"amzn1.er-authority.echo-sdk.{SKILL_ID}.{type_name}",
                "status": {"code": "ER_SUCCESS_MATCH"},
                "values": [{"value": {"name": value_id.replace("_", " "), "id": value_id}}],
            }
        ]
    }
    return data


def unresolved_slot(name: str, spoken: str, type_name: str) -> dict[str, Any]:
    """A custom-type slot whose spoken value matched none of the type's values."""
    data = slot(name, spoken)
    data["resolutions"] = {
        "resolutionsPerAuthority": [
            {
                "authority": f"amzn1.er-authority.echo-sdk.{SKILL_ID}.{type_name}",
                "status": {"code": "ER_SUCCESS_NO_MATCH"},
            }
        ]
    }
    return data


def response_of(envelope: dict[str, Any]) -> dict[str, Any]:
    """The `response` part of a response envelope, with a clear failure if it is missing."""
    if "response" not in envelope:
        raise AssertionError(f"not a response envelope: keys {sorted(envelope)}")
    return envelope["response"]


@dataclass
class Session:
    """One conversation as the Alexa service would send it."""

    locale: str = "en-US"
    skill_id: str = SKILL_ID
    session_id: str = field(default_factory=lambda: _id("amzn1.echo-api.session"))
    user_id: str = field(default_factory=lambda: _id("amzn1.ask.account"))
    device_id: str = field(default_factory=lambda: _id("amzn1.ask.device"))
    attributes: dict[str, Any] = field(default_factory=dict)
    sent: int = 0
    ended: bool = False

    def launch(self) -> dict[str, Any]:
        return self._envelope({"type": "LaunchRequest"})

    def intent(self, name: str, slots: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        intent = {
            "name": name,
            "confirmationStatus": "NONE",
            "slots": {item["name"]: item for item in slots or []},
        }
        return self._envelope({"type": "IntentRequest", "intent": intent})

    def session_ended(self, reason: str = "USER_INITIATED") -> dict[str, Any]:
        request: dict[str, Any] = {"type": "SessionEndedRequest", "reason": reason}
        if reason == "ERROR":
            request["error"] = {"type": "INVALID_RESPONSE", "message": "test error"}
        return self._envelope(request)

    def absorb(self, envelope: dict[str, Any]) -> dict[str, Any]:
        """Take a response: keep its session attributes for the next request, note whether it ended."""
        self.attributes = dict(envelope.get("sessionAttributes") or {})
        self.ended = bool(response_of(envelope).get("shouldEndSession"))
        return envelope

    def _envelope(self, request: dict[str, Any]) -> dict[str, Any]:
        request = {"requestId": _id("amzn1.echo-api.request"), "timestamp": _now(), "locale": self.locale,
                   **request}
        application = {"applicationId": self.skill_id}
        user = {"userId": self.user_id}
        envelope = {
            "version": "1.0",
            "session": {
                "new": self.sent == 0,
                "sessionId": self.session_id,
                "application": application,
                "attributes": json.loads(json.dumps(self.attributes)),
                "user": user,
            },
            "context": {
                "System": {
                    "application": application,
                    "user": user,
                    "device": {"deviceId": self.device_id, "supportedInterfaces": {}},
                    "apiEndpoint": _API_ENDPOINT,
                    "apiAccessToken": "test-token",
                }
            },
            "request": request,
        }
        self.sent += 1
        return envelope
