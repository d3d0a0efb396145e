from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLE = ROOT / "examples" / "moa"
SHARED = ROOT.parent / "shared"
#: The reference newsletter post (a copy of ../shared/examples/000_5e3c207635e56b74.txt; see its README).
REFERENCE_POST = FIXTURES / "reference" / "reference-post.txt"

sys.path.insert(0, str(ROOT / "tests"))


@pytest.fixture
def server():
    """A real scriptable HTTP server on 127.0.0.1 (tests/httpserver.py)."""
    from httpserver import ScriptedServer

    with ScriptedServer() as s:
        yield s


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    """A fresh archive path for each test; THREADPRESS_DB points at it too."""
    path = tmp_path / "archive.db"
    monkeypatch.setenv("THREADPRESS_DB", str(path))
    return path


@pytest.fixture
def cli(db, tmp_path, monkeypatch):
    """Run the CLI in-process: cli("parse", "x.html") -> click Result (stdout, stderr, exit_code)."""
    from threadpress.cli import main

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the HTTP cache of URL sources
    runner = CliRunner()

    def run(*args: str, input: bytes | str | None = None):
        return runner.invoke(main, ["--db", str(db), *args], input=input, catch_exceptions=False)

    return run
