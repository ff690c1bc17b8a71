"""The ingest package's exception root and its resource-carrying subclasses."""


class IngestError(Exception):
    """Root of every error raised by the ingest package."""


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


class StoreError(IngestError):
    """The database failed a unit of work: unreachable, locked, full, or a statement it
    refused. ``reason`` is the driver's own first line (no SQL echo, no URL)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class StoreConflict(StoreError):
    """A write collided with a row another writer stored first (a unique key): the unit
    of work was rolled back whole, and running it again sees the other's row."""


def db_reason(e: BaseException) -> str:
    """What a database failure says: a store error's reason, else the driver's own first
    line without SQLAlchemy's SQL echo and background link."""
    if isinstance(e, StoreError):
        return e.reason
    lines = str(getattr(e, "orig", None) or e).strip().splitlines()
    return lines[0] if lines else type(e).__name__
