"""The alerts package's exception root and its resource-carrying subclasses."""

from ingest.errors import StoreConflict as _IngestConflict
from ingest.errors import StoreError as _IngestStoreError


class AlertsError(Exception):
    """Root of every error raised by the alerts package."""


class NotifyError(AlertsError):
    """A notification target refused or could not be reached."""

    def __init__(self, target: str, reason: str) -> None:
        super().__init__(f"{target}: {reason}")
        self.target = target
        self.reason = reason


class TemplateError(AlertsError):
    """A user template does not compile or render."""


class SendTimeout(NotifyError):
    """The target did not answer in time: the message may or may not have arrived."""


class StoreError(AlertsError, _IngestStoreError):
    """The database failed one of alerts' units of work (``AlertStore``). Also an
    ingest store error: a caller that runs both packages' work catches one class."""


class StoreConflict(StoreError, _IngestConflict):
    """One of alerts' writes collided with another writer's row (a unique key)."""
