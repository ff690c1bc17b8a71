"""How a feed's polls end, as closed vocabularies: each poll's status, why one failed
(metrics count fetches by it), and the state it leaves the feed in.

A fetch error's kind is decided where the error is met (``ingest.fetch``), not read back
from its human reason; a feed that answered but is no feed is ``PARSE``.
"""

from __future__ import annotations

from enum import StrEnum


class PollStatus(StrEnum):
    """How one poll of a feed ended (stored as the feed's `last_status`)."""

    OK = "ok"  # a body was read
    NOT_MODIFIED = "not modified"  # HTTP 304
    UNCHANGED = "unchanged"  # the same body, or no item not seen before
    ERROR = "error"
    GONE = "gone"  # HTTP 410: the feed is not polled again


# The polls that count against a feed (its error count, `failing_since`).
POLL_FAILURES = (PollStatus.ERROR, PollStatus.GONE)


class FeedState(StrEnum):
    """A feed's state as `newswatch feeds`, the web page and metrics show it (metrics
    list the states in this order)."""

    OK = "ok"
    NOT_MODIFIED = "not modified"
    NEW = "new"  # never polled
    FAILING = "failing"
    GONE = "gone"
    DISABLED = "disabled"  # no longer in the config


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
