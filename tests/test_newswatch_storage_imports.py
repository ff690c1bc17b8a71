"""SQLAlchemy stays behind the stores: only the storage modules, the database setup module
(``ingest.db``: engine, units of work, error wrapping) and the migrations import it.
Orchestrators, the daemon, the web pages and the command line reach the database through
``Store.batch`` / ``Store.read`` and catch the packages' own ``StoreError``. Imports
inside functions count: a lazy import is still an import."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# The modules that own tables or the database connection, and the schema's history.
ALLOWED = (
    "ingest/db.py",
    "ingest/storage/",
    "ingest/heartbeat.py",
    "ingest/websub_store.py",
    "alerts/storage/",
    "newswatch/migrate.py",
    "newswatch/migrations/",
)


def _imports_sqlalchemy(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        if any(n == "sqlalchemy" or n.startswith("sqlalchemy.") for n in names):
            return True
    return False


def test_only_storage_migrations_and_the_database_setup_import_sqlalchemy() -> None:
    importers = {
        p.relative_to(REPO).as_posix()
        for package in ("ingest", "alerts", "newswatch")
        for p in (REPO / package).rglob("*.py")
        if _imports_sqlalchemy(p)
    }
    outside = sorted(m for m in importers if not m.startswith(ALLOWED))
    assert outside == [], f"SQLAlchemy imported outside the storage modules: {outside}"
    # The check sees imports at all: the storage modules are found.
    assert {"ingest/db.py", "ingest/storage/tables.py"} <= importers
