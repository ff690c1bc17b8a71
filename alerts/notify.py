"""Delivery of one rendered message to one Apprise URL; the only module that imports apprise.

It owns loading a target (its privacy-safe form and the format and lengths it wants),
sending synchronously, and turning Apprise's False into a NotifyError with a reason. It
does not render, retry or remember deliveries: the outbox does.
"""

from __future__ import annotations

import html
import logging
import re
import sys
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import apprise
from apprise.manager_plugins import NotificationManager

from alerts.errors import NotifyError, SendTimeout
from alerts.render import Dialect, Message, markdown_escape

__all__ = [
    "DEFAULT_TIMEOUT_S",
    "DELIVERY_HEADER",
    "TargetInfo",
    "register_console",
    "send",
    "target_info",
]

log = logging.getLogger(__name__)

DELIVERY_HEADER = "X-Newswatch-Delivery"
DEFAULT_TIMEOUT_S = 30.0

# Services that take `+Header=value` URL arguments and send them as HTTP or mail headers.
_HEADER_SCHEMES = frozenset({"json", "jsons", "form", "forms", "xml", "xmls", "mailto", "mailtos"})
_EMAIL_SCHEMES = frozenset({"mailto", "mailtos"})
_FORMATS = frozenset({"text", "markdown", "html"})
# A service without a title folds it into the body; this much of the body is kept for it.
_FOLDED_TITLE_MAX = 200


# The services whose reading of a body needs more than its format (render.Dialect), by
# Apprise URL scheme (Apprise's plugin list: discord.py, mattermost.py, slack.py,
# telegram.py, matrix.py).
_DIALECTS = {
    "discord": Dialect.DISCORD,
    "mmost": Dialect.MATTERMOST,
    "mmosts": Dialect.MATTERMOST,
    "slack": Dialect.SLACK,
    "tgram": Dialect.TELEGRAM,
    "matrix": Dialect.MATRIX,
    "matrixs": Dialect.MATRIX,
}


@dataclass(frozen=True, slots=True)
class TargetInfo:
    """What a target is and wants; `url_privacy` is safe to print and log."""

    url_privacy: str
    body_format: str
    title_max: int | None
    body_max: int | None
    dialect: Dialect = Dialect.GENERIC


def _asset() -> Any:
    # Memory-only storage: Apprise must not write cache files into the daemon's cwd.
    return apprise.AppriseAsset(
        app_id="newswatch",
        app_desc="newswatch news alerts",
        secure_logging=True,
        storage_mode="memory",
    )


def _quiet_apprise() -> None:
    """Apprise logs every send at INFO; keep only its warnings and errors (the failures),
    unless the operator configured the `apprise` logger themselves."""
    apprise_log = logging.getLogger(apprise.LOGGER_NAME)
    if apprise_log.level == logging.NOTSET:
        apprise_log.setLevel(logging.WARNING)


def _scheme(url: str) -> str:
    """The URL's scheme, reduced to characters that cannot carry a secret."""
    scheme = url.split("://", 1)[0] if "://" in url else ""
    return re.sub(r"[^a-z0-9+.-]", "", scheme.strip().lower())[:20] or "(none)"


class _Collect(logging.Handler):
    """Collects Apprise's warnings while a URL loads: its only account of what is wrong."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _load(url: str) -> Any:
    _quiet_apprise()
    target = f"{_scheme(url)}://…"
    collect = _Collect()
    apprise_log = logging.getLogger(apprise.LOGGER_NAME)
    apprise_log.addHandler(collect)
    try:
        plugin = apprise.Apprise.instantiate(url, asset=_asset(), suppress_exceptions=True)
    except (apprise.exception.AppriseException, ValueError, TypeError) as e:
        raise NotifyError(target, f"Apprise cannot load this URL: {type(e).__name__}") from e
    finally:
        apprise_log.removeHandler(collect)
    if plugin is None:
        detail = _scrub(" / ".join(dict.fromkeys(collect.messages)), url)
        raise NotifyError(
            target, f"Apprise cannot load this URL: {detail or 'unknown scheme or malformed URL'}"
        )
    return plugin


def _privacy(plugin: Any) -> str:
    """Apprise's privacy form, with custom header and query values masked too: Apprise
    prints `+Authorization=Bearer …` headers of json:// targets in the clear."""
    base, _, query = str(plugin.url(privacy=True)).partition("?")
    if not query:
        return base
    masked = [
        (k, "****" if k[:1] in {"+", "-"} and k[1:] != DELIVERY_HEADER else v)
        for k, v in parse_qsl(query, keep_blank_values=True)
    ]
    return f"{base}?{urlencode(masked, safe='*/')}"


def _first_format(notify_format: Any) -> str:
    formats = notify_format if isinstance(notify_format, (tuple, list)) else (notify_format,)
    for fmt in formats:
        value = str(getattr(fmt, "value", fmt))
        if value in _FORMATS:
            return value
    return "text"


