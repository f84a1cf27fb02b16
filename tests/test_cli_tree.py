"""One consistent command tree: --project DIR everywhere, --json wherever a result is printed.

Walks the click tree, so a new command that forgets either fails here. Also: `--help` works
for every command and group, errors come as JSON on stderr under --json, and renamed commands
still run under their old names, saying the new one.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from litsynth.cli import cli, load_all

# Commands that hold a conversation with a person (the terminal loops) or serve one (the
# workspace, whose API is its JSON): their output is prompts or a URL, not a result to parse.
INTERACTIVE = {"code review", "screen next", "serve"}


def _walk(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        full = f"{prefix}{name}"
        found.append((full, command))
        if isinstance(command, click.Group):
            found.extend(_walk(command, f"{full} "))
    return found


load_all()  # commands load lazily; walk every one
ALL = _walk(cli)
LEAVES = [(n, c) for n, c in ALL if not isinstance(c, click.Group) and not c.hidden]


def _options(command: click.Command) -> set[str]:
    return {opt for p in command.params if isinstance(p, click.Option) for opt in p.opts}


@pytest.mark.parametrize(("name", "command"), LEAVES, ids=[n for n, _ in LEAVES])
def test_every_command_takes_project(name: str, command: click.Command) -> None:
    assert "--project" in _options(command), f"`litsynth {name}` has no --project DIR"


@pytest.mark.parametrize(("name", "command"), LEAVES, ids=[n for n, _ in LEAVES])
def test_every_result_printing_command_takes_json(name: str, command: click.Command) -> None:
    if name in INTERACTIVE:
        assert "--json" not in _options(command)
        return
    assert "--json" in _options(command), f"`litsynth {name}` has no --json"


@pytest.mark.parametrize("name", [n for n, _ in ALL] + [""], ids=[n for n, _ in ALL] + ["(top)"])
def test_help_works(name: str) -> None:
    result = CliRunner().invoke(cli, [*name.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_errors_are_json_on_stderr_with_json(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["status", "--project", str(tmp_path), "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    error = json.loads(result.stderr)
    assert "is not a litsynth project" in error["error"] and "litsynth init" in error["hint"]
    plain = CliRunner().invoke(cli, ["status", "--project", str(tmp_path)])
    assert plain.stderr.startswith("Error: ")


@pytest.mark.parametrize(("old", "new"), [("themes", "code themes"), ("agree", "code agree")])
def test_renamed_commands_still_run_and_say_their_new_name(
    old: str, new: str, project: Path
) -> None:
    command = dict(ALL)[old]
    assert command.hidden, f"`litsynth {old}` should be a hidden alias"
    assert not dict(ALL)[new].hidden
    fixtures = Path(__file__).resolve().parent / "fixtures" / "agree"
    args = (
        ["agree", str(fixtures / "coder_a.csv"), str(fixtures / "coder_b.csv")]
        if old == "agree"
        else ["themes", "--project", str(project)]
    )
    result = CliRunner().invoke(cli, args)
    assert f"`litsynth {new}`" in result.stderr
    if old == "agree":  # and under --json, the output is exactly the new command's
        assert result.exit_code == 0, result.output
        old_json = CliRunner().invoke(cli, [*args, "--json"])
        new_json = CliRunner().invoke(cli, ["code", *args, "--json"])
        assert old_json.output == new_json.output and "kappa" in json.loads(old_json.output)


def test_init_takes_the_folder_as_argument_or_project(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["init", "--project", str(tmp_path / "a"), "--json"])
    assert result.exit_code == 0, result.output
    assert "litsynth.toml" in json.loads(result.stdout)["created"]
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "b")])
    assert result.exit_code == 0 and (tmp_path / "b" / "litsynth.toml").exists()


IMPORTS_AFTER = """
import sys
from litsynth.cli import main
sys.argv = ["litsynth", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print("MODULES", " ".join(sorted(sys.modules)))
"""
HEAVY = ("torch", "sentence_transformers", "transformers", "sklearn", "scipy", "pandas",
         "spacy", "openpyxl", "networkx", "ray", "pyarrow", "onnxruntime")  # fmt: skip


def _modules_after(*args: str) -> set[str]:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", IMPORTS_AFTER, *args], capture_output=True, text=True, timeout=120
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("MODULES "))
    return set(line.split()[1:])


def test_help_and_version_load_no_heavy_library() -> None:
    """Start-up: `--help` and `--version` import none of the model or analysis libraries."""
    for args in (["--help"], ["--version"]):
        loaded = _modules_after(*args)
        heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY)
        assert not heavy, (args, heavy[:10])
    version = _modules_after("--version")
    assert not any(m.startswith("litsynth.cli.") and m != "litsynth.cli.common" for m in version)
    assert not any(m.startswith(("litsynth.coding", "litsynth.ingest")) for m in version)


def test_ingest_help_and_status_never_load_ray(tmp_path: Path) -> None:
    """Ray is an optional extra: the default path never imports it, installed or not."""
    for args in (["ingest", "--help"], ["status", "--project", str(tmp_path)]):
        loaded = _modules_after(*args)
        assert not any(m.split(".")[0] in {"ray", "pyarrow"} for m in loaded), args


def test_the_lazy_command_table_matches_the_modules() -> None:
    """`litsynth X` loads only HOME[X]'s modules: each command must live in one of them."""
    import importlib

    from litsynth.cli import HOME

    assert set(cli.commands) == set(HOME)
    modules = sorted({m for ms in HOME.values() for m in ms})
    import pkgutil

    import litsynth.cli as package

    defining = {
        m.name
        for m in pkgutil.iter_modules(package.__path__)
        if hasattr(importlib.import_module(f"litsynth.cli.{m.name}"), "commands")
    }
    assert defining == set(modules), defining ^ set(modules)  # no module left out of HOME
    for name in modules:
        for command in importlib.import_module(f"litsynth.cli.{name}").commands:
            assert name in HOME[command.name or ""], (name, command.name)
    for group in ("code", "screen", "export"):
        command = cli.commands[group]
        assert isinstance(command, click.Group)
        for sub in command.commands.values():
            assert sub.callback is not None
            home = sub.callback.__module__.rsplit(".", 1)[-1]
            assert home in HOME[group], (group, sub.name, home)
