"""The ingest package's exception root and its resource-carrying subclasses."""


class IngestError(Exception):
    """Root of every error raised by the ingest package."""


class FetchError(IngestError):
    """A feed could not be fetched; carries the URL and a short reason."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class ParseError(IngestError):
    """A response body is not a feed we can read."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class NotAFeed(ParseError):
    """The body is a web page, not a feed; `feed_links` are the feeds it advertises."""

    def __init__(self, url: str, reason: str, feed_links: tuple[str, ...] = ()) -> None:
        super().__init__(url, reason)
        self.feed_links = feed_links
