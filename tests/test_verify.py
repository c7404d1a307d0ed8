"""Alexa request verification: real certificates, real signatures, the real Flask app over real HTTP.

The test CA (bench/alexa_ca.py) stands in for Amazon's; everything else is the production code path.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import requests

from bench.alexa_ca import CHAIN_URL, AlexaCA, envelope, iso_timestamp, post_signed, running_server
from bench.hello_skill import GREETING, build_hello_skill
from skill.verify import RequestVerifier, VerificationError, check_chain_url
from skill.web import create_app


@pytest.fixture(scope="module")
def ca() -> AlexaCA:
    return AlexaCA.create()


@pytest.fixture(scope="module")
def server(ca: AlexaCA):
    with running_server(create_app(ca.config(), skill=build_hello_skill())) as url:
        yield url


def body_of(data: dict) -> bytes:
    return json.dumps(data).encode("utf-8")


def assert_refused(response: requests.Response, reason_part: str) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert reason_part in error
    assert "Traceback" not in response.text


def test_valid_signed_request_is_answered(server: str, ca: AlexaCA) -> None:
    response = post_signed(server, ca, envelope("LaunchRequest"))
    assert response.status_code == 200, response.text
    assert GREETING in response.json()["response"]["outputSpeech"]["ssml"]


def test_raw_bytes_are_checked_as_received(server: str, ca: AlexaCA) -> None:
    """Odd but valid formatting (indentation, non-ASCII) passes: the signature is over the exact bytes."""
    raw = json.dumps(envelope("LaunchRequest", locale="en-GB"), indent=3, ensure_ascii=False)
    raw = raw.replace('"en-GB"', '"en-GB" ').encode("utf-8") + b"  \n"
    assert post_signed(server, ca, raw, path="/alexa").status_code == 200


def test_wrong_signature_is_refused(server: str, ca: AlexaCA) -> None:
    body = body_of(envelope())
    headers = ca.sign(body_of(envelope()))  # a different body (new request id): a valid but wrong signature
    assert_refused(requests.post(server, data=body, headers=headers, timeout=10), "signature")


def test_altered_body_is_refused(server: str, ca: AlexaCA) -> None:
    body = body_of(envelope("IntentRequest", intent="AMAZON.NoIntent"))
    headers = ca.sign(body)
    altered = body.replace(b"AMAZON.NoIntent", b"AMAZON.YesIntent")
    assert_refused(requests.post(server, data=altered, headers=headers, timeout=10), "signature")
    one_space = body + b" "
    assert_refused(requests.post(server, data=one_space, headers=headers, timeout=10), "signature")


def test_signature_by_another_key_is_refused(server: str, ca: AlexaCA) -> None:
    stranger = AlexaCA.create(key_prefix="stranger-")
    body = body_of(envelope())
    headers = stranger.sign(body)  # claims our chain URL, signed with a key that is not the leaf's
    assert_refused(requests.post(server, data=body, headers=headers, timeout=10), "signature")


def test_signature_that_is_not_base64_is_refused(server: str, ca: AlexaCA) -> None:
    body = body_of(envelope())
    headers = {**ca.sign(body), "Signature-256": "not base64 at all!"}
    assert_refused(requests.post(server, data=body, headers=headers, timeout=10), "base64")


@pytest.mark.parametrize(
    ("case", "shift"),
    [("expired", (-3, -1)), ("not yet valid", (1, 3))],
)
def test_certificate_outside_its_dates_is_refused(server: str, ca: AlexaCA, case: str, shift) -> None:
    now = datetime.now(UTC)
    leaf = ca.issue(not_before=now + timedelta(days=shift[0]), not_after=now + timedelta(days=shift[1]))
    url = ca.publish(f"https://s3.amazonaws.com/echo.api/{case.replace(' ', '-')}.pem", leaf)
    body = body_of(envelope())
    headers = ca.sign(body, leaf, url)
    assert_refused(requests.post(server, data=body, headers=headers, timeout=10), "certificate chain")


def test_wrong_subject_alternative_name_is_refused(server: str, ca: AlexaCA) -> None:
    leaf = ca.issue(san="echo-api.example.com")
    url = ca.publish("https://s3.amazonaws.com/echo.api/wrong-san.pem", leaf)
    body = body_of(envelope())
    assert_refused(requests.post(server, data=body, headers=ca.sign(body, leaf, url), timeout=10), "chain")


def test_chain_to_an_untrusted_root_is_refused(server: str, ca: AlexaCA) -> None:
    stranger = AlexaCA.create(key_prefix="stranger-")
    url = ca.publish("https://s3.amazonaws.com/echo.api/stranger.pem", stranger.leaf)
    body = body_of(envelope())
    headers = stranger.sign(body, url=url)
    assert_refused(requests.post(server, data=body, headers=headers, timeout=10), "chain")


def test_chain_that_cannot_be_fetched_is_refused(server: str, ca: AlexaCA) -> None:
    body = body_of(envelope())
    headers = ca.sign(body, url="https://s3.amazonaws.com/echo.api/nobody-published-this.pem")
    assert_refused(requests.post(server, data=body, headers=headers, timeout=10), "fetch")


BAD_CHAIN_URLS = [
    ("http://s3.amazonaws.com/echo.api/echo-api-cert.pem", "https"),
    ("https://notamazon.com/echo.api/echo-api-cert.pem", "host"),
    ("https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert.pem", "host"),
    ("https://s3.amazonaws.com@evil.example/echo.api/echo-api-cert.pem", "host"),
    ("https://user@s3.amazonaws.com/echo.api/echo-api-cert.pem", "host"),
    ("https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem", "path"),
    ("https://s3.amazonaws.com/invalid.path/echo-api-cert.pem", "path"),
    ("https://s3.amazonaws.com/echo.api/../evil/echo-api-cert.pem", "path"),
    ("https://s3.amazonaws.com/echo.api/%2e%2e/evil/echo-api-cert.pem", "path"),
    ("https://s3.amazonaws.com/echo.api", "path"),
    ("https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem", "port"),
    ("https://s3.amazonaws.com:80/echo.api/echo-api-cert.pem", "port"),
    ("https://s3.amazonaws.com:99999/echo.api/echo-api-cert.pem", "malformed"),
]


@pytest.mark.parametrize(("url", "reason"), BAD_CHAIN_URLS)
def test_bad_chain_url_is_refused(server: str, ca: AlexaCA, url: str, reason: str) -> None:
    ca.publish(url, ca.leaf)  # even if a valid chain sits there, the URL itself must be refused
    body = body_of(envelope())
    assert_refused(requests.post(server, data=body, headers=ca.sign(body, url=url), timeout=10), reason)


GOOD_CHAIN_URLS = [
    "https://S3.AmazonAWS.com/echo.api/echo-api-cert-test.pem",
    "HTTPS://s3.amazonaws.com/echo.api/echo-api-cert-test.pem",
    "https://s3.amazonaws.com:443/echo.api/echo-api-cert-test.pem",
    "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert-test.pem",
]


@pytest.mark.parametrize("url", GOOD_CHAIN_URLS)
def test_chain_url_variants_that_amazon_allows(server: str, ca: AlexaCA, url: str) -> None:
    assert check_chain_url(url) == CHAIN_URL
    body = body_of(envelope())
    response = requests.post(server, data=body, headers=ca.sign(body, url=url), timeout=10)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("offset", [-151, -3600, 151, 86400])
def test_timestamp_too_far_from_now_is_refused(server: str, ca: AlexaCA, offset: int) -> None:
    response = post_signed(server, ca, envelope(timestamp=iso_timestamp(offset)))
    assert_refused(response, "timestamp")


@pytest.mark.parametrize("offset", [-140, 140])
def test_timestamp_within_tolerance_passes(server: str, ca: AlexaCA, offset: int) -> None:
    assert post_signed(server, ca, envelope(timestamp=iso_timestamp(offset))).status_code == 200


@pytest.mark.parametrize("stamp", [None, "", "yesterday", "2026-13-40T99:00:00Z", True, [1]])
def test_missing_or_invalid_timestamp_is_refused(server: str, ca: AlexaCA, stamp) -> None:
    data = envelope()
    if stamp is None:
        del data["request"]["timestamp"]
    else:
        data["request"]["timestamp"] = stamp
    assert_refused(post_signed(server, ca, data), "timestamp")


def test_epoch_milliseconds_timestamp_passes_verification_but_not_the_sdk_model(server: str, ca: AlexaCA) -> None:
    data = envelope()
    data["request"]["timestamp"] = int(datetime.now(UTC).timestamp() * 1000)
    # Accepted by verification; ask-sdk's model wants ISO text, so the envelope is then refused as malformed.
    response = post_signed(server, ca, data)
    assert_refused(response, "shape")


@pytest.mark.parametrize(
    "missing", [["Signature-256"], ["SignatureCertChainUrl"], ["Signature-256", "SignatureCertChainUrl"]]
)
def test_missing_headers_are_refused(server: str, ca: AlexaCA, missing: list[str]) -> None:
    body = body_of(envelope())
    headers = {k: v for k, v in ca.sign(body).items() if k not in missing}
    assert_refused(requests.post(server, data=body, headers=headers, timeout=10), "missing")


def test_empty_header_values_are_refused(server: str, ca: AlexaCA) -> None:
    body = body_of(envelope())
    headers = {**ca.sign(body), "Signature-256": ""}
    assert_refused(requests.post(server, data=body, headers=headers, timeout=10), "missing")


def test_header_names_are_case_insensitive(server: str, ca: AlexaCA) -> None:
    body = body_of(envelope())
    headers = {k.lower(): v for k, v in ca.sign(body).items()}
    assert requests.post(server, data=body, headers=headers, timeout=10).status_code == 200


def test_skill_id_allowlist(ca: AlexaCA) -> None:
    config = ca.config(SKILL_IDS=["amzn1.ask.skill.ours"])
    with running_server(create_app(config, skill=build_hello_skill())) as url:
        assert post_signed(url, ca, envelope(skill_id="amzn1.ask.skill.ours")).status_code == 200
        assert_refused(post_signed(url, ca, envelope(skill_id="amzn1.ask.skill.theirs")), "skill id")
        no_id = envelope()
        del no_id["context"], no_id["session"]
        assert_refused(post_signed(url, ca, no_id), "skill id")


# The verifier on its own: the certificate cache.


class CountingFetcher:
    """Serves the CA's chains and counts how often each URL is fetched."""

    def __init__(self, ca: AlexaCA) -> None:
        self.ca = ca
        self.fetches: dict[str, int] = {}

    def __call__(self, url: str) -> bytes:
        self.fetches[url] = self.fetches.get(url, 0) + 1
        return self.ca.fetcher(url)


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def test_chain_is_cached_by_url(ca: AlexaCA) -> None:
    fetcher = CountingFetcher(ca)
    verifier = RequestVerifier(ca.root_pem, fetcher)
    for _ in range(3):
        body = body_of(envelope())
        assert verifier.verify(ca.sign(body), body)["request"]["type"] == "LaunchRequest"
    assert fetcher.fetches == {CHAIN_URL: 1}


