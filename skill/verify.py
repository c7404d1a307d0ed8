"""Alexa request verification, written with `cryptography`.

Alexa signs every request it sends to a skill's HTTPS endpoint. Before a request reaches the skill we check,
in this order (the rules of Amazon's own verifier in ask-sdk-webservice-support, read in its source):

1. the ``SignatureCertChainUrl`` header: https, host s3.amazonaws.com (any case), port 443 if one is given,
   path starting with ``/echo.api/`` after normalisation (so ``..`` cannot escape it);
2. the certificate chain at that URL: it chains to a trusted root, every certificate is valid now, and the
   leaf's subject alternative names contain ``echo-api.amazon.com``;
3. the ``Signature-256`` header: a base64 RSA PKCS#1 v1.5 SHA-256 signature of the raw body bytes, exactly
   as received, made with the leaf certificate's key;
4. ``request.timestamp`` in the body is within 150 seconds of our clock.

Verified chains are cached by URL (a small LRU cache); a cached chain is only used while every certificate
in it is still inside its validity dates, so an expired certificate fails even when it is cached.

Why not ask-sdk-webservice-support or flask-ask-sdk: they cannot even be imported on OpenSSL 3.0.10 or
newer (Debian 12 and Raspberry Pi OS ship 3.0.1x). Their dependency oscrypto 1.3.0 (its last release)
parses the OpenSSL version with a one-digit-patch pattern and raises ``LibraryNotFoundError`` at import.
`cryptography` ships its own OpenSSL and has a real chain verifier (``cryptography.x509.verification``).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import posixpath
import re
import ssl
import threading
import urllib.request
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit

import certifi
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.verification import DNSName, PolicyBuilder, Store
from cryptography.x509.verification import VerificationError as ChainError

__all__ = [
    "CHAIN_URL_HEADER",
    "ECHO_API_SAN",
    "SIGNATURE_HEADER",
    "TIMESTAMP_TOLERANCE",
    "CertFetcher",
    "RequestVerifier",
    "VerificationError",
    "check_chain_url",
    "check_skill_id",
    "check_timestamp",
    "fetch_over_https",
    "load_trust_roots",
]

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "Signature-256"
CHAIN_URL_HEADER = "SignatureCertChainUrl"
ECHO_API_SAN = "echo-api.amazon.com"
CHAIN_HOST = "s3.amazonaws.com"
CHAIN_PATH_PREFIX = "/echo.api/"
TIMESTAMP_TOLERANCE = 150
"""Seconds a request timestamp may differ from our clock."""
MAX_CHAIN_BYTES = 64 * 1024
MAX_JSON_DEPTH = 32
"""Deepest nesting of arrays and objects a request body may have. Alexa's envelopes are about 8 deep and our
dialogue state adds 3; a deeper body is refused before anything walks it (a deep one makes the JSON decoder
or the ask-sdk deserializer recurse until Python gives up, which would be a 500)."""
FETCH_TIMEOUT = 5.0

CertFetcher = Callable[[str], bytes]
"""Fetches a certificate-chain URL and returns the PEM bytes (raises OSError or ValueError on failure)."""
Clock = Callable[[], datetime]


class VerificationError(Exception):
    """The request did not pass verification. The message is the reason: short, safe to log and to return
    (it never contains the request body)."""


@dataclass(frozen=True)
class VerifiedChain:
    """A chain that passed verification, kept in the cache."""

    public_key: rsa.RSAPublicKey
    """The leaf certificate's key: it checks request signatures."""
    not_before: datetime
    """The latest not-valid-before of the chain's certificates (UTC)."""
    not_after: datetime
    """The earliest not-valid-after of the chain's certificates (UTC)."""

    def valid_at(self, now: datetime) -> bool:
        return self.not_before <= now <= self.not_after


def utc_now() -> datetime:
    return datetime.now(UTC)


