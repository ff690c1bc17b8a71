"""Alerts' store: the database's units of work, its failures raised as alerts' errors."""

from __future__ import annotations

from typing import ClassVar

from alerts.errors import StoreConflict, StoreError
from ingest.db import Store
from ingest.errors import StoreConflict as _IngestConflict
from ingest.errors import StoreError as _IngestStoreError


class AlertStore(Store):
    """The hit-story-outbox store: ``batch`` and ``read`` as ``ingest.db.Store``'s, a
    database failure raised as ``alerts.errors.StoreError`` (``StoreConflict``)."""

    error: ClassVar[type[_IngestStoreError]] = StoreError
    conflict: ClassVar[type[_IngestConflict]] = StoreConflict
