"""SQLAlchemy stays behind the stores: only the storage modules, the database setup module
(``ingest.db``: engine, units of work, error wrapping) and the migrations import it.
Orchestrators, the daemon, the web pages and the command line reach the database through
``Store.batch`` / ``Store.read`` and catch the packages' own ``StoreError``. Imports
inside functions count: a lazy import is still an import."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

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


def _ingest_orm_names() -> set[str]:
    """Every ORM class and table object ingest's storage modules define."""
    from sqlalchemy import Table

    from ingest import heartbeat, websub_store
    from ingest.db import Base
    from ingest.storage import tables

    names = set()
    for module in (tables, heartbeat, websub_store):
        for name, value in vars(module).items():
            is_row = isinstance(value, type) and issubclass(value, Base) and value is not Base
            if is_row or isinstance(value, Table):
                names.add(name)
    return names


def _names_used(path: Path) -> set[str]:
    """Names a module imports from ingest, and attributes it reads off an ingest module
    it imported (``istore.ArticleRow``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    used: set[str] = set()
    modules = {"ingest"}  # `import ingest.storage` binds `ingest`
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ingest"):
            used.update(a.name for a in node.names)
            modules.update(a.asname or a.name for a in node.names)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in modules:
                used.add(node.attr)
    return used


def test_no_orm_row_or_table_of_ingest_is_used_by_alerts_or_newswatch() -> None:
    """Alerts joins its rows to articles by asking ingest for frozen values
    (`ingest.model.ArticleHeader`, `StoredArticle`), never by joining ingest's tables."""
    orm = _ingest_orm_names()
    assert {"ArticleRow", "FeedRow", "ARTICLES", "FEEDS"} <= orm  # the check sees them
    found = {
        f"{p.relative_to(REPO).as_posix()}: {name}"
        for package in ("alerts", "newswatch")
        for p in (REPO / package).rglob("*.py")
        if "migrations" not in p.parts
        for name in sorted(_names_used(p) & orm)
    }
    assert sorted(found) == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("from ingest.storage import ArticleRow", {"ArticleRow"}),
        (
            "from ingest import storage as istore\nistore.FeedRow.name",
            {"storage", "FeedRow", "name"},
        ),
        ("import ingest.storage\ningest.storage.ARTICLES", {"storage", "ARTICLES"}),
        ("from alerts.model import Cursor\nCursor.ARTICLES", set()),
    ],
)
def test_the_row_check_sees_imports_and_module_attributes(
    tmp_path: Path, source: str, found: set[str]
) -> None:
    module = tmp_path / "m.py"
    module.write_text(source + "\n", encoding="utf-8")
    assert _names_used(module) == found
