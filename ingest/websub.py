"""WebSub (W3C Recommendation, 23 January 2018), the pure parts: finding a feed's hub,
checking a pushed body's signature, and when a lease is due for renewal."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urljoin

# §4 Discovery: a Link header (RFC 8288) or, in the body, Atom's <link> (also used by
# RSS as <atom:link>) with rel="hub" and rel="self". Only the head of a feed is read:
# publishers put these links in the channel before its entries.
_HEAD_BYTES = 64 * 1024
_LINK_TAG = re.compile(rb"<(?:[A-Za-z0-9_-]+:)?link\b([^>]*)>", re.I)
_ATTR = re.compile(rb"""([A-Za-z_:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_HEADER_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^,;]+)*)")
_PARAM = re.compile(r";\s*([A-Za-z-]+)\s*=\s*(?:\"([^\"]*)\"|([^\s;,]+))")
# §8 Authenticated Content Distribution: the methods a hub may sign with.
_DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384}
_DIGESTS["sha512"] = hashlib.sha512
# Renew once a tenth of the lease is left (a ten-day lease: a day ahead).
RENEW_FRACTION = 0.1


@dataclass(frozen=True, slots=True)
class Hub:
    hub: str
    topic: str  # rel="self", else the URL the feed was fetched from (§4)


def discover(url: str, headers: Iterable[tuple[str, str]], body: bytes) -> Hub | None:
    hubs: list[str] = []
    selves: list[str] = []
    for name, value in headers:
        if name.lower() != "link":
            continue
        for target, params in _HEADER_LINK.findall(value):
            rels = " ".join(
                (q or b) for k, q, b in _PARAM.findall(params) if k.lower() == "rel"
            ).split()
            if "hub" in rels:
                hubs.append(urljoin(url, target.strip()))
            if "self" in rels:
                selves.append(urljoin(url, target.strip()))
    for attrs in _LINK_TAG.findall(body[:_HEAD_BYTES]):
        found = {k.lower(): (q or b) for k, q, b in _ATTR.findall(attrs)}
        rels = found.get(b"rel", b"").decode("utf-8", "replace").lower().split()
        href = found.get(b"href", b"").decode("utf-8", "replace").strip()
        if href and "hub" in rels:
            hubs.append(urljoin(url, href))
        if href and "self" in rels:
            selves.append(urljoin(url, href))
    hubs = [h for h in hubs if h.startswith(("http://", "https://"))]
    if not hubs:
        return None
    return Hub(hubs[0], selves[0] if selves else url)


def signature_ok(header: str | None, secret: str, body: bytes) -> bool:
    """`X-Hub-Signature: method=hexdigest` over the exact body, keyed by hub.secret."""
    if not header or "=" not in header:
        return False
    method, _, given = header.strip().partition("=")
    digest = _DIGESTS.get(method.lower())
    if digest is None:
        return False
    expected = hmac.new(secret.encode(), body, digest).hexdigest()
    return hmac.compare_digest(expected.encode(), given.strip().lower().encode())


def renew_due(lease_until: datetime | None, lease_s: float | None, now: datetime) -> bool:
    if lease_until is None:
        return True
    ahead = timedelta(seconds=(lease_s or 0) * RENEW_FRACTION)
    return now >= lease_until - ahead
