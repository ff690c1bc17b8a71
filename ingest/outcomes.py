"""Why a feed's poll failed, as a closed vocabulary (metrics count fetches by it).

A fetch error's kind is decided where the error is met (``ingest.fetch``), not read back
from its human reason; a feed that answered but is no feed is ``PARSE``.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    TIMEOUT = "timeout"
    DNS = "dns"
    CONNECTION = "connection"  # refused, reset, closed mid-body
    TLS = "tls"
    HTTP_4XX = "http_4xx"
    HTTP_5XX = "http_5xx"
    GONE = "gone"  # HTTP 410: the feed is not polled again
    REDIRECT = "redirect"  # a loop, too many, or a 3xx without Location
    TOO_LARGE = "too_large"
    REFUSED = "refused"  # a private address while allow_private = false
    INVALID_URL = "invalid_url"
    PARSE = "parse"  # it answered, but with no feed (or a sitemap, a channel) in it
    STORAGE = "storage"
    INTERNAL = "internal"
    OTHER = "other"


def http_kind(status: int) -> ErrorKind:
    """The kind of an HTTP status that is neither 200 nor 304."""
    if status == 410:
        return ErrorKind.GONE
    if 300 <= status < 400:
        return ErrorKind.REDIRECT
    if 400 <= status < 500:
        return ErrorKind.HTTP_4XX
    if status >= 500:
        return ErrorKind.HTTP_5XX
    return ErrorKind.OTHER
