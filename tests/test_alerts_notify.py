"""alerts.notify against real loopback receivers: SMTP (aiosmtpd), a JSON webhook, MQTT."""

from __future__ import annotations

import socket
import threading
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sinks import SmtpSink, WebhookSink, free_port

from alerts.errors import NotifyError
from alerts.model import Hit
from alerts.notify import DELIVERY_HEADER, register_console, send, target_info
from alerts.render import AlertItem, Message, render_instant

HTML = Message(
    title="Ales Bialiatski: court <b>ruling</b>",
    body="<b>Ales Bialiatski</b> — matched <mark>Беляцкого</mark><br>\n"
    '&lt;script&gt;alert(1)&lt;/script&gt;<br>\n<a href="https://example.org/a">link</a>',
    body_format="html",
)
TEXT = Message("newswatch", "Ales Bialiatski — matched «Беляцкого»\nhttps://example.org/a", "text")


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    # aiosmtpd warns about its own deprecated login_data attribute while authenticating.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with SmtpSink() as sink:
            yield sink


@pytest.fixture
def hook() -> Iterator[WebhookSink]:
    with WebhookSink() as sink:
        yield sink


def test_email_arrives_with_subject_body_and_delivery_key(smtp: SmtpSink) -> None:
    send(smtp.apprise_url(), HTML, idempotency_key="nw-42")
    [mail] = smtp.wait_for(1)
    assert mail.rcpt_tos == ("desk@example.org",)
    assert mail.subject == HTML.title
    html = mail.body("html")
    assert "<mark>Беляцкого</mark>" in html
    assert "&lt;script&gt;" in html
    assert "<script" not in html
    assert "nw-42" in html  # the footer, for mail readers
    assert mail.header(DELIVERY_HEADER) == "nw-42"


def test_hostile_item_rendered_for_email_arrives_escaped(smtp: SmtpSink) -> None:
    url = smtp.apprise_url()
    info = target_info(url)
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    item = AlertItem(
        watchlist="Belarus",
        title=f"Суд над Беляцким {hostile}",
        link="https://example.org/a?b=1&c=2",
        feed=hostile,
        published=datetime(2024, 5, 3, 12, 5, tzinfo=UTC),
        hits=(Hit("Ales Bialiatski", "Беляцким", "title", f"над Беляцким {hostile}", 4, 12),),
        delivery_id="nw-99",
    )
    message = render_instant(
        item, body_format=info.body_format, tz=UTC, title_max=info.title_max, body_max=info.body_max
    )
    send(url, message, idempotency_key="nw-99")
    [mail] = smtp.wait_for(1)
    html = mail.body("html")
    assert "<mark>Беляцким</mark>" in html
    assert "<script" not in html
    assert "<img" not in html
    assert '<a href="https://example.org/a?b=1&amp;c=2">' in html
    assert html.count("nw-99") == 1  # the renderer's footer is not doubled by the notifier


def test_email_password_never_in_target_or_error(smtp: SmtpSink) -> None:
    url = smtp.apprise_url()
    assert "secretpass" not in target_info(url).url_privacy
    smtp.fail("554 5.7.1 rejected by policy")
    with pytest.raises(NotifyError) as err:
        send(url, TEXT)
    assert "secretpass" not in str(err.value)
    assert err.value.target == target_info(url).url_privacy


@pytest.mark.parametrize(
    ("break_it", "reason_part"),
    [
        pytest.param(lambda s: s.fail("554 Transaction failed"), "fail", id="smtp-554"),
        pytest.param(lambda s: s.stop(), "connection", id="smtp-refused"),
    ],
)
def test_email_failure_is_notify_error(smtp: SmtpSink, break_it, reason_part: str) -> None:  # type: ignore[no-untyped-def]
    break_it(smtp)
    with pytest.raises(NotifyError) as err:
        send(smtp.apprise_url(), TEXT)
    assert reason_part in err.value.reason.lower()


def test_webhook_gets_json_and_idempotency_header(hook: WebhookSink) -> None:
    send(hook.apprise_url(), TEXT, idempotency_key="nw-7")
    [post] = hook.wait_for(1)
    assert post.path == "/hook"
    assert post.header(DELIVERY_HEADER) == "nw-7"
    assert post.json["title"] == TEXT.title
    assert post.json["message"] == TEXT.body


@pytest.mark.parametrize("scheme", ["json", "form", "xml"])
def test_idempotency_header_for_every_webhook_kind(hook: WebhookSink, scheme: str) -> None:
    url = hook.apprise_url().replace("json://", f"{scheme}://") + "?+X-Extra=kept"
    send(url, TEXT, idempotency_key=f"nw-{scheme}")
    [post] = hook.wait_for(1)
    assert post.header(DELIVERY_HEADER) == f"nw-{scheme}"
    assert post.header("X-Extra") == "kept"  # the user's own headers survive
    assert b"example.org" in post.body  # the message itself, in each encoding