def fetch_over_https(url: str) -> bytes:
    """The default fetcher: GET the URL over https (certifi's roots), at most 64 KB."""
    context = ssl.create_default_context(cafile=certifi.where())
    with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT, context=context) as response:  # noqa: S310
        data = response.read(MAX_CHAIN_BYTES + 1)
    if len(data) > MAX_CHAIN_BYTES:
        raise ValueError("certificate chain is larger than 64 KB")
    return data


def load_trust_roots(pem: bytes | str | None = None) -> Store:
    """A root store from PEM text; certifi's bundle when none is given."""
    if pem is None:
        with open(certifi.where(), "rb") as bundle:
            pem = bundle.read()
    if isinstance(pem, str):
        pem = pem.encode("ascii")
    with warnings.catch_warnings():
        # certifi's bundle holds an old root with a non-positive serial number: cryptography warns about it.
        warnings.simplefilter("ignore")
        roots = x509.load_pem_x509_certificates(pem)
    return Store(roots)


@lru_cache(maxsize=64)
def check_chain_url(url: str) -> str:
    """Apply Amazon's rules to a SignatureCertChainUrl; return the normalised URL to fetch.

    Cached: Alexa sends the same few URLs again and again (a pure function; refusals are not cached)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise VerificationError("certificate chain URL is malformed") from error
    if parts.scheme.lower() != "https":
        raise VerificationError("certificate chain URL is not https")
    if parts.hostname != CHAIN_HOST or parts.username is not None or parts.password is not None:
        raise VerificationError("certificate chain URL has the wrong host")
    if port is not None and port != 443:
        raise VerificationError("certificate chain URL has the wrong port")
    path = posixpath.normpath(unquote(parts.path)) if parts.path else ""
    if not path.startswith(CHAIN_PATH_PREFIX):
        raise VerificationError("certificate chain URL path is not under /echo.api/")
    return f"https://{CHAIN_HOST}{path}"


def parse_timestamp(value: Any) -> datetime:
    """An Alexa request timestamp: ISO 8601 text (usual) or epoch milliseconds / seconds."""
    if isinstance(value, bool) or value is None:
        raise VerificationError("request timestamp is missing")
    try:
        if isinstance(value, int | float):
            seconds = value / 1000 if value > 1e11 else value
            return datetime.fromtimestamp(seconds, UTC)
        stamp = datetime.fromisoformat(str(value))
    except (ValueError, OverflowError, OSError) as error:
        raise VerificationError("request timestamp is not a valid time") from error
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def check_timestamp(
    envelope: Mapping[str, Any], now: datetime, tolerance: float = TIMESTAMP_TOLERANCE
) -> None:
    """The request's timestamp must be within `tolerance` seconds of `now` (either way)."""
    request = envelope.get("request")
    stamp = parse_timestamp(request.get("timestamp") if isinstance(request, Mapping) else None)
    if abs(now - stamp) > timedelta(seconds=tolerance):
        raise VerificationError("request timestamp is too far from the server clock")


def skill_id_of(envelope: Mapping[str, Any]) -> str | None:
    """The applicationId from context.System.application, else from session.application."""
    paths = (
        ("context", "System", "application", "applicationId"),
        ("session", "application", "applicationId"),
    )
    for path in paths:
        node: Any = envelope
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        if isinstance(node, str):
            return node
    return None


