"""The deployment files a new user relies on are well-formed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]


def compose() -> dict[str, Any]:
    data = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_compose_runs_the_daemon_on_postgres_16_with_a_healthcheck_and_a_volume() -> None:
    services = compose()["services"]
    db = services["db"]
    assert db["image"].startswith("postgres:16")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(v.startswith("pgdata:") for v in db["volumes"])
    assert "pgdata" in compose()["volumes"]
    app = services["newswatch"]
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert app["command"] == ["newswatch", "run"]
    assert services["migrate"]["command"] == ["newswatch", "db", "upgrade"]
    # Secrets come from the environment, never written in the file.
    assert "${POSTGRES_PASSWORD" in (REPO / "docker-compose.yml").read_text()


@pytest.mark.skipif(
    shutil.which("docker") is None
    or subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0,
    reason="the docker compose CLI is not installed; the YAML structure is checked instead",
)
def test_docker_compose_config_validates() -> None:
    done = subprocess.run(
        ["docker", "compose", "config", "--quiet"],
        cwd=REPO,
        env={"POSTGRES_PASSWORD": "x", "PATH": "/usr/bin:/bin:/usr/local/bin"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_dockerfile_installs_the_package_and_runs_the_daemon() -> None:
    text = (REPO / "Dockerfile").read_text()
    assert "pip install" in text and '"newswatch", "run"' in text


def test_readme_quick_start_is_two_commands() -> None:
    text = (REPO / "README.md").read_text()
    assert "make run" in text and "make test" in text