def target_info(url: str) -> TargetInfo:
    """Load `url` with Apprise and describe it; NotifyError when Apprise cannot load it."""
    plugin = _load(url)
    title_max = int(plugin.title_maxlen) or None
    body_max = int(plugin.body_maxlen) or None
    if title_max is None:
        # Apprise prepends the title to the body here (Telegram, MQTT): leave it room so
        # the service's cut cannot fall on the link at the end of the body.
        title_max = _FOLDED_TITLE_MAX
        if body_max is not None:
            body_max = max(body_max - _FOLDED_TITLE_MAX - 20, 1)
    return TargetInfo(
        _privacy(plugin),
        _first_format(plugin.notify_format),
        title_max,
        body_max,
        _DIALECTS.get(_scheme(url), Dialect.GENERIC),
    )


def _with_header(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    extra = urlencode({f"+{name}": value})
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit(parts._replace(query=query))


def _footer(message: Message, key: str) -> Message:
    if key in message.body:
        return message
    if message.body_format == "html":
        line = f"<br>\n<small>delivery {html.escape(key)}</small>"
    elif message.body_format == "markdown":
        line = f"\n\n_delivery {markdown_escape(key)}_"
    else:
        line = f"\n\ndelivery {key}"
    return Message(message.title, message.body + line, message.body_format)


_SECRET_ARG = re.compile(r"token|key|secret|pass|auth|sig|apikey", re.IGNORECASE)


def _secrets(url: str) -> list[str]:
    """Parts of the URL that could be secrets, to scrub from failure reasons: the URL and its
    credentials, secret-looking arguments, and long path segments (webhook tokens)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    # Apprise echoes an unparseable URL whole ("Unparseable URL nope://token@host").
    found = [url, url.partition("://")[2], parts.netloc, parts.username or ""]
    found += [parts.password or ""]
    found += [v for k, v in parse_qsl(parts.query) if _SECRET_ARG.search(k)]
    found += [unquote(p) for p in parts.path.split("/") if len(p) >= 16]
    return sorted({s for s in found if len(s) >= 4}, key=len, reverse=True)


def _reason(result: Any, url: str) -> str:
    """The most telling warning or error Apprise logged during the send, secrets scrubbed."""
    messages = [
        str(entry.message)
        for entry in result.logs()
        if str(entry.level) in {"WARNING", "ERROR", "CRITICAL", "DEPRECATION WARNING"}
    ]
    status = getattr(getattr(result, "status", None), "name", "FAILURE")
    if not messages:
        return f"Apprise reported {status.lower()} without a reason"
    return _scrub(" / ".join(dict.fromkeys(m.strip() for m in messages[-3:])), url)


def _scrub(text: str, url: str) -> str:
    for secret in _secrets(url):
        text = text.replace(secret, "****")
    return text


def send(
    url: str,
    message: Message,
    *,
    idempotency_key: str | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> None:
    """Deliver `message` to the one target `url`, synchronously.

    The idempotency key travels as an `X-Newswatch-Delivery` header where the service
    takes custom headers, and in the body's footer for email, so a receiver can drop a
    redelivery after a crash between sending and marking sent. Raises NotifyError naming
    the privacy-safe target and the best reason Apprise gave; SendTimeout when the target
    did not answer within `timeout_s` (the message may have arrived all the same).
    """
    scheme = _scheme(url)
    privacy = _privacy(_load(url))
    if idempotency_key:
        if scheme in _HEADER_SCHEMES:
            url = _with_header(url, DELIVERY_HEADER, idempotency_key)
        if scheme in _EMAIL_SCHEMES:
            message = _footer(message, idempotency_key)
    plugin = _load(url)
    # Apprise's own defaults (4 s, 15 s for SMTP) would cut off slow but working services.
    plugin.socket_connect_timeout = timeout_s
    plugin.socket_read_timeout = timeout_s
    notifier = apprise.Apprise(asset=plugin.asset)
    notifier.add(plugin)
    started = time.monotonic()
    try:
        result = notifier.notify(
            body=message.body,
            title=message.title,
            body_format=message.body_format,
            timeout=timeout_s,
        )
    except (apprise.exception.AppriseException, OSError, ValueError, TypeError) as e:
        raise NotifyError(privacy, f"{type(e).__name__}: {e}") from e
    if not result:
        reason = _reason(result, url)
        log.debug("notify failed target=%s reason=%s", privacy, reason)
        # Apprise words a timeout as any connection error (and logs the cause only at
        # DEBUG), so the time the failed send took is what tells one apart.
        if time.monotonic() - started >= timeout_s:
            raise SendTimeout(privacy, f"no answer within {timeout_s:g}s ({reason})")
        raise NotifyError(privacy, reason)
    log.debug("notify sent target=%s", privacy)


def _print_alert(body: str, title: str, *args: Any, **kwargs: Any) -> bool:
    # sys.stdout is looked up per call so a redirected or captured stdout is honoured.
    out = sys.stdout
    if title:
        out.write(f"{title}\n")
    out.write(f"{body}\n\n")
    out.flush()
    return True


def register_console() -> None:
    """Register `console://`, a target that prints the alert (title, body) to stdout."""
    # Apprise's decorator and manager are untyped; Any keeps mypy --strict honest here.
    manager: Any = NotificationManager
    decorator: Any = apprise.decorators.notify
    if "console" in manager():
        return
    decorator(on="console", name="newswatch console", body_format="text")(_print_alert)