def check_skill_id(envelope: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """When an allowlist is given, the request's skill id must be on it (empty allowlist: any skill)."""
    allowed = frozenset(allowed)
    if allowed and skill_id_of(envelope) not in allowed:
        raise VerificationError("request is for a skill id that is not allowed")


def decode_json(body: bytes) -> dict[str, Any]:
    """The request body as a JSON object; it must be UTF-8 (json.loads alone would also take UTF-16/32) and
    nest no deeper than MAX_JSON_DEPTH."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise VerificationError("request body is not JSON") from error
    if _nesting(text) > MAX_JSON_DEPTH:
        raise VerificationError(f"request body nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        envelope = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise VerificationError("request body is not JSON") from error
    if not isinstance(envelope, dict):
        raise VerificationError("request body is not a JSON object")
    return envelope


_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _nesting(text: str) -> int:
    """How deep the brackets of a JSON text nest, strings skipped (a cheap scan: no recursion, no objects)."""
    depth = deepest = 0
    for token in _JSON_TOKENS.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif bracket in "]}":
            depth -= 1
    return deepest


def header(headers: Mapping[str, str], name: str) -> str:
    """A header by name, whatever its case; VerificationError when it is missing or empty."""
    value = headers.get(name)  # werkzeug's Headers ignore case already
    if value is None:
        wanted = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == wanted), None)
    if not value:
        raise VerificationError(f"missing {name} header")
    return value


class RequestVerifier:
    """Checks Alexa request signatures, chains and timestamps; caches verified chains by URL.

    Thread-safe: one instance serves every request of an app (threads under werkzeug, one process per
    gunicorn worker).
    """

    def __init__(
        self,
        trust_roots: bytes | str | None = None,
        fetcher: CertFetcher | None = None,
        tolerance: float = TIMESTAMP_TOLERANCE,
        cache_size: int = 32,
        clock: Clock = utc_now,
    ) -> None:
        self.store = load_trust_roots(trust_roots)
        self.fetcher = fetcher or fetch_over_https
        self.tolerance = tolerance
        self.cache_size = cache_size
        self.clock = clock
        self._cache: OrderedDict[str, VerifiedChain] = OrderedDict()
        self._lock = threading.Lock()

    def verify(self, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        """Verify one request; return its decoded JSON envelope. Raises VerificationError."""
        url = check_chain_url(header(headers, CHAIN_URL_HEADER))
        signature = decode_signature(header(headers, SIGNATURE_HEADER))
        now = self.clock()
        chain = self.chain_for(url, now)
        try:
            chain.public_key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature as error:
            raise VerificationError("request signature does not match the body") from error
        envelope = decode_json(body)
        check_timestamp(envelope, now, self.tolerance)
        return envelope

    def chain_for(self, url: str, now: datetime) -> VerifiedChain:
        """The verified chain for a URL: from the cache while valid, else fetched and verified."""
        with self._lock:
            cached = self._cache.get(url)
            if cached is not None:
                if cached.valid_at(now):
                    self._cache.move_to_end(url)
                    return cached
                del self._cache[url]
        chain = verify_chain(self.fetch(url), self.store, now)
        with self._lock:
            self._cache[url] = chain
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return chain

    def fetch(self, url: str) -> bytes:
        try:
            return self.fetcher(url)
        except (OSError, ValueError, KeyError) as error:
            log.warning("could not fetch certificate chain %s: %s", url, type(error).__name__)
            raise VerificationError("could not fetch the certificate chain") from error


def decode_signature(value: str) -> bytes:
    try:
        return base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise VerificationError("Signature-256 header is not base64") from error


def verify_chain(pem: bytes, store: Store, now: datetime) -> VerifiedChain:
    """Verify a PEM chain (leaf first) against the roots at time `now`, for the echo-api SAN."""
    try:
        certificates = x509.load_pem_x509_certificates(pem)
    except ValueError as error:
        raise VerificationError("certificate chain is not valid PEM") from error
    leaf, intermediates = certificates[0], certificates[1:]
    verifier = PolicyBuilder().store(store).time(now).build_server_verifier(DNSName(ECHO_API_SAN))
    try:
        path = verifier.verify(leaf, intermediates)
    except ChainError as error:
        log.info("certificate chain rejected: %s", error)
        raise VerificationError("certificate chain is not valid for Alexa now") from error
    key = leaf.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise VerificationError("certificate key is not RSA")
    return VerifiedChain(
        public_key=key,
        not_before=max(cert.not_valid_before_utc for cert in path),
        not_after=min(cert.not_valid_after_utc for cert in path),
    )
