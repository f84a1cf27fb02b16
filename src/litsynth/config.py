"""The one settings model: defaults < litsynth.toml < environment < command-line flags.

A review project is a folder holding `litsynth.toml`, `corpus/`, `codebook/`, `indexes/`
(generated, rebuildable) and the SQLite store `litsynth.db`. Human work (decisions, codings,
memos) lives only in the store, never only in indexes/, so deleting indexes/ loses nothing.

Environment overrides are `LITSYNTH_<SECTION>__<KEY>`, e.g. `LITSYNTH_INGEST__CHUNK_TOKENS=128`.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litsynth.errors import ConfigError

SETTINGS_FILE = "litsynth.toml"
STORE_FILE = "litsynth.db"


@dataclass(frozen=True)
class ProjectSettings:
    name: str = "review"
    reviewer: str = "reviewer"  # default name recorded on human decisions


@dataclass(frozen=True)
class IngestSettings:
    # Sized in the embedding model's own word-pieces: all-MiniLM-L6-v2 reads 256 including
    # [CLS]/[SEP] and silently truncates the rest, so chunks aim at 200 and never pass 254.
    chunk_tokens: int = 200
    overlap_tokens: int = 40
    max_tokens: int = 254
    chunker: str = "sentences.v1"
    pdf_timeout_s: float = 60.0
    pdf_memory_mb: int = 2048
    workers: int = 0  # 0 = one per core
    passwords_file: str = ""  # one password per line, tried in order on encrypted PDFs


@dataclass(frozen=True)
class EmbedSettings:
    model: str = "all-MiniLM-L6-v2"
    batch_size: int = 64


@dataclass(frozen=True)
class ScreeningSettings:
    reasons: tuple[str, ...] = (
        "wrong population",
        "wrong intervention",
        "wrong outcome",
        "wrong study design",
        "not peer-reviewed",
        "full text not available",
    )
    year_min: int | None = None
    year_max: int | None = None
    languages: tuple[str, ...] = ()  # empty = no language rule
    criteria: str = ""  # inclusion criteria text; seeds the prioritiser before any decision


@dataclass(frozen=True)
class RecordsSettings:
    """Bibliographic inputs that `litsynth run` applies, so PRISMA reproduces from the files.

    Each import is "Source=path" and each screening sheet "stage:reviewer=path" (paths relative
    to the project). Re-applying an unchanged file is a no-op, so `run` can be repeated.
    """

    imports: tuple[str, ...] = ()  # e.g. "Scopus=records/scopus.ris"
    dedupe: bool = True
    automation: bool = True  # apply the [screening] year/language rules
    citation_searching: bool = False  # import included documents' reference lists
    screening: tuple[str, ...] = ()  # e.g. "title-abstract:ana=records/ta-ana.csv"
    # Settled conflicts between reviewers, same form; rows: record_id, decision, reason, note.
    resolutions: tuple[str, ...] = ()


@dataclass(frozen=True)
class CodingSettings:
    codebook: str = "codebook"  # folder (all *.yaml / *.md cards) or one file
    min_score: float | None = None  # None = the calibrated threshold per code
    # Keyword matching on lemmas too ("reconfigured" ~ "reconfigure"); needs spaCy's tagger,
    # ~100x slower than lower-case matching alone (bench/bench_suggest_speed.py).
    lemmatize: bool = True


@dataclass(frozen=True)
class Settings:
    project: ProjectSettings = field(default_factory=ProjectSettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    embed: EmbedSettings = field(default_factory=EmbedSettings)
    screening: ScreeningSettings = field(default_factory=ScreeningSettings)
    records: RecordsSettings = field(default_factory=RecordsSettings)
    coding: CodingSettings = field(default_factory=CodingSettings)


@dataclass(frozen=True)
class Project:
    """Where a review project's files are; the root is the folder with litsynth.toml."""

    root: Path
    settings: Settings

    @property
    def corpus_dir(self) -> Path:
        return self.root / "corpus"

    @property
    def codebook_dir(self) -> Path:
        return self.root / "codebook"

    @property
    def index_dir(self) -> Path:
        return self.root / "indexes"

    @property
    def store_path(self) -> Path:
        return self.root / STORE_FILE

    @property
    def codebook_path(self) -> Path:
        return self.root / self.settings.coding.codebook


def _coerce(section: str, key: str, default: Any, value: Any, origin: str) -> Any:
    """Fit a TOML or environment value to the type of the default, or say where it is wrong."""
    if isinstance(default, tuple):
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list | tuple):
            raise ConfigError(
                f"[{section}] {key} in {origin} must be a list, got {value!r}",
                hint=f'write it as {key} = ["a", "b"]',
            )
        return tuple(value)
    if isinstance(default, bool):
        if isinstance(value, str):
            return value.strip().lower() in {"1", "true", "yes", "on"}
        return bool(value)
    try:
        if isinstance(default, int) or (default is None and key.startswith("year")):
            return None if value in ("", None) else int(value)
        if isinstance(default, float) or (default is None and key == "min_score"):
            return None if value in ("", None) else float(value)
    except (TypeError, ValueError):
        raise ConfigError(
            f"[{section}] {key} in {origin} must be a number, got {value!r}",
            hint="fix the value or remove the line to use the default",
        ) from None
    return str(value) if isinstance(default, str) else value


def _merge(settings: Settings, data: dict[str, Any], origin: str) -> Settings:
    sections = {f.name: f for f in dataclasses.fields(Settings)}
    updated: dict[str, Any] = {}
    for name, values in data.items():
        if name not in sections:
            raise ConfigError(
                f"unknown section [{name}] in {origin}",
                hint=f"known sections: {', '.join(sorted(sections))}",
            )
        current = getattr(settings, name)
        known = {f.name: getattr(current, f.name) for f in dataclasses.fields(current)}
        changes = {}
        for key, value in values.items():
            if key not in known:
                raise ConfigError(
                    f"unknown setting {key!r} in [{name}] of {origin}",
                    hint=f"known settings of [{name}]: {', '.join(sorted(known))}",
                )
            changes[key] = _coerce(name, key, known[key], value, origin)
        updated[name] = dataclasses.replace(current, **changes)
    return dataclasses.replace(settings, **updated)


def _env_overrides(environ: dict[str, str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for key, value in environ.items():
        if key.startswith("LITSYNTH_") and "__" in key:
            section, _, name = key[len("LITSYNTH_") :].partition("__")
            out.setdefault(section.lower(), {})[name.lower()] = value
    return out


def load_settings(
    root: Path,
    overrides: dict[str, dict[str, Any]] | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Settings for the project at `root`: defaults < litsynth.toml < environment < overrides."""
    settings = Settings()
    path = root / SETTINGS_FILE
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(
                f"{path} is not valid TOML: {exc}", hint="fix the line named"
            ) from None
        settings = _merge(settings, data, str(path))
    env = _env_overrides(dict(os.environ) if environ is None else environ)
    if env:
        settings = _merge(settings, env, "the environment")
    if overrides:
        settings = _merge(settings, overrides, "command-line flags")
    return settings


def open_project(
    root: Path | str = ".", overrides: dict[str, dict[str, Any]] | None = None
) -> Project:
    """The project at `root`; a folder without litsynth.toml is not a project."""
    root = Path(root).resolve()
    if not (root / SETTINGS_FILE).exists():
        raise ConfigError(
            f"{root} is not a litsynth project (no {SETTINGS_FILE})",
            hint=f"run `litsynth init {root}` or pass --project DIR",
        )
    return Project(root=root, settings=load_settings(root, overrides))
