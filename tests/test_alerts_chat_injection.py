"""Nothing from a feed acts on a reader: what Apprise really sends, captured on loopback.

A hostile feed title carries every mention form (`@everyone`, `@here`, `@channel`,
`@all`, `@room`, `<@id>`, `<!here>`), an HTML link, a Markdown link, markup and an
ampersand. Each target gets the alert rendered as the delivery job renders it and sent
through Apprise: Discord, Slack and Telegram through a TLS-terminating loopback proxy
(their hosts are fixed in Apprise), Mattermost, ntfy and Matrix to a loopback webhook,
email to a loopback SMTP server. In what each service receives no mention pings, no link
from the feed is live, nothing is escaped twice, and the words are all still there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sinks import SmtpSink, WebhookSink
from tlsproxy import TlsProxy, self_signed

from alerts.model import Hit
from alerts.notify import send, target_info
from alerts.render import AlertItem, render_instant

# The proxy's certificate is a throw-away one, so the URLs say verify=no.
pytestmark = pytest.mark.filterwarnings("ignore:Unverified HTTPS request")

EVIL = "https://evil.example/x"
HOSTILE = (
    f"Ales Bialiatski @everyone @here @channel @all @room <@123> <!here> "
    f'& <a href="{EVIL}">click</a> [press]({EVIL}) *bold*'
)
ITEM = AlertItem(
    watchlist="belarus",
    title=HOSTILE,
    link="https://example.org/a?x=1&y=2",
    feed="Outlet & Co",
    published=datetime(2024, 5, 3, 12, 5, tzinfo=UTC),
    hits=(Hit("Ales Bialiatski", "Bialiatski", "title", HOSTILE, 5, 15, "full name"),),
    delivery_id="newswatch-7",
)
# A mention as each service parses one (their documentation of message formatting).
DISCORD_PING = re.compile(r"@(everyone|here)\b|<@[!&]?\d")
SLACK_PING = re.compile(r"<[!@]")  # <!here>, <!channel>, <@U123>; &lt;!here&gt; is text
TELEGRAM_PING = re.compile(r"@[A-Za-z]\w{4,}")  # @username notifies that user
MATTERMOST_PING = re.compile(r"@(channel|all|here)\b")
MATRIX_PING = re.compile(r"@room\b")


@dataclass(frozen=True)
class Case:
    name: str
    url: Callable[[Rig], str]
    received: Callable[[Rig], str]  # what the service reads, as it reads it
    ping: re.Pattern[str] | None  # a mention that notifies, in that service's syntax
    live_links: re.Pattern[str] | None  # a live link to EVIL in that service's syntax
    decodes_entities: bool  # whether `&amp;` shows as "&" there


@dataclass
class Rig:
    proxy: TlsProxy
    hook: WebhookSink
    smtp: SmtpSink


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def rig(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[Rig]:
    with TlsProxy(*certificate) as proxy, WebhookSink() as hook, SmtpSink() as smtp:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        yield Rig(proxy, hook, smtp)


def _only_request(rig: Rig) -> dict[str, object]:
    [request] = rig.proxy.requests
    return request.json  # type: ignore[no-any-return]


def _discord(rig: Rig) -> str:
    return str(_only_request(rig)["content"])


def _slack(rig: Rig) -> str:
    [attachment] = _only_request(rig)["attachments"]  # type: ignore[misc]
    return f"{attachment['title']}\n{attachment['text']}"


def _telegram(rig: Rig) -> str:
    payload = _only_request(rig)
    assert payload["parse_mode"] == "HTML"
    return str(payload["text"])


def _hook_json(*keys: str) -> Callable[[Rig], str]:
    def received(rig: Rig) -> str:
        [post] = rig.hook.wait_for(1)
        return "\n".join(str(post.json[k]) for k in keys)

    return received


def _email(rig: Rig) -> str:
    [mail] = rig.smtp.wait_for(1)
    return mail.body("html")  # a mail client reads this part, where markup is live


HTML_LINK = re.compile(r"<a\s[^>]*href=\"?https://evil", re.IGNORECASE)
MARKDOWN_LINK = re.compile(r"(?<!\\)\]\(https://evil|(?<!\\)<https://evil")
SLACK_LINK = re.compile(r"<https://evil")

CASES = [
    Case(
        "discord",
        lambda r: "discord://1234/abcdefTOKEN?verify=no",
        _discord,
        DISCORD_PING,
        MARKDOWN_LINK,
        decodes_entities=False,
    ),
    Case(
        "slack",
        lambda r: "slack://T1234/B1234/abcdefghijkl?verify=no",
        _slack,
        SLACK_PING,
        SLACK_LINK,
        decodes_entities=True,  # Slack reads & < > as &amp; &lt; &gt;
    ),
    Case(
        "telegram",
        lambda r: "tgram://123456789:abcdefghijklmnopqrstuvwxyzABCDEFGHI/-1001234?verify=no",
        _telegram,
        TELEGRAM_PING,
        HTML_LINK,
        decodes_entities=True,
    ),
    Case(
        "mattermost",
        lambda r: f"mmost://127.0.0.1:{r.hook.port}/tokentoken",
        _hook_json("text"),
        MATTERMOST_PING,
        MARKDOWN_LINK,
        decodes_entities=False,
    ),
    Case(
        "ntfy",
        lambda r: f"ntfy://127.0.0.1:{r.hook.port}/alerts",
        _hook_json("title", "message"),
        None,  # ntfy has no mentions
        None,  # and shows plain text as such (a bare URL is linked, but shows as itself)
        decodes_entities=False,
    ),
    Case(
        "matrix",
        lambda r: f"matrix://127.0.0.1:{r.hook.port}/tokentokentoken?mode=matrix",
        _hook_json("text"),
        MATRIX_PING,
        None,  # sent as "format": "plain", shown as such
        decodes_entities=False,
    ),
    Case(
        "email",
        lambda r: r.smtp.apprise_url(),
        _email,
        None,
        HTML_LINK,
        decodes_entities=True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_what_each_service_receives_is_inert(rig: Rig, case: Case) -> None:
    url = case.url(rig)
    info = target_info(url)
    message = render_instant(
        ITEM,
        body_format=info.body_format,
        tz=UTC,
        title_max=info.title_max,
        body_max=info.body_max,
        dialect=info.dialect,
    )
    send(url, message, idempotency_key="newswatch-7")
    got = case.received(rig)

    assert case.ping is None or not case.ping.search(got), got
    assert case.live_links is None or not case.live_links.search(got), got
    assert "&amp;amp;" not in got and "&amp;lt;" not in got, got  # never escaped twice
    if not case.decodes_entities:
        assert "&amp;" not in got and "&lt;" not in got, got  # it would show as such
    words = got.replace("\\", "")
    for word in ("Bialiatski", "everyone", "click", "press", "bold", "Outlet"):
        assert word in words, (word, got)
    assert "x=1" in words and "y=2" in words  # the article's own link survives
