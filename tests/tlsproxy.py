"""A loopback HTTPS proxy that answers for a cloud chat service and records what it got.

Discord, Slack and Telegram have fixed https hosts in Apprise. With HTTPS_PROXY pointing
here and `?verify=no` on the Apprise URL, a send is a real request over a real TLS
connection that ends on 127.0.0.1 instead of the internet: the proxy accepts the
CONNECT, terminates TLS with a throw-away self-signed certificate, records the request
and answers as the service would.
"""

from __future__ import annotations

import json
import socketserver
import ssl
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Request:
    host: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


# What each service answers to a good send (status, body), as Apprise checks it.
ANSWERS = {
    "discord.com": (204, b""),
    "hooks.slack.com": (200, b"ok"),
    "api.telegram.org": (200, b'{"ok": true, "result": {"message_id": 1}}'),
}


def self_signed(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def _read_request(stream: Any) -> tuple[str, dict[str, str], bytes]:
    line = stream.readline().decode("latin-1").strip()
    headers: dict[str, str] = {}
    while (h := stream.readline().decode("latin-1").strip()) != "":
        name, _, value = h.partition(":")
        headers[name.strip()] = value.strip()
    length = int(next((v for k, v in headers.items() if k.lower() == "content-length"), "0"))
    return line, headers, stream.read(length) if length else b""


class TlsProxy:
    def __init__(self, cert: Path, key: Path) -> None:
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        proxy = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                line, _, _ = _read_request(self.rfile)
                method, target, _ = line.split(" ", 2)
                if method != "CONNECT":
                    self.wfile.write(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
                    return
                host = target.rsplit(":", 1)[0]
                self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                self.wfile.flush()
                with context.wrap_socket(self.connection, server_side=True) as tls:
                    stream = tls.makefile("rwb")
                    line, headers, body = _read_request(stream)
                    method, path, _ = line.split(" ", 2)
                    with proxy._lock:
                        proxy.requests.append(Request(host, method, path, headers, body))
                    status, answer = ANSWERS.get(host, (404, b""))
                    stream.write(
                        f"HTTP/1.1 {status} X\r\nContent-Length: {len(answer)}\r\n"
                        "Content-Type: application/json\r\nConnection: close\r\n\r\n".encode()
                        + answer
                    )
                    stream.flush()

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> TlsProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


__all__ = ["ANSWERS", "Request", "TlsProxy", "self_signed"]
