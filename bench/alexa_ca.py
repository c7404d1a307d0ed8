"""A test certificate authority and Alexa request signer, built at test time with `cryptography`.

Nothing here is a mock: the keys, certificates and signatures are real, and the endpoint verifies them with
the same code that checks Amazon's. Only the trust root differs (ours instead of certifi's) and the chain
is served from memory instead of S3 (there is no network in tests). Import it from tests and benches:

    from bench.alexa_ca import AlexaCA, envelope, running_server

    ca = AlexaCA.create()                      # root + intermediate + a valid echo-api leaf
    config = {"TRUST_ROOTS": ca.root_pem, "CERT_FETCHER": ca.fetcher}
    body = json.dumps(envelope("LaunchRequest")).encode()
    headers = ca.sign(body)                    # SignatureCertChainUrl + Signature-256
"""

from __future__ import annotations

import base64
import contextlib
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from werkzeug.serving import make_server

__all__ = [
    "AlexaCA",
    "CHAIN_URL",
    "Leaf",
    "SKILL_ID",
    "envelope",
    "iso_timestamp",
    "post_signed",
    "running_server",
    "sign_body",
]

CHAIN_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem"
"""Where the test leaf's chain is 'published' (served by AlexaCA.fetcher, from memory)."""
SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-legcheck0001"
ECHO_API_SAN = "echo-api.amazon.com"


@lru_cache(maxsize=8)
def rsa_key(slot: str) -> rsa.RSAPrivateKey:
    """An RSA-2048 key, made once per test session for each slot name (key generation is the slow part)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "legcheck test CA (not for production)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def ca_certificate(
    subject: str, key: rsa.RSAPrivateKey, issuer: x509.Certificate | None, issuer_key: rsa.RSAPrivateKey
) -> x509.Certificate:
    """A CA certificate (self-signed root when `issuer` is None), valid from yesterday for ten years."""
    now = datetime.now(UTC)
    issuer_name = issuer.subject if issuer else name(subject)
    authority = issuer.public_key() if issuer is not None else None
    builder = (
        x509.CertificateBuilder()
        .subject_name(name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None if issuer is None else 0), True)
        .add_extension(key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if authority is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


def key_usage(cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=not cert_sign,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


@dataclass(frozen=True)
class Leaf:
    """An end-entity certificate with its key and the PEM chain (leaf first, then the intermediate)."""

    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    chain_pem: bytes


@dataclass(frozen=True)
class AlexaCA:
    """A root and an intermediate CA, a default valid echo-api leaf, and the chains it 'publishes'."""

    root: x509.Certificate
    intermediate: x509.Certificate
    intermediate_key: rsa.RSAPrivateKey
    leaf: Leaf
    chains: dict[str, bytes] = field(default_factory=dict)
    """URL -> PEM chain: what `fetcher` serves. `publish` adds to it."""

    @classmethod
    def create(cls, key_prefix: str = "") -> AlexaCA:
        """A fresh CA. CAs made with different `key_prefix` have different keys (an 'untrusted' CA)."""
        root_key, intermediate_key = rsa_key(key_prefix + "root"), rsa_key(key_prefix + "intermediate")
        root = ca_certificate("legcheck test root", root_key, None, root_key)
        intermediate = ca_certificate("legcheck test intermediate", intermediate_key, root, root_key)
        leaf = issue_leaf(intermediate, intermediate_key, key_slot=key_prefix + "leaf")
        ca = cls(root, intermediate, intermediate_key, leaf)
        ca.publish(CHAIN_URL, ca.leaf)
        return ca

    @property
    def root_pem(self) -> bytes:
        return self.root.public_bytes(serialization.Encoding.PEM)

    def issue(
        self,
        san: str = ECHO_API_SAN,
        not_before: datetime | None = None,
        not_after: datetime | None = None,
        key_slot: str = "leaf",
    ) -> Leaf:
        """A leaf certificate signed by the intermediate (default: echo-api SAN, valid a day either side)."""
        return issue_leaf(self.intermediate, self.intermediate_key, san, not_before, not_after, key_slot)

    def publish(self, url: str, leaf: Leaf) -> str:
        """Serve `leaf`'s chain at `url` through `fetcher`; return the url."""
        self.chains[url] = leaf.chain_pem
        return url

    def fetcher(self, url: str) -> bytes:
        """A CERT_FETCHER for the app: the published chain for the URL (KeyError when none is)."""
        return self.chains[url]

    def config(self, **extra: Any) -> dict[str, Any]:
        """create_app config that trusts this CA and fetches chains from it."""
        return {"TRUST_ROOTS": self.root_pem, "CERT_FETCHER": self.fetcher, **extra}

    def sign(self, body: bytes, leaf: Leaf | None = None, url: str = CHAIN_URL) -> dict[str, str]:
        """The two signature headers Alexa sends with `body`."""
        return sign_body(body, (leaf or self.leaf).key, url)


