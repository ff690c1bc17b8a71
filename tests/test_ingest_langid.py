"""Language from an article's own text: accuracy on every labelled eval file, and the
feed's declared language used only where the text says too little."""

from __future__ import annotations

import html
import json
import re

import pytest
from conftest import shared_dir

from ingest.langid import detect, primary_language

EVAL_FILES = (
    "names_public.jsonl",
    "names_public2.jsonl",
    "stories_public.jsonl",
    "stories_public2.jsonl",
)


def plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


@pytest.mark.parametrize("name", EVAL_FILES)
def test_accuracy_on_every_eval_file_without_a_declared_language(name: str) -> None:
    path = shared_dir("eval") / name
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    wrong = [
        (row["id"], row["lang"], got)
        for row in rows
        if (got := detect(f"{row['title']}\n{plain(row['summary'])}")) != row["lang"]
    ]
    assert 1 - len(wrong) / len(rows) >= 0.97, wrong


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("Алесь Бяляцкі вызвалены з калоніі, паведаміла праваабарончы цэнтр «Вясна».", None, "be"),
        ("Алеся Беляцкого освободили из колонии, сообщил правозащитный центр «Весна».", None, "ru"),
        (
            "Алеся Біляцького звільнили з колонії, повідомив правозахисний центр «Весна».",
            None,
            "uk",
        ),
        ("Ales Bialiatski was released from the penal colony, the Viasna centre said.", "ru", "en"),
        # Too little text to tell: the feed's declaration decides.
        ("Maria Kolesnikova", "de-AT", "de"),
        ("Maria Kolesnikova", None, None),
        ("", "pl_PL", "pl"),
        # No language at all (generated syllables): no guess, rather than a random one.
        ("Kalo Dimaranevich: bamo tiso kero vulo pemo item-7-x. Report.", None, None),
    ],
)
def test_the_text_decides_and_the_feed_only_hints(
    text: str, hint: str | None, expected: str | None
) -> None:
    assert detect(text, hint) == expected


@pytest.mark.parametrize(
    ("tag", "primary"),
    [("en-GB", "en"), ("x-klingon", None), ("12", None), ("fr_CA", "fr"), ("  ", None)],
)
def test_primary_language(tag: str, primary: str | None) -> None:
    assert primary_language(tag) == primary
