"""The README documents every command, option and setting (a setting nobody can find does not exist)."""

from __future__ import annotations

import argparse
import re

from essa_dash.cli import parser
from essa_dash.paths import PROJECT_DIR

README = (PROJECT_DIR / "README.md").read_text()


def subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_readme_opens_with_the_two_commands() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    assert first_block.splitlines()[:2] == [
        "./dev serve     # sets up .venv, builds the data if missing, serves the dashboard on http://127.0.0.1:8050",
        "./dev test      # sets up everything the tests need (Debian's chromium included) and runs the whole suite",
    ]


def test_every_command_and_option_is_in_the_readme() -> None:
    for name, sub in subcommands().items():
        assert f"essa-dash {name}" in README, name
        for action in sub._actions:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    assert option in README, f"{name} {option}"


def test_every_environment_setting_is_in_the_readme() -> None:
    package = "\n".join(p.read_text() for p in (PROJECT_DIR / "essa_dash").rglob("*.py"))
    for name in set(re.findall(r"environ(?:\.get)?\(\s*\"(ESSA_[A-Z_]+)\"", package)) | set(re.findall(r"\"(ESSA_[A-Z_]+)\"", package)):
        assert name in README, name


def test_every_limit_is_in_the_settings_table_with_its_default() -> None:
    from essa_dash.settings import SETTINGS

    rows = {line.split("|")[1].strip(): line for line in README.splitlines() if line.startswith("| `")}
    for setting in SETTINGS:
        row = next((line for name, line in rows.items() if f"`{setting.env}`" in name), None)
        assert row is not None, setting.env
        if setting.default != "":
            default = f"{setting.default:g}" if isinstance(setting.default, float) else str(setting.default)
            assert f"`{default}`" in row, f"{setting.env}: default {default} not in {row}"
