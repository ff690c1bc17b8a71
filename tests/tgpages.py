"""Telegram channel preview pages for tests, in the markup t.me/s/CHANNEL serves.

Each post is built from the parts a real post has: forwarded-from, a quoted reply,
photos, its text (hashtags, emoji images with the character inside, links, <br>),
a link preview and the footer with views and the dated post link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from html import escape

EMOJI = (
    '<i class="emoji" style="background-image:url(\'//telegram.org/img/emoji/40/F09F94A5.png\')">'
    "<b>\U0001f525</b></i>"
)


@dataclass(frozen=True)
class Post:
    id: int
    text_html: str = ""  # already markup, as the page has it
    when: datetime | None = None
    forwarded_from: str | None = None
    reply_to: tuple[str, str] | None = None  # (author, quoted text)
    photos: int = 0
    preview: tuple[str, str, str] | None = None  # (site, title, description)
    service: str | None = None
    extra_class: str = ""
    attrs: dict[str, str] = field(default_factory=dict)


def _post(channel: str, p: Post) -> str:
    when = p.when.isoformat() if p.when else "2026-03-01T12:00:00+00:00"
    link = f"https://t.me/{channel}/{p.id}"
    inner: list[str] = []
    if p.service:
        inner.append(
            f'<div class="message_media_not_supported_wrap"></div>'
            f'<div class="tgme_widget_message_service_date_wrap"></div>'
            f'<div class="tgme_widget_message_text js-message_text service_message" dir="auto">'
            f"{escape(p.service)}</div>"
        )
    else:
        inner.append(
            '<div class="tgme_widget_message_author accent_color">'
            f'<a class="tgme_widget_message_owner_name" href="https://t.me/{channel}">'
            f'<span dir="auto">{escape(channel)}</span></a></div>'
        )
        if p.forwarded_from:
            inner.append(
                '<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from '
                '<a class="tgme_widget_message_forwarded_from_name" href="https://t.me/other/7">'
                f'<span dir="auto">{escape(p.forwarded_from)}</span></a></div>'
            )
        if p.reply_to:
            author, quote = p.reply_to
            inner.append(
                f'<a class="tgme_widget_message_reply" href="https://t.me/{channel}/{p.id - 1}">'
                '<div class="tgme_widget_message_author accent_color">'
                f'<span class="tgme_widget_message_author_name" dir="auto">{escape(author)}</span>'
                "</div>"
                '<div class="tgme_widget_message_text js-message_reply_text" dir="auto">'
                f"{escape(quote)}</div></a>"
            )
        if p.photos:
            photos = "".join(
                f'<a class="tgme_widget_message_photo_wrap grouped_media_wrap" href="{link}?single"'
                " style=\"width:400px;background-image:url('https://cdn4.telesco.pe/file/x.jpg')\">"
                '<div class="tgme_widget_message_photo" style="padding-top:75%"></div></a>'
                for _ in range(p.photos)
            )
            inner.append(
                '<div class="tgme_widget_message_grouped_wrap js-message_grouped_wrap">'
                f"{photos}</div>"
            )
        if p.text_html:
            inner.append(
                '<div class="tgme_widget_message_text js-message_text before_footer" dir="auto">'
                f"{p.text_html}</div>"
            )
        if p.preview:
            site, title, desc = (escape(x) for x in p.preview)
            inner.append(
                '<a class="tgme_widget_message_link_preview" href="https://news.example/a">'
                f'<div class="link_preview_site_name accent_color" dir="auto">{site}</div>'
                f'<div class="link_preview_title" dir="auto">{title}</div>'
                f'<div class="link_preview_description" dir="auto">{desc}</div></a>'
            )
    inner.append(
        '<div class="tgme_widget_message_footer compact js-message_footer">'
        '<div class="tgme_widget_message_info short js-message_info">'
        '<span class="tgme_widget_message_views">12.4K</span>'
        '<span class="copyonly"> views</span>'
        '<span class="tgme_widget_message_meta">'
        f'<a class="tgme_widget_message_date" href="{link}">'
        f'<time datetime="{when}" class="time">12:00</time></a></span></div></div>'
    )
    attrs = {"data-post": f"{channel}/{p.id}", "data-view": "eyJjIjotMTAw", **p.attrs}
    shown = " ".join(f'{k}="{escape(v)}"' for k, v in attrs.items() if v is not None)
    return (
        '<div class="tgme_widget_message_wrap js-widget_message_wrap">'
        '<div class="tgme_widget_message text_not_supported_wrap js-widget_message'
        f' {p.extra_class}" {shown}>'
        '<div class="tgme_widget_message_user"><a href="https://t.me/chan">'
        '<i class="tgme_widget_message_user_photo bgcolor0" data-content="C"></i></a></div>'
        '<div class="tgme_widget_message_bubble">'
        '<i class="tgme_widget_message_bubble_tail"></i>' + "".join(inner) + "</div></div></div>"
    )


def channel_page(channel: str, posts: list[Post], title: str = "Channel") -> bytes:
    """A preview page: the channel header, then the posts oldest first, as t.me orders them."""
    body = "".join(_post(channel, p) for p in sorted(posts, key=lambda p: p.id))
    before = min((p.id for p in posts), default=0)
    more = (
        f'<a href="/s/{channel}?before={before}" class="tme_messages_more js-messages_more" '
        f'data-before="{before}"></a>'
        if before
        else ""
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{escape(title)} – Telegram</title></head>"
        '<body class="widget_frame_base tgme_body">'
        '<header class="tgme_header"><div class="tgme_channel_info_header">'
        f'<div class="tgme_channel_info_header_title"><span dir="auto">{escape(title)}</span></div>'
        f'<div class="tgme_channel_info_header_username"><a href="https://t.me/{channel}">@{channel}</a></div>'
        "</div></header>"
        '<main class="tgme_main"><section class="tgme_channel_history js-message_history">'
        f'<div class="tme_messages_more_wrap">{more}</div>'
        f"{body}</section></main></body></html>"
    ).encode()


def info_page(channel: str) -> bytes:
    """What t.me serves for a channel whose web preview is off: its info card only."""
    return (
        "<!DOCTYPE html><html><head><title>Telegram: Contact @"
        f'{channel}</title></head><body class="tgme_page_body">'
        '<div class="tgme_page"><div class="tgme_page_title"><span dir="auto">Channel</span></div>'
        f'<div class="tgme_page_extra">@{channel}</div>'
        '<div class="tgme_page_action"><a class="tgme_action_button_new" href="tg://resolve?domain='
        f'{channel}">View in Telegram</a></div></div></body></html>'
    ).encode()
