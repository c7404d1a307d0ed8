"""The Flask endpoint over real HTTP: routes, bad input, a failing skill, `legcheck serve`, and a fuzz test.

Requests are signed with the test CA (bench/alexa_ca.py) so they pass verification and reach the skill: the
hello-world ask-sdk skill (bench/hello_skill.py) and, when it is there, the legcheck skill itself.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import RequestEnvelope
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bench.alexa_ca import AlexaCA, envelope, post_signed, running_server
from bench.hello_skill import build_hello_skill
from skill.web import EnvelopeSerializer, create_app

ROOT = Path(__file__).resolve().parents[1]


def legcheck_skill():
    alexa = pytest.importorskip("skill.alexa", reason="skill/alexa.py (the legcheck skill) has not landed yet")
    return alexa.build_skill()


@pytest.fixture(scope="module")
def ca() -> AlexaCA:
    return AlexaCA.create()


@pytest.fixture(scope="module", params=["hello", "legcheck"])
def server(request, ca: AlexaCA):
    skill = build_hello_skill() if request.param == "hello" else legcheck_skill()
    with running_server(create_app(ca.config(MAX_BODY_BYTES=64 * 1024), skill=skill)) as url:
        yield url


def speech_of(response: requests.Response) -> str:
    assert response.status_code == 200, response.text
    return response.json()["response"]["outputSpeech"]["ssml"]


def assert_client_error(response: requests.Response, status: int = 400) -> None:
    assert response.status_code == status, response.text
    assert set(response.json()) == {"error"}
    assert "Traceback" not in response.text


def test_health_check(server: str) -> None:
    response = requests.get(server + "/healthz", timeout=10)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_both_paths_answer(server: str, ca: AlexaCA) -> None:
    for path in ("/", "/alexa"):
        assert "<speak>" in speech_of(post_signed(server, ca, envelope("LaunchRequest"), path=path))


def test_wrong_method_and_path_are_short_json(server: str) -> None:
    assert_client_error(requests.get(server + "/", timeout=10), 405)
    assert_client_error(requests.post(server + "/nowhere", data=b"{}", timeout=10), 404)


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b"not json", b"[]", b"42", b'"text"', b"\xff\xfe\x00garbage", b'{"version": "1.0"}'],
)
def test_malformed_bodies_are_refused(server: str, ca: AlexaCA, body: bytes) -> None:
    assert_client_error(post_signed(server, ca, body))


@pytest.mark.parametrize("depth", [33, 1000, 50_000])
def test_deeply_nested_bodies_are_refused_not_a_server_error(server: str, ca: AlexaCA, depth: int) -> None:
    """Deep nesting used to make the JSON decoder raise RecursionError, answered as a 500 (issue 10)."""
    assert_client_error(post_signed(server, ca, b"[" * depth))
    inner = min(depth, 20_000)  # inside a real envelope, under the test server's 64 KB body limit
    body = json.dumps(envelope("LaunchRequest"))[:-1] + ', "deep": ' + "[" * inner + "]" * inner + "}"
    assert_client_error(post_signed(server, ca, body.encode()))


def test_a_real_envelope_with_a_dialogue_state_is_well_inside_the_nesting_limit(ca: AlexaCA) -> None:
    from skill.dialogue import Dialogue
    from skill.verify import MAX_JSON_DEPTH, _nesting

    state = Dialogue("en-GB").start().state.to_dict()
    body = json.dumps(envelope("IntentRequest", intent="AMAZON.YesIntent", attributes={"dialogue": state}))
    assert _nesting(body) <= MAX_JSON_DEPTH - 8


def test_a_body_that_is_not_utf8_is_refused(server: str, ca: AlexaCA) -> None:
    """A whole, valid envelope in UTF-16: JSON in requests must be UTF-8 (json.loads would take it)."""
    assert_client_error(post_signed(server, ca, json.dumps(envelope("LaunchRequest")).encode("utf-16")))


@pytest.mark.parametrize("drop", ["type", "requestId", "locale"])
def test_missing_request_fields(server: str, ca: AlexaCA, drop: str) -> None:
    data = envelope("IntentRequest", intent="AMAZON.HelpIntent")
    del data["request"][drop]
    response = post_signed(server, ca, data)
    if drop == "type":
        assert_client_error(response)
    else:  # the skill can still answer without them: a spoken reply, not an error
        assert "<speak>" in speech_of(response)


def test_missing_session_and_context(server: str, ca: AlexaCA) -> None:
    data = envelope("LaunchRequest")
    del data["session"], data["context"]
    assert "<speak>" in speech_of(post_signed(server, ca, data))


def test_unknown_request_type_is_refused(server: str, ca: AlexaCA) -> None:
    assert_client_error(post_signed(server, ca, envelope("Made.Up.Request")))


def test_unknown_intent_gets_a_spoken_reply(server: str, ca: AlexaCA) -> None:
    data = envelope("IntentRequest", intent="NoSuchIntent", slots={"mystery": "value"}, new_session=False)
    assert "<speak>" in speech_of(post_signed(server, ca, data))


def test_session_ended_is_answered(server: str, ca: AlexaCA) -> None:
    data = envelope("SessionEndedRequest", reason="EXCEEDED_MAX_REPROMPTS", new_session=False)
    response = post_signed(server, ca, data)
    assert response.status_code == 200
    assert "response" in response.json()


def test_huge_body_is_refused_before_reading(server: str, ca: AlexaCA) -> None:
    data = envelope("LaunchRequest", attributes={"padding": "x" * 200_000})
    assert_client_error(post_signed(server, ca, data), 413)


def test_huge_chunked_body_without_length_is_refused(server: str, ca: AlexaCA) -> None:
    """No Content-Length (chunked): the body is cut at the limit, so it cannot pass; 4xx, never 5xx."""
    chunks = (b"x" * 10_000 for _ in range(30))
    response = requests.post(server, data=chunks, headers=ca.sign(b"x" * 300_000), timeout=10)
    assert response.status_code in (400, 413), response.text
    assert set(response.json()) == {"error"}


def test_large_body_under_the_limit_is_answered(server: str, ca: AlexaCA) -> None:
    data = envelope("LaunchRequest", attributes={"padding": "x" * 40_000})
    assert "<speak>" in speech_of(post_signed(server, ca, data))


def test_unsigned_request_is_accepted_only_without_verification(ca: AlexaCA) -> None:
    data = json.dumps(envelope("LaunchRequest")).encode()
    with running_server(create_app(ca.config(), skill=build_hello_skill())) as url:
        assert_client_error(requests.post(url, data=data, timeout=10))
    with running_server(create_app({"VERIFY": False}, skill=build_hello_skill())) as url:
        assert requests.post(url, data=data, timeout=10).status_code == 200


class Broken(AbstractRequestHandler):
    """A real ask-sdk handler that fails, in a skill with no exception handler of its own."""

    def can_handle(self, handler_input):
        return True

    def handle(self, handler_input):
        raise RuntimeError("handler failed")


@pytest.mark.parametrize(("locale", "number"), [("en-US", "911"), ("en-GB", "999"), ("en-AU", "000"), ("fr-FR", "112")])
def test_failing_skill_still_gives_the_emergency_advice(ca: AlexaCA, locale, number: str) -> None:
    builder = SkillBuilder()
    builder.add_request_handler(Broken())
    data = envelope("IntentRequest", intent="AMAZON.YesIntent", locale=locale)
    with running_server(create_app(ca.config(), skill=builder.create())) as url:
        response = post_signed(url, ca, data)
    speech = speech_of(response)
    assert f">{number}</say-as> now" in speech
    assert "chest pain" in speech
    assert response.json()["response"]["shouldEndSession"] is True


def test_config_refuses_a_single_string_allowlist() -> None:
    with pytest.raises(ValueError, match="SKILL_IDS"):
        create_app({"SKILL_IDS": "amzn1.ask.skill.one"}, skill=build_hello_skill())


# Our serializer (skill.web.EnvelopeSerializer) builds the envelope from the JSON verification decoded and
# reads ISO times itself: the model objects must be the ones ask-sdk-core's own serializer makes.

SERIALIZER_STAMPS = [
    None,  # now, as Alexa writes it: 2026-11-21T23:35:00Z
    "2026-11-21T23:35:00.123Z",
    "2026-11-21T23:35:00+01:00",
    "2026-11-21T23:35:00",  # no zone
    "Sat, 21 Nov 2026 23:35:00 GMT",  # not ISO 8601: left to dateutil
]


@pytest.mark.parametrize("stamp", SERIALIZER_STAMPS)
def test_envelope_serializer_builds_what_ask_sdk_builds(stamp: str | None) -> None:
    data = envelope("IntentRequest", intent="AMAZON.YesIntent", slots={"side": "left"}, timestamp=stamp,
                    attributes={"dialogue": {"v": 1, "asked": ["breathless"]}}, new_session=False)
    ours = EnvelopeSerializer().envelope(data)
    theirs = DefaultSerializer().deserialize(json.dumps(data), RequestEnvelope)
    assert ours == theirs
    assert ours.request.timestamp.utcoffset() == theirs.request.timestamp.utcoffset()
    assert DefaultSerializer().serialize(ours) == DefaultSerializer().serialize(theirs)


@pytest.mark.parametrize("stamp", [1763767000000, "yesterday"])
def test_envelope_serializer_refuses_what_ask_sdk_refuses(stamp) -> None:
    data = envelope("LaunchRequest")
    data["request"]["timestamp"] = stamp
    with pytest.raises(SerializationException):
        DefaultSerializer().deserialize(json.dumps(data), RequestEnvelope)
    with pytest.raises(SerializationException):
        EnvelopeSerializer().envelope(data)


# Fuzz: any body, signed so that it passes verification, gets a 2xx or 4xx answer, never a 5xx.

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
REQUEST_TYPES = ["LaunchRequest", "IntentRequest", "SessionEndedRequest", "CanFulfillIntentRequest", "Nope"]
INTENTS = [
    "AMAZON.YesIntent", "AMAZON.NoIntent", "AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent",
    "AMAZON.FallbackIntent", "AMAZON.RepeatIntent", "AMAZON.StartOverIntent", "AMAZON.NavigateHomeIntent",
    "EmergencyIntent", "SideIntent", "LocationIntent", "DurationIntent", "NumberIntent", "Unknown",
]  # fmt: skip
PATHS = [("request",), ("request", "intent"), ("request", "intent", "slots"), ("session",),
         ("session", "attributes"), ("context",), ("version",), ("request", "locale")]  # fmt: skip


@st.composite
def envelopes(draw) -> dict:
    data = envelope(
        draw(st.sampled_from(REQUEST_TYPES)),
        intent=draw(st.sampled_from([*INTENTS, None])),
        slots=draw(st.dictionaries(st.sampled_from(["side", "location", "duration", "number", "x"]),
                                   st.text(max_size=15), max_size=3)),
        attributes=draw(st.dictionaries(st.text(max_size=10), json_values, max_size=3)),
        locale=draw(st.sampled_from(["en-US", "en-GB", "en-AU", "fr-FR", "", "xx"])),
        new_session=draw(st.booleans()),
    )  # fmt: skip
    for path in draw(st.lists(st.sampled_from(PATHS), max_size=2)):
        node = data
        for key in path[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node[path[-1]] = draw(json_values)
    return data


bodies = envelopes() | json_values.map(lambda v: json.dumps(v).encode()) | st.binary(max_size=64)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies)
def test_fuzzed_bodies_never_get_a_server_error(server: str, ca: AlexaCA, body) -> None:
    response = post_signed(server, ca, body)
    event(f"HTTP {response.status_code}")
    assert response.status_code in (200, 400), response.text
    answer = response.json()
    assert "Traceback" not in response.text
    if response.status_code == 200:
        assert isinstance(answer["response"], dict)
    else:
        assert set(answer) == {"error"}


# `legcheck serve`: the real command in a subprocess.


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise AssertionError(f"legcheck serve exited early with {process.returncode}")
        try:
            requests.get(url + "/healthz", timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.05)
    raise AssertionError("legcheck serve did not start within 10 s")


@pytest.mark.slow
def test_serve_command_without_verification_warns_and_keeps_the_allowlist() -> None:
    legcheck_skill()
    port = free_port()
    ids = ["amzn1.ask.skill.one", "amzn1.ask.skill.two"]
    command = [sys.executable, "-m", "skill.cli", "serve", "--port", str(port), "--no-verify", "--skill-id", *ids]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        response = requests.post(url + "/", json=envelope("LaunchRequest", skill_id=ids[1]), timeout=10)
        assert "<speak>" in speech_of(response)
        other = envelope("LaunchRequest", skill_id="amzn1.ask.skill.three")
        assert_client_error(requests.post(url + "/", json=other, timeout=10))
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert "WARNING" in stderr and "verification is OFF" in stderr


@pytest.mark.slow
def test_serve_command_verifies_by_default() -> None:
    legcheck_skill()
    port = free_port()
    command = [sys.executable, "-m", "skill.cli", "serve", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        assert_client_error(requests.post(url + "/", json=envelope("LaunchRequest"), timeout=10))
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert "verification is OFF" not in stderr