def test_webhook_failure_reason_hides_the_password(hook: WebhookSink) -> None:
    hook.fail(500)
    url = f"json://user:hunter22@127.0.0.1:{hook.port}/hook"
    with pytest.raises(NotifyError) as err:
        send(url, TEXT)
    assert "hunter22" not in str(err.value)
    assert "500" in err.value.reason


@pytest.mark.parametrize(
    ("status", "reason_part"),
    [(500, "500"), (503, "503"), (404, "404"), (401, "401")],
)
def test_webhook_error_status_is_notify_error(
    hook: WebhookSink, status: int, reason_part: str
) -> None:
    hook.fail(status)
    with pytest.raises(NotifyError) as err:
        send(hook.apprise_url(), TEXT)
    assert reason_part in err.value.reason
    assert err.value.target.startswith("json://127.0.0.1")


def test_webhook_refused_then_recovers(hook: WebhookSink) -> None:
    hook.stop()
    with pytest.raises(NotifyError) as err:
        send(hook.apprise_url(), TEXT)
    assert "connection" in err.value.reason.lower()
    hook.start()
    send(hook.apprise_url(), TEXT)
    assert len(hook.wait_for(1)) == 1


def test_nothing_listening_is_notify_error() -> None:
    with pytest.raises(NotifyError):
        send(f"json://127.0.0.1:{free_port()}/x", TEXT)


@pytest.mark.parametrize(
    ("url", "body_format", "title_max"),
    [
        ("json://127.0.0.1:9/hook", "text", 250),
        (
            "mailto://u:p@127.0.0.1:25?to=a@example.org&from=nw@example.org&mode=insecure",
            "html",
            250,
        ),
        ("tgram://123456789:abcdefg_hijklmnop/12315544/", "html", 200),
        ("mqtt://127.0.0.1:1883/newswatch/test", "text", 200),
    ],
)
def test_target_info(url: str, body_format: str, title_max: int) -> None:
    info = target_info(url)
    assert info.body_format == body_format
    assert info.title_max == title_max
    assert info.body_max is not None and info.body_max > 1000


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("json://user:hunter22@127.0.0.1/x", "hunter22"),
        ("json://127.0.0.1/x?+Authorization=Bearer%20tok123456", "tok123456"),
        ("tgram://123456789:abcdefg_hijklmnop/12315544/", "abcdefg_hijklmnop"),
    ],
)
def test_privacy_form_hides_secrets(url: str, secret: str) -> None:
    assert secret not in target_info(url).url_privacy


@pytest.mark.parametrize("url", ["nope://secret-token@host", "json://", "not a url", "mailto://"])
def test_unloadable_url_names_only_the_scheme(url: str) -> None:
    with pytest.raises(NotifyError) as err:
        target_info(url)
    assert "secret-token" not in str(err.value)
    assert "Apprise cannot load" in err.value.reason


def test_console_prints_title_and_body(capsys: pytest.CaptureFixture[str]) -> None:
    register_console()
    register_console()  # idempotent
    assert target_info("console://").body_format == "text"
    send("console://", TEXT, idempotency_key="k")
    out = capsys.readouterr().out
    assert TEXT.title in out
    assert "matched «Беляцкого»" in out


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_mqtt_message_reaches_a_subscriber() -> None:
    if not _listening(1883):
        pytest.skip("no MQTT broker listening on 127.0.0.1:1883 (start mosquitto to run this)")
    mqtt = pytest.importorskip("paho.mqtt.client")
    topic = f"newswatch/test/{free_port()}"
    subscribed, got = threading.Event(), threading.Event()
    payloads: list[bytes] = []

    def on_message(client, userdata, msg) -> None:  # type: ignore[no-untyped-def]
        payloads.append(msg.payload)
        got.set()

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    client.on_subscribe = lambda *a: subscribed.set()
    client.on_message = on_message
    client.on_connect = lambda c, *a: c.subscribe(topic)
    client.connect("127.0.0.1", 1883)
    client.loop_start()
    try:
        assert subscribed.wait(10), "subscription not acknowledged"
        send(f"mqtt://127.0.0.1:1883/{topic}", TEXT)
        assert got.wait(10), "no MQTT message arrived"
    finally:
        client.loop_stop()
        client.disconnect()
    assert "matched «Беляцкого»" in payloads[0].decode()
