"""Codes made while reading (`litsynth code new`, the workspace's New code): written to
codebook/new-codes.yaml beside the reviewer's own files, which are never touched."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml
from click.testing import CliRunner

from conftest import REPO
from litsynth.cli import cli
from litsynth.coding.codebook.load import project_codebook
from litsynth.config import open_project


def invoke(root: Path, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, [*args, "--project", str(root)])
    assert result.exit_code == code, result.output
    return result.output


def test_a_new_code_sits_beside_the_reviewers_codebook(project: Path) -> None:
    own = project / "codebook" / "orchestration.yaml"
    shutil.copy2(REPO / "codebook" / "orchestration.yaml", own)
    before = own.read_bytes()
    said = invoke(project, "code", "new", "Trust in the platform", "--definition",
                  "Why partners rely on the orchestrator's platform, or do not.")  # fmt: skip
    assert "trust-in-the-platform: “Trust in the platform” added to" in said
    book = project_codebook(open_project(project))
    assert book.codes["trust-in-the-platform"].definition.startswith("Why partners rely")
    assert "platform-coordination" in book.codes  # the reviewer's codes load beside it
    assert own.read_bytes() == before
    # the same label again gets its own id; an id the codebook has is refused
    made = json.loads(invoke(project, "code", "new", "Trust in the platform", "--definition",
                             "A second sense of trust.", "--json"))  # fmt: skip
    assert made["id"] == "trust-in-the-platform-2"
    clash = invoke(project, "code", "new", "Platforms", "--definition", "d", "--id",
                   "platform-coordination", code=1)  # fmt: skip
    assert "the codebook has 'platform-coordination' already" in clash


def test_edits_made_by_hand_in_the_file_are_kept_when_a_code_is_added(project: Path) -> None:
    invoke(project, "code", "new", "Trust", "--definition", "Reliance on a partner.")
    path = project / "codebook" / "new-codes.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["codes"][0]["keywords"] = ["trust", "reliance"]
    data["codes"][0]["definition"] = "Reliance on a partner's good faith."
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    invoke(project, "code", "new", "Control", "--definition", "Who decides what partners do.")
    codes = yaml.safe_load(path.read_text(encoding="utf-8"))["codes"]
    assert [c["id"] for c in codes] == ["trust", "control"]
    assert codes[0]["keywords"] == ["trust", "reliance"]
    assert codes[0]["definition"] == "Reliance on a partner's good faith."


def test_a_code_needs_a_label_and_a_definition_and_the_file_only_codes(project: Path) -> None:
    assert "needs a definition" in invoke(project, "code", "new", "Trust", "--definition", " ",
                                          code=1)  # fmt: skip
    assert "needs a label" in invoke(project, "code", "new", "  ", "--definition", "d", code=1)
    assert not (project / "codebook" / "new-codes.yaml").exists()
    (project / "codebook" / "new-codes.yaml").write_text("themes: []\n", encoding="utf-8")
    said = invoke(project, "code", "new", "Trust", "--definition", "Reliance.", code=1)
    assert "holds more than a list of `codes:`; litsynth rewrites this file" in said