def test_cache_is_bounded(ca: AlexaCA) -> None:
    fetcher = CountingFetcher(ca)
    verifier = RequestVerifier(ca.root_pem, fetcher, cache_size=1)
    other = ca.publish("https://s3.amazonaws.com/echo.api/other.pem", ca.leaf)
    for url in (CHAIN_URL, other, CHAIN_URL):
        body = body_of(envelope())
        verifier.verify(ca.sign(body, url=url), body)
    assert fetcher.fetches == {CHAIN_URL: 2, other: 1}


def test_expired_cached_certificate_fails(ca: AlexaCA) -> None:
    clock = Clock()
    leaf = ca.issue(not_after=clock.now + timedelta(minutes=10))
    url = ca.publish("https://s3.amazonaws.com/echo.api/short-lived.pem", leaf)
    fetcher = CountingFetcher(ca)
    verifier = RequestVerifier(ca.root_pem, fetcher, clock=clock, tolerance=10**9)
    body = body_of(envelope())
    verifier.verify(ca.sign(body, leaf, url), body)
    clock.now += timedelta(minutes=11)
    with pytest.raises(VerificationError, match="certificate chain"):
        verifier.verify(ca.sign(body, leaf, url), body)
    assert fetcher.fetches == {url: 2}  # the stale entry was dropped, and the chain checked again


def test_garbage_chain_is_refused(ca: AlexaCA) -> None:
    url = "https://s3.amazonaws.com/echo.api/garbage.pem"
    verifier = RequestVerifier(ca.root_pem, {url: b"-----BEGIN CERTIFICATE-----\nAAAA\n"}.__getitem__)
    body = body_of(envelope())
    with pytest.raises(VerificationError, match="PEM"):
        verifier.verify(ca.sign(body, url=url), body)


def test_default_roots_do_not_trust_the_test_ca(ca: AlexaCA) -> None:
    verifier = RequestVerifier(fetcher=ca.fetcher)  # certifi's bundle, as in production
    body = body_of(envelope())
    with pytest.raises(VerificationError, match="not valid for Alexa"):
        verifier.verify(ca.sign(body), body)