def issue_leaf(
    intermediate: x509.Certificate,
    intermediate_key: rsa.RSAPrivateKey,
    san: str = ECHO_API_SAN,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    key_slot: str = "leaf",
) -> Leaf:
    """An end-entity certificate for `san` (web-PKI shaped: SAN, serverAuth, AKI) and its PEM chain."""
    now = datetime.now(UTC)
    key = rsa_key(key_slot)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name(san))
        .issuer_name(intermediate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - timedelta(days=1))
        .not_valid_after(not_after or now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(intermediate_key.public_key()), critical=False
        )
        .sign(intermediate_key, hashes.SHA256())
    )
    chain = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (certificate, intermediate))
    return Leaf(key, certificate, chain)


def sign_body(body: bytes, key: rsa.RSAPrivateKey, url: str = CHAIN_URL) -> dict[str, str]:
    signature = key.sign(body, padding.PKCS1v15(), hashes.SHA256())
    return {
        "SignatureCertChainUrl": url,
        "Signature-256": base64.b64encode(signature).decode("ascii"),
        "Content-Type": "application/json",
    }


def iso_timestamp(offset_seconds: float = 0.0) -> str:
    """An Alexa-style request timestamp (UTC, whole seconds, 'Z'), `offset_seconds` from now."""
    stamp = datetime.now(UTC) + timedelta(seconds=offset_seconds)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def envelope(
    request_type: str = "LaunchRequest",
    intent: str | None = None,
    slots: dict[str, str] | None = None,
    attributes: dict[str, Any] | None = None,
    locale: str = "en-US",
    timestamp: str | None = None,
    skill_id: str = SKILL_ID,
    new_session: bool = True,
    **request_fields: Any,
) -> dict[str, Any]:
    """A request envelope in the real Alexa JSON shape (session, context.System, request)."""
    application = {"applicationId": skill_id}
    user = {"userId": "amzn1.ask.account.TESTUSER"}
    request: dict[str, Any] = {
        "type": request_type,
        "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
        "timestamp": timestamp or iso_timestamp(),
        "locale": locale,
        **request_fields,
    }
    if intent is not None:
        request["intent"] = {
            "name": intent,
            "confirmationStatus": "NONE",
            "slots": {
                key: {"name": key, "value": value, "confirmationStatus": "NONE"}
                for key, value in (slots or {}).items()
            },
        }
    return {
        "version": "1.0",
        "session": {
            "new": new_session,
            "sessionId": "amzn1.echo-api.session.TESTSESSION",
            "application": application,
            "attributes": attributes or {},
            "user": user,
        },
        "context": {
            "System": {
                "application": application,
                "user": user,
                "device": {"deviceId": "amzn1.ask.device.TESTDEVICE", "supportedInterfaces": {}},
                "apiEndpoint": "https://api.amazonalexa.com",
            }
        },
        "request": request,
    }


@contextlib.contextmanager
def running_server(app: Callable) -> Iterator[str]:
    """Serve a WSGI app on 127.0.0.1 on a free port in a thread; yield its base URL ("http://127.0.0.1:N")."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="test-http-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


def post_signed(
    base_url: str, ca: AlexaCA, body: dict[str, Any] | bytes, path: str = "/", leaf: Leaf | None = None
) -> requests.Response:
    """POST a request to the endpoint as Alexa would: body (a dict is sent as compact JSON) and signature."""
    data = body if isinstance(body, bytes) else json.dumps(body, separators=(",", ":")).encode("utf-8")
    return requests.post(base_url + path, data=data, headers=ca.sign(data, leaf), timeout=10)
