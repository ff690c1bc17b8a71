"""The container deployment: a HEALTHCHECK through `newswatch healthcheck`, a named
volume for SQLite's data, an optional env_file, a database password that cannot break
the URL, and a build context without secrets."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parents[1]
SPECIAL = "p@ss:w/rd#%?&= ü"


def compose() -> dict[str, Any]:
    data = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def dockerfile() -> str:
    return (REPO / "Dockerfile").read_text(encoding="utf-8")


def test_the_image_checks_its_health_with_its_own_client() -> None:
    text = dockerfile()
    assert re.search(r'HEALTHCHECK .*\\\n\s+CMD \["newswatch", "healthcheck"\]', text)
    assert "NEWSWATCH_WEB_LISTEN=127.0.0.1:8080" in text  # loopback: no token needed


def test_sqlite_data_lives_in_a_volume_the_user_can_write() -> None:
    text = dockerfile()
    assert text.index("USER newswatch") < text.index("WORKDIR /data") < text.index("VOLUME /data")
    assert "chown newswatch:newswatch /data" in text
    app = compose()["services"]["newswatch"]
    assert "newswatch-data:/data" in app["volumes"]
    assert "newswatch-data" in compose()["volumes"]


@pytest.mark.parametrize("service", ["newswatch", "migrate"])
def test_services_take_an_optional_env_file_and_keep_the_password_out_of_the_url(
    service: str,
) -> None:
    s = compose()["services"][service]
    assert {"path": ".env", "required": False} in s["env_file"]
    url = s["environment"]["NEWSWATCH_DATABASE_URL"]
    assert make_url(url).password is None
    assert s["environment"]["PGPASSWORD"].startswith("${POSTGRES_PASSWORD")


@pytest.mark.parametrize("password", [SPECIAL, "a%40b", "n@me"])
def test_a_password_spliced_into_the_url_breaks_it(password: str) -> None:
    # Why the password travels apart: "@", ":" and "%" mean something in a URL.
    try:
        url = make_url(f"postgresql+psycopg://newswatch:{password}@db:5432/newswatch")
    except ValueError:
        return
    assert (url.host, url.password, url.database) != ("db", password, "newswatch")


@pytest.mark.parametrize("entry", [".env", ".venv", ".git", "*.db", "config.toml"])
def test_the_build_context_leaves_out_secrets_and_local_state(entry: str) -> None:
    lines = (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert entry in lines


def test_the_compose_url_with_pgpassword_reaches_postgresql(db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    assert make_url(db_url).password is None  # the local server trusts loopback
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "newswatch.cli", "--config", str(config), "db", "upgrade"],
        cwd=REPO,
        env={
            **os.environ,
            "PYTHONPATH": str(REPO),
            "NEWSWATCH_DATABASE_URL": db_url,
            "PGPASSWORD": SPECIAL,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
