"""`litsynth init DIR`: scaffold an empty review project.

The settings file is generated from the settings model's own defaults, every line commented
out, so it documents every knob without pinning any: a project that never edits it follows
whatever the defaults become.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litsynth.config import SETTINGS_FILE, STORE_FILE, Settings
from litsynth.errors import ConfigError
from litsynth.ingest.sidecar import SIDECAR_FILE

INDEXES_README = """\
# indexes/ — generated, rebuildable

This folder holds the FAISS index of passage vectors (`chunks.faiss`) and its `manifest.json`
(model, dimension, chunker, chunk count, a digest of the chunk ids). Everything here is
derived from the store (`litsynth.db`): delete the folder and run `litsynth ingest` (or
`litsynth search`) and it is rebuilt without losing anything. Human work never lives here.
"""

GITIGNORE = """\
# generated, rebuildable
indexes/*
!indexes/README.md
.litsynth-write.lock
# copies of litsynth.db (`litsynth backup`): keep them off the machine, not in git
backups/
"""

SIDECAR_HEADER = "file,title,authors,year,venue,doi,source_type,industry\n"


@dataclass(frozen=True)
class InitResult:
    root: Path
    created: tuple[str, ...]  # project-relative paths, in creation order


def settings_template(name: str) -> str:
    """litsynth.toml text: the project name set, every other default shown commented out."""
    lines = [
        "# litsynth review project settings. Every commented line shows the default;",
        "# uncomment and edit to change it.",
        "# Precedence: defaults < this file < LITSYNTH_<SECTION>__<KEY> env < command-line flags.",
    ]
    defaults = Settings()
    for section in dataclasses.fields(defaults):
        values = getattr(defaults, section.name)
        lines += ["", f"[{section.name}]"]
        for f in dataclasses.fields(values):
            value = getattr(values, f.name)
            if section.name == "project" and f.name == "name":
                lines.append(f"name = {json.dumps(name, ensure_ascii=False)}")
            elif value is None:
                # Unset by default: a valid example behind "##", so uncommenting the defaults
                # ("# ") keeps it unset, and uncommenting it too gives valid TOML.
                example = _UNSET_EXAMPLES.get(f.name, "0")
                lines.append(f"## {f.name} = {example}  # not set by default; an example")
            else:
                lines.append(f"# {f.name} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


_UNSET_EXAMPLES = {"year_min": "2000", "year_max": "2024", "min_score": "0.5"}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string


def init_project(root: Path | str) -> InitResult:
    """Create corpus/, codebook/, indexes/ and litsynth.toml in `root`; never overwrite."""
    root = Path(root).resolve()
    if (root / SETTINGS_FILE).exists():
        raise ConfigError(
            f"{root} is already a litsynth project ({SETTINGS_FILE} exists)",
            hint="pick a new folder, or work in this one with --project " + str(root),
        )
    if root.exists() and not root.is_dir():
        raise ConfigError(f"{root} exists and is not a folder", hint="pick a folder path")
    if (root / STORE_FILE).exists():
        raise ConfigError(
            f"{root} holds a store ({STORE_FILE}) but no {SETTINGS_FILE}",
            hint=f"restore {SETTINGS_FILE} instead of re-initialising, or pick a new folder",
        )
    created: list[str] = []
    files = {
        SETTINGS_FILE: settings_template(root.name),
        f"corpus/{SIDECAR_FILE}": SIDECAR_HEADER,
        "indexes/README.md": INDEXES_README,
        ".gitignore": GITIGNORE,
    }
    for folder in ("", "corpus", "codebook", "indexes"):
        path = root / folder
        if not path.exists():
            path.mkdir(parents=True)
            if folder:
                created.append(folder + "/")
    for relative, text in files.items():
        path = root / relative
        if not path.exists():
            path.write_text(text, encoding="utf-8")
            created.append(relative)
    return InitResult(root=root, created=tuple(created))
