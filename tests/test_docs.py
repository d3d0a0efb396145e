"""Docs generated from code stay true."""

from __future__ import annotations

from conftest import ROOT
from threadpress.cli import main
from threadpress.cli.docs import cli_reference


def test_cli_reference_is_current():
    on_disk = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert on_disk == cli_reference(), "docs/cli.md is stale: run `python -m threadpress.cli.docs`"


def test_every_command_and_option_is_documented():
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name, cmd in main.commands.items():
        assert f"## threadpress {name}\n" in text
        for param in cmd.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("-"):
                    assert opt in text, (name, opt)
        assert "Example:" in (cmd.help or ""), f"{name} has no example in its help"


def test_readme_quickstart_is_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quickstart", 1)[1].split("```", 2)[1]
    commands = [l for l in block.splitlines()[1:] if l.strip() and not l.lstrip().startswith("#")]
    assert len(commands) == 2
    assert "digest" in commands[0] and "examples/" in commands[0]
    assert "pytest" in commands[1]
