"""Codes a reviewer makes while reading: `litsynth code new` and the workspace's "New code".

Open coding names concepts as they turn up in the text, so a code must be one step away from
the passage that suggested it, not an edit of a YAML file in another window. A new code goes
to codebook/new-codes.yaml, a file litsynth owns (as relations.yaml): the reviewer's own
codebook files are never touched. Its entries may be edited by hand (a definition, a parent,
keywords): litsynth reads them back and keeps every field when it adds the next one; only
comments are not kept. The whole codebook is loaded after the write, and a code that would
break it is undone.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from litsynth.coding.codebook.load import project_codebook, rewrite_file
from litsynth.coding.codebook.model import Code, dump_codebook_fragment
from litsynth.config import Project
from litsynth.errors import CodebookError, CodingError

NEW_CODES_FILE = "new-codes.yaml"
_HEADER = (
    "# Codes made with `litsynth code new` or the workspace's New code. litsynth rewrites this\n"
    "# file when it adds one, keeping every field of the entries below (not comments): edit\n"
    "# labels, definitions and parents here, or move a code to a file of your own.\n"
)


def slug(label: str) -> str:
    """An id from a label: "Trust in the platform" → "trust-in-the-platform"."""
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:48].rstrip("-") or "code"


def new_code(
    project: Project, label: str, *, definition: str, code_id: str = ""
) -> tuple[Code, Path]:
    """Add a code to codebook/new-codes.yaml; the code as the reloaded codebook has it."""
    label, definition = " ".join(label.split()), " ".join(definition.split())
    if not label:
        raise CodingError("a new code needs a label", hint='e.g. "Trust in the platform"')
    if not definition:  # the classifier, and every other coder, read a code by it
        raise CodingError(
            f"the code {label!r} needs a definition",
            hint='one sentence will do: "Why users rely on the platform, or do not."',
        )
    folder = project.codebook_path
    if folder.exists() and not folder.is_dir():
        raise CodingError(
            f"the codebook {folder} is one file; new codes go to {NEW_CODES_FILE} in a folder",
            hint="move the file into a folder and set [coding] codebook to the folder",
        )
    book = project_codebook(project, required=False)
    taken = set() if book is None else {*book.codes, *book.categories, *book.themes}
    ident = code_id.strip() or _free(slug(label), taken)
    if ident in taken:
        raise CodingError(f"the codebook has {ident!r} already", hint="give another --id")
    path = folder / NEW_CODES_FILE
    before = path.read_text(encoding="utf-8") if path.exists() else None
    entries = _entries(path, before)
    made = Code(id=ident, label=label, definition=definition)
    entries.append(yaml.safe_load(dump_codebook_fragment(codes=[made]))["codes"][0])
    folder.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump({"codes": entries}, sort_keys=False, allow_unicode=True, width=100)
    reloaded = rewrite_file(project, path, _HEADER + text)
    assert reloaded is not None  # it holds the new code
    return reloaded.codes[ident], path


def edit_code(
    project: Project,
    code_id: str,
    *,
    label: str | None = None,
    definition: str | None = None,
    delete: bool = False,
    coded: bool = False,
) -> tuple[Code | None, Path]:
    """Rewrite a code's label or definition, or delete it, in a file litsynth wrote
    (new-codes.yaml, a draft): the reviewer's own files are theirs to edit. `coded`: people
    have coded with it, so it is not deleted. Returns the code as reloaded (None: deleted)."""
    book = project_codebook(project)
    code = book.codes.get(code_id)
    if code is None:
        raise CodingError(f"no code {code_id!r} in the codebook", hint="ids are in the Code list")
    path = project.root / code.source_file
    if not _ours(path, project):
        raise CodingError(
            f"{code_id!r} is in {code.source_file}, a codebook file of your own",
            hint="edit it there; the workspace edits only new-codes.yaml and draft*.yaml",
        )
    if delete and coded:
        raise CodingError(
            f"{code_id!r} is not deleted: people coded passages with it",
            hint="rename or redefine it instead; its codings keep its id",
        )
    before = path.read_text(encoding="utf-8")
    data = yaml.safe_load(before) or {}
    entries = data.get("codes") or []
    entry = next(e for e in entries if isinstance(e, dict) and e.get("id") == code_id)
    if delete:
        entries.remove(entry)
    if label is not None and " ".join(label.split()):
        entry["label"] = " ".join(label.split())
    if definition is not None:
        if not " ".join(definition.split()):
            raise CodingError(f"the code {code_id!r} needs a definition", hint="one sentence")
        entry["definition"] = " ".join(definition.split())
    header = "".join(line for line in before.splitlines(keepends=True) if line.startswith("#"))
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    reloaded = rewrite_file(project, path, header + text)
    return (None if delete or reloaded is None else reloaded.codes[code_id]), path


def _ours(path: Path, project: Project) -> bool:
    """new-codes.yaml or a draft in the codebook folder: files litsynth wrote."""
    folder = project.codebook_path.resolve()
    name = path.name
    return path.resolve().parent == folder and (
        name == NEW_CODES_FILE or (name.startswith("draft") and name.endswith(".yaml"))
    )


def _free(ident: str, taken: set[str]) -> str:
    if ident not in taken:
        return ident
    return next(f"{ident}-{n}" for n in range(2, 10_000) if f"{ident}-{n}" not in taken)


def _entries(path: Path, text: str | None) -> list[dict[str, Any]]:
    """The codes already in the file; it must hold nothing but `codes:`."""
    data = yaml.safe_load(text or "") or {}
    if (
        not isinstance(data, dict)
        or set(data) - {"codes"}
        or not isinstance(data.get("codes") or [], list)
    ):
        raise CodebookError(
            f"{path} holds more than a list of `codes:`; litsynth rewrites this file",
            hint="move the other entries to another codebook file",
        )
    return list(data.get("codes") or [])
