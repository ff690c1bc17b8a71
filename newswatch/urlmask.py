"""Secrets in URLs, masked wherever a person or a log sees a URL: a password or token in
the userinfo, a credential in the query, a token in a webhook's path.

Pure text in, text out. Apprise's privacy form already hides its own plugins' secrets;
this covers feed URLs and what Apprise leaves in clear (a `json://` webhook's path).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

MASK = "****"

# Query parameters that carry credentials, lower-cased, "-" and "_" folded:
# RFC 6749 (OAuth 2.0) §2.3.1, §4.1.2, §5.1: client_secret, code, access_token,
# refresh_token; RFC 6750 §2.3: access_token; AWS SigV4 presigned URLs: X-Amz-Signature,
# X-Amz-Credential, X-Amz-Security-Token; Google APIs: key; Azure SAS: sig; and the names
# feed services use for private feeds (token, api_key, apikey, auth, secret, password …).
SECRET_PARAMS = frozenset(
    {
        "accesstoken",
        "apikey",
        "apitoken",
        "auth",
        "authtoken",
        "clientsecret",
        "code",
        "key",
        "pass",
        "passwd",
        "password",
        "privatetoken",
        "pwd",
        "refreshtoken",
        "secret",
        "session",
        "sessionid",
        "sid",
        "sig",
        "signature",
        "token",
        "xamzcredential",
        "xamzsecuritytoken",
        "xamzsignature",
    }
)

# A path segment that looks generated rather than written: 16 or more characters of the
# RFC 6750 b64token alphabet (letters, digits, "-", "_", "."), with a digit or mixed case
# (Slack, Discord and Teams webhook tokens; a GUID), or 32 and more of anything in it.
_TOKEN_SEGMENT = re.compile(r"[A-Za-z0-9_.~+-]{16,}")
_URL_IN_TEXT = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s\"'<>]+")


def _is_secret_param(name: str) -> bool:
    return re.sub(r"[-_]", "", name.lower()) in SECRET_PARAMS


def _looks_generated(segment: str) -> bool:
    if not _TOKEN_SEGMENT.fullmatch(segment):
        return False
    has_digit = any(c.isdigit() for c in segment)
    mixed = any(c.islower() for c in segment) and any(c.isupper() for c in segment)
    return has_digit or mixed or len(segment) >= 32


def mask_url(url: str, *, path_tokens: bool = False) -> str:
    """`url` with its secrets replaced by ****; `path_tokens` also masks generated-looking
    path segments (for webhook URLs, where the token is the path)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url
    netloc = parts.netloc
    user, at, host = netloc.rpartition("@")
    if at:
        name, colon, _password = user.partition(":")
        # user:password keeps the user; a bare userinfo is usually a token (https://TOKEN@…).
        netloc = f"{name}:{MASK}@{host}" if colon else f"{MASK}@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(_is_secret_param(k) for k, _ in pairs):
            query = "&".join(
                f"{quote(k, safe='')}={MASK if _is_secret_param(k) else quote(v, safe='')}"
                for k, v in pairs
            )
    path = parts.path
    if path_tokens:
        path = "/".join(MASK if _looks_generated(s) else s for s in path.split("/"))
    return urlunsplit((parts.scheme, netloc, path, query, parts.fragment))


def mask_text(text: str) -> str:
    """Every URL in free text (an error message, a log line) masked."""
    if "://" not in text:
        return text
    return _URL_IN_TEXT.sub(lambda m: mask_url(m.group(0)), text)


class MaskingFilter(logging.Filter):
    """A handler filter: the formatted message of every record, URLs masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def install(logger: logging.Logger | None = None) -> None:
    """Add the filter to every handler of `logger` (the root logger by default): a filter
    on a logger would miss records its children propagate."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())
