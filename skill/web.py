"""The Alexa HTTPS endpoint: a Flask app factory and the `legcheck serve` command.

Alexa POSTs a signed JSON request envelope to `/` (or `/alexa`); we verify it (skill/verify.py), hand it to
the ask-sdk-core skill (the same one the Lambda handler uses) and answer the response envelope as JSON.
`GET /healthz` answers {"status": "ok"} for load balancers.

Configuration (`create_app(config)` keys, all optional):

- ``VERIFY`` (True): check Alexa's signature, certificate chain and timestamp. Only switch it off for local
  testing (`legcheck serve --no-verify` prints a warning); Amazon requires it of every HTTPS skill.
- ``SKILL_IDS`` (empty): allowlist of skill ids (applicationId); empty accepts any skill. The environment
  variable ``LEGCHECK_SKILL_IDS`` (comma-separated) sets it when the config does not, for gunicorn.
- ``MAX_BODY_BYTES`` (131072): larger bodies are refused with 413 before they are read.
- ``TRUST_ROOTS`` (certifi's bundle): PEM text of the root certificates a chain must lead to. Tests and
  benches pass their own test CA here; never do that in production.
- ``TIMESTAMP_TOLERANCE`` (150): seconds a request's timestamp may differ from our clock.
- ``CERT_FETCHER`` (urllib over https): a function url -> PEM bytes that fetches a certificate chain.
  Tests pass one that serves the chains of their test CA from memory (there is no network in tests).

Production, behind TLS (Alexa only calls https on 443: terminate TLS in a reverse proxy, or give gunicorn
``--certfile``/``--keyfile``)::

    LEGCHECK_SKILL_IDS=amzn1.ask.skill.YOUR-ID gunicorn -w 2 -b 0.0.0.0:8080 'skill.web:create_app()'

Failures answer HTTP 400 (413 for too large a body) with a short JSON error; the reason is logged, never the
body. If the skill itself raises, the listener still hears a short reply that includes the emergency advice
(safety rule 5): never a 5xx for anything a client sends.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from skill.locale import emergency_number
from skill.verify import (
    TIMESTAMP_TOLERANCE,
    RequestVerifier,
    VerificationError,
    check_skill_id,
    decode_json,
)

__all__ = ["DEFAULTS", "NO_VERIFY_WARNING", "EnvelopeSerializer", "create_app"]

log = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    "VERIFY": True,
    "SKILL_IDS": (),
    "MAX_BODY_BYTES": 128 * 1024,
    "TRUST_ROOTS": None,
    "TIMESTAMP_TOLERANCE": TIMESTAMP_TOLERANCE,
    "CERT_FETCHER": None,
}

FALLBACK_SSML = (
    "<speak>Sorry, something went wrong on my side and I can't go on with the check. "
    "If you have chest pain, trouble breathing, are coughing up blood, or have fainted, "
    'call <say-as interpret-as="digits">{number}</say-as> now, your local emergency number. '
    "Otherwise, please contact your doctor.</speak>"
)
"""Said when the skill itself fails: without knowing what was heard, the emergency advice always goes in."""

NO_VERIFY_WARNING = (
    "\n*** WARNING: Alexa request verification is OFF (--no-verify). Anyone who can reach this port can "
    "send requests as Alexa. Use this for local testing only, never on a public address. ***\n"
)


class RefusedRequest(Exception):
    """A request we refuse with 400; the message is the reason given to the caller."""


class EnvelopeSerializer(DefaultSerializer):
    """ask-sdk-core's own serializer, with two shortcuts on the way in (the same model objects come out):

    - `envelope(data)` builds the RequestEnvelope from the JSON that verification has already decoded,
      instead of `deserialize(text)`, which would decode the body a second time;
    - ISO 8601 times (``request.timestamp``) are read with `datetime.fromisoformat` (0.2 microseconds)
      instead of dateutil's general parser (about 50 on this machine, nearly a third of the base class's
      whole envelope). Anything else (epoch numbers, other text) still goes to dateutil, unchanged.

    Both hook the base class's private methods (`_DefaultSerializer__deserialize` and
    `_DefaultSerializer__deserialize_datetime`): DefaultSerializer has no public way to deserialize an
    already-decoded dict or to choose the time parser. They have not changed in ask-sdk-core 1.x;
    tests/test_web.py compares our envelopes with the base class's, so a release that renames them fails
    there, not in production.
    """

    def envelope(self, data: Mapping[str, Any]) -> RequestEnvelope:
        """The RequestEnvelope model for a decoded request. Raises SerializationException."""
        return self._DefaultSerializer__deserialize(data, RequestEnvelope)

    def _DefaultSerializer__deserialize_datetime(self, payload: Any, obj_type: Any) -> Any:
        if isinstance(payload, str):
            try:
                parsed = datetime.fromisoformat(payload)
            except ValueError:
                pass
            else:
                return parsed.date() if obj_type is date else parsed
        return super()._DefaultSerializer__deserialize_datetime(payload, obj_type)


@dataclass(frozen=True)
class Endpoint:
    """What one app needs to answer a request: the skill, the verifier (None when off), the allowlist."""

    skill: Any
    """An ask_sdk_core Skill (from SkillBuilder().create())."""
    verifier: RequestVerifier | None
    skill_ids: frozenset[str]
    serializer: EnvelopeSerializer

    def answer(self, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        """The response envelope (a JSON-able dict) for one raw request. Raises RefusedRequest."""
        try:
            data = self.verifier.verify(headers, body) if self.verifier else decode_json(body)
            check_skill_id(data, self.skill_ids)
        except VerificationError as error:
            raise RefusedRequest(str(error)) from error
        request_type = request_type_of(data)
        try:
            envelope = self.serializer.envelope(data)
        except SerializationException as error:
            raise RefusedRequest("request envelope has an unexpected shape") from error
        return self.invoke(envelope, request_type, data["request"].get("locale"))

    def invoke(self, envelope: RequestEnvelope, request_type: str, locale: Any) -> dict[str, Any]:
        try:
            reply = self.skill.invoke(request_envelope=envelope, context=None)
            data = self.serializer.serialize(reply)
        except Exception:  # the skill's own exception handler failed too: still say something safe
            log.exception("skill failed on a %s; answering the fallback reply", request_type)
            return fallback_reply(locale if isinstance(locale, str) else None)
        log.info("answered %s", request_type)
        return data


def request_type_of(data: Mapping[str, Any]) -> str:
    req = data.get("request")
    kind = req.get("type") if isinstance(req, Mapping) else None
    if not isinstance(kind, str) or not kind:
        raise RefusedRequest("request envelope has no request type")
    return kind


def fallback_reply(locale: str | None) -> dict[str, Any]:
    """The reply when the skill fails: an apology and the emergency advice with the locale's number."""
    ssml = FALLBACK_SSML.format(number=emergency_number(locale))
    return {
        "version": "1.0",
        "response": {"outputSpeech": {"type": "SSML", "ssml": ssml}, "shouldEndSession": True},
    }


