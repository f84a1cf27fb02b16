"""Codes made while reading (`litsynth code new`, the workspace's New code): written to
codebook/new-codes.yaml beside the reviewer's own files, which are never touched."""

from __future__ import annotations

import json
import shutil
import sqlite3
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


def test_a_code_litsynth_wrote_is_renamed_redefined_or_deleted(project: Path) -> None:
    """`litsynth code edit` on new-codes.yaml: label and definition rewritten, the header
    kept; a code people coded with is not deleted; a code of the reviewer's own file is
    theirs to edit."""
    shutil.copy2(REPO / "codebook" / "orchestration.yaml", project / "codebook")
    shutil.copy2(REPO / "corpus" / "000_e36bc8967a0d5917.txt", project / "corpus")
    invoke(project, "ingest")
    invoke(project, "code", "new", "Trust", "--definition", "Reliance.")
    invoke(project, "code", "new", "Control", "--definition", "Who decides.")
    said = invoke(project, "code", "edit", "trust", "--label", "Trust in partners",
                  "--definition", "Reliance on a partner's good faith.")  # fmt: skip
    assert "trust: “Trust in partners” — Reliance on a partner's good faith." in said
    path = project / "codebook" / "new-codes.yaml"
    assert path.read_text(encoding="utf-8").startswith("# Codes made with `litsynth code new`")
    book = project_codebook(open_project(project))
    assert (book.codes["trust"].label, book.codes["control"].definition) == (
        "Trust in partners", "Who decides.",
    )  # fmt: skip
    with sqlite3.connect(project / "litsynth.db") as conn:
        (chunk,) = conn.execute("SELECT id FROM chunks LIMIT 1").fetchone()
    invoke(project, "code", "add", "trust", "--chunk", chunk)
    refused = invoke(project, "code", "edit", "trust", "--delete", code=1)
    assert "'trust' is not deleted: people coded passages with it" in refused
    mine = invoke(project, "code", "edit", "platform-coordination", "--label", "X", code=1)
    assert "is in codebook/orchestration.yaml, a codebook file of your own" in mine
    assert "control: deleted from" in invoke(project, "code", "edit", "control", "--delete")
    assert set(project_codebook(open_project(project)).codes) >= {"trust"}
    assert "control" not in project_codebook(open_project(project)).codes


def test_a_second_draft_goes_beside_the_first(project: Path) -> None:
    """The workspace's Draft codes never overwrites a draft the reviewer may have edited."""
    from litsynth.coding.analysis.drafts import free_draft

    folder = project / "codebook"
    assert free_draft(open_project(project)) == folder / "draft.yaml"
    (folder / "draft.yaml").write_text("codes: []\n", encoding="utf-8")
    (folder / "draft-2.yaml").write_text("codes: []\n", encoding="utf-8")
    assert free_draft(open_project(project)) == folder / "draft-3.yaml"
