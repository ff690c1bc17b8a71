"""Who may see the pages, and which form posts are genuine.

A token (`[web] token`) is required whenever one is configured, and the config refuses
to listen beyond loopback without one. It is sent as `Authorization: Bearer …`
(RFC 6750 §2.1) or exchanged once on the login form for a cookie holding an HMAC of it,
so the token itself never sits in the browser. Forms that change state carry a CSRF
token that must equal the one in a SameSite=Strict cookie (the double-submit pattern of
the OWASP CSRF Prevention Cheat Sheet); a cross-site post has neither.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

AUTH_COOKIE = "newswatch_auth"
CSRF_COOKIE = "newswatch_csrf"


def _same(a: str, b: str) -> bool:
    # compare_digest refuses non-ASCII str; bytes compare in constant time all the same.
    return hmac.compare_digest(a.encode(), b.encode())


def session_value(token: str) -> str:
    return hmac.new(token.encode(), b"newswatch web session", hashlib.sha256).hexdigest()


def authorized(token: str | None, header: str | None, cookie: str | None) -> bool:
    if token is None:
        return True
    if header is not None:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and _same(value.strip(), token):
            return True
    return cookie is not None and _same(cookie, session_value(token))


def token_matches(token: str | None, given: str) -> bool:
    return token is not None and _same(given, token)


def new_csrf() -> str:
    return secrets.token_urlsafe(24)


def csrf_ok(cookie: str | None, field: str | None) -> bool:
    return bool(cookie) and bool(field) and _same(cookie or "", field or "")


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path on this server only (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