def load_skill() -> Any:
    """The legcheck ask-sdk skill (imported late: skill.alexa pulls in the whole dialogue)."""
    from skill.alexa import build_skill

    return build_skill()


def settings_from(config: Mapping[str, Any] | None) -> dict[str, Any]:
    """DEFAULTS, then the environment (LEGCHECK_SKILL_IDS), then `config`."""
    settings = dict(DEFAULTS)
    env_ids = os.environ.get("LEGCHECK_SKILL_IDS", "")
    if env_ids.strip():
        settings["SKILL_IDS"] = tuple(part.strip() for part in env_ids.split(",") if part.strip())
    settings.update(config or {})
    if isinstance(settings["SKILL_IDS"], str):
        raise ValueError("SKILL_IDS must be a list of skill ids, not one string")
    return settings


def make_verifier(settings: Mapping[str, Any]) -> RequestVerifier | None:
    if not settings["VERIFY"]:
        log.warning("Alexa request verification is OFF: local testing only")
        return None
    return RequestVerifier(
        trust_roots=settings["TRUST_ROOTS"],
        fetcher=settings["CERT_FETCHER"],
        tolerance=float(settings["TIMESTAMP_TOLERANCE"]),
    )


def create_app(config: Mapping[str, Any] | None = None, skill: Any = None) -> Flask:
    """The endpoint as a Flask app (see the module docstring for the config keys)."""
    settings = settings_from(config)
    app = Flask(__name__)
    app.config.update(settings)
    app.config["MAX_CONTENT_LENGTH"] = int(settings["MAX_BODY_BYTES"])
    endpoint = Endpoint(
        skill=skill if skill is not None else load_skill(),
        verifier=make_verifier(settings),
        skill_ids=frozenset(settings["SKILL_IDS"]),
        serializer=EnvelopeSerializer(),
    )

    def alexa() -> Response:
        body = request.get_data(cache=False)
        try:
            return app.json.response(endpoint.answer(request.headers, body))
        except RefusedRequest as error:
            log.warning("refused a request: %s", error)
            return error_response(400, str(error))

    app.add_url_rule("/", "alexa_root", alexa, methods=["POST"])
    app.add_url_rule("/alexa", "alexa", alexa, methods=["POST"])
    app.add_url_rule("/healthz", "healthz", lambda: {"status": "ok"}, methods=["GET"])
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected_error)
    return app


def error_response(status: int, reason: str) -> Response:
    return Response(json.dumps({"error": reason}), status=status, mimetype="application/json")


def http_error(error: HTTPException) -> Response:
    """404, 405, 413 and friends as short JSON (no HTML, no stack trace)."""
    status = error.code or 400
    return error_response(status, (error.name or "bad request").lower())


def unexpected_error(error: Exception) -> Response:
    log.exception("unexpected error while answering a request")
    return error_response(500, "internal error")
