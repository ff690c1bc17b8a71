"""The feedparser test corpus (`../shared/corpus/feedparser-tests`): the response headers
a file's leading comment gives (`Header: Content-Type: …` lines), as the corpus's own
harness serves them. Shared by the parse tests, the HTTP corpus test and bench/parse.py."""

from __future__ import annotations

import re

__all__ = ["corpus_headers"]

_HEADER = re.compile(rb"^\s*Header:\s*([^:\r\n]+):\s*(.*?)\s*$", re.M)
_COMMENT = re.compile(rb"\s*(?:<\?xml[^>]*>\s*)?<!--(.*?)-->", re.S)


def corpus_headers(body: bytes) -> dict[str, str]:
    m = _COMMENT.match(body)
    if not m:
        return {}
    return {
        k.decode("latin-1").strip(): v.decode("latin-1") for k, v in _HEADER.findall(m.group(1))
    }
