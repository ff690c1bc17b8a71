"""Real loopback notification receivers for tests: an SMTP server and a JSON webhook.

Both collect what they receive, can be told to fail (an error status, or a refused
connection by stopping) and to recover, and let a test wait for "N received" without
sleeping:

    with SmtpSink() as smtp, WebhookSink() as hook:
        send(smtp.apprise_url(), message)
        [mail] = smtp.wait_for(1)
        hook.fail(500)          # every POST now answers 500
        hook.stop()             # connections are refused
        hook.start()            # same port again, answering 200
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Generic, TypeVar, cast

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

T = TypeVar("T")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Inbox(Generic[T]):
    """A thread-safe list that tests can wait on."""

    def __init__(self) -> None:
        self._items: list[T] = []
        self._cond = threading.Condition()

    def add(self, item: T) -> None:
        with self._cond:
            self._items.append(item)
            self._cond.notify_all()

    def wait_for(self, n: int, timeout: float) -> list[T]:
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._items) >= n, timeout):
                raise TimeoutError(f"expected {n} received, got {len(self._items)} in {timeout}s")
            return list(self._items)

    def snapshot(self) -> list[T]:
        with self._cond:
            return list(self._items)

    def clear(self) -> None:
        with self._cond:
            self._items.clear()


# --- SMTP ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mail:
    """One message the SMTP sink accepted."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    def header(self, name: str) -> str | None:
        value = self.message[name]
        return None if value is None else str(value)

    def body(self, subtype: str = "plain") -> str:
        """The decoded text/`subtype` part ("plain" or "html"), or "" when absent."""
        part = self.message.get_body(preferencelist=(subtype,))
        return "" if part is None else str(cast(Any, part).get_content())


class _SmtpHandler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.sink.failing is not None:
            return self.sink.failing
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        self.sink.inbox.add(Mail(envelope.mail_from, tuple(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"


def _accept_any_login(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    # Apprise logs in whenever the URL has user:pass; the sink accepts any credentials.
    return AuthResult(success=isinstance(auth_data, LoginPassword))


class SmtpSink:
    """An aiosmtpd server on 127.0.0.1 collecting messages; AUTH is accepted without TLS."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.inbox: _Inbox[Mail] = _Inbox()
        self.failing: str | None = None
        self._controller: Controller | None = None

    def start(self) -> SmtpSink:
        self._controller = Controller(
            _SmtpHandler(self),
            hostname="127.0.0.1",
            port=self.port,
            authenticator=_accept_any_login,
            auth_require_tls=False,
            auth_required=False,
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop listening: connections are refused until `start()`."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def fail(self, reply: str = "554 Transaction failed") -> None:
        """Answer every DATA with this SMTP reply until `recover()`."""
        self.failing = reply

    def recover(self) -> None:
        self.failing = None

    def wait_for(self, n: int, timeout: float = 10) -> list[Mail]:
        """All messages once at least `n` have arrived; TimeoutError otherwise."""
        return self.inbox.wait_for(n, timeout)

    @property
    def received(self) -> list[Mail]:
        return self.inbox.snapshot()

    def apprise_url(
        self, to: str = "desk@example.org", sender: str = "newswatch@example.org", **extra: str
    ) -> str:
        """A `mailto://` URL that makes Apprise speak plain SMTP (no TLS) to this sink."""
        args = "&".join(
            f"{k}={v}" for k, v in {"to": to, "from": sender, "mode": "insecure", **extra}.items()
        )
        return f"mailto://user:secretpass@127.0.0.1:{self.port}?{args}"

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- webhook -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Post:
    """One request the webhook sink received."""

    path: str
    headers: dict[str, str]
    body: bytes
    json: Any = field(default=None)

    def header(self, name: str) -> str | None:
        lname = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lname), None)


class WebhookSink:
    """An HTTP server on 127.0.0.1 collecting POSTs (JSON decoded when it parses)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.inbox: _Inbox[Post] = _Inbox()
        self.status = 200
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> WebhookSink:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status = sink.status
                if status < 400:
                    try:
                        parsed = json.loads(body)
                    except ValueError:
                        parsed = None
                    sink.inbox.add(Post(self.path, dict(self.headers.items()), body, parsed))
                payload = b'{"ok": true}' if status < 400 else b'{"error": "sink told to fail"}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        # A short poll keeps stop() (a test's teardown) from waiting half a second.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening: connections are refused until `start()`."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def fail(self, status: int = 500) -> None:
        """Answer every POST with `status` (and record nothing) until `recover()`."""
        self.status = status

    def recover(self) -> None:
        self.status = 200

    def wait_for(self, n: int, timeout: float = 10) -> list[Post]:
        """All posts once at least `n` have arrived; TimeoutError otherwise."""
        return self.inbox.wait_for(n, timeout)

    @property
    def received(self) -> list[Post]:
        return self.inbox.snapshot()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def apprise_url(self, path: str = "/hook") -> str:
        return f"json://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> WebhookSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def running(*sinks: SmtpSink | WebhookSink) -> Iterator[None]:
    """Start several sinks and stop them all afterwards."""
    started: list[Callable[[], None]] = []
    try:
        for sink in sinks:
            sink.start()
            started.append(sink.stop)
        yield
    finally:
        for stop in reversed(started):
            stop()
