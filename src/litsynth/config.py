"""The one settings model: defaults < litsynth.toml < environment < command-line flags.

A review project is a folder holding `litsynth.toml`, `corpus/`, `codebook/`, `indexes/`
(generated, rebuildable) and the SQLite store `litsynth.db`. Human work (decisions, codings,
memos) lives only in the store, never only in indexes/, so deleting indexes/ loses nothing.

Environment overrides are `LITSYNTH_<SECTION>__<KEY>`, e.g. `LITSYNTH_INGEST__CHUNK_TOKENS=128`.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litsynth import atomic
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
    chunker: str = "sentences.v4"
    pdf_timeout_s: float = 60.0
    pdf_memory_mb: int = 2048
    workers: int = 0  # 0 = one per core
    passwords_file: str = ""  # one password per line, tried in order on encrypted PDFs
    # Scanned pages are read by Tesseract when it is installed (ingest/ocr.py).
    ocr: bool = True
    ocr_languages: str = "eng"  # Tesseract's names, joined by "+": "eng+deu"
    ocr_page_timeout_s: float = 60.0


EMBED_BACKENDS = ("torch", "torch-bf16", "onnx-int8")


@dataclass(frozen=True)
class EmbedSettings:
    model: str = "all-MiniLM-L6-v2"
    batch_size: int = 64
    # "torch": the model in fp32, as sentence-transformers computes it (run on ONNX Runtime
    # from the model's own export: the same vectors, no torch import; embed/models.py);
    # "torch-bf16": the same model in bfloat16 on CPUs that compute in it, several times
    # faster and within rounding of fp32; "onnx-int8": ONNX Runtime with int8 weights, fast
    # but further from fp32 (bench/bench_embed_backends.py)
    backend: str = "torch"

    @property
    def embedder(self) -> str:
        """The name the index manifest and every suggestion record: model and backend."""
        return self.model if self.backend == "torch" else f"{self.model}+{self.backend}"


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
    # Words marked while screening (green / red), as reviewers mark them in screening apps;
    # "nurs*" marks every word starting "nurs" (biblio/highlight.py)
    include_terms: tuple[str, ...] = ()
    exclude_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordsSettings:
    """Bibliographic inputs that `litsynth run` applies, so PRISMA reproduces from the files.

    Each import is "Source=path" and each screening sheet "stage:reviewer=path" (paths relative
    to the project). Re-applying an unchanged file is a no-op, so `run` can be repeated.
    """

    imports: tuple[str, ...] = ()  # e.g. "Scopus=records/scopus.ris"
    # The searches behind them (PRISMA 2020 items 6 and 7), "Source@YYYY-MM-DD=query" (the
    # query as run; it may hold "=" itself), as `litsynth import --searched --query` tells them
    searches: tuple[str, ...] = ()
    dedupe: bool = True
    automation: bool = True  # apply the [screening] year/language rules
    citation_searching: bool = False  # import included documents' reference lists
    screening: tuple[str, ...] = ()  # e.g. "title-abstract:ana=records/ta-ana.csv"
    # Settled conflicts between reviewers, same form; rows: record_id, decision, reason, note.
    resolutions: tuple[str, ...] = ()
    extraction_form: str = "extraction.yaml"  # the data-extraction form (docs/records.md)
    extraction: tuple[str, ...] = ()  # filled-in extraction sheets, "reviewer=path"
    appraisal_form: str = "appraisal.yaml"  # the critical-appraisal form (docs/records.md)
    appraisal: tuple[str, ...] = ()  # filled-in appraisal sheets, "reviewer=path"
    # An updated review's previous version (`litsynth previous`): its deposit package or a
    # reference file of its included studies; the column naming each report's study; and
    # whether the update's records that repeat one are removed before screening
    previous: str = ""
    previous_study_column: str = ""
    previous_remove_found: bool = False
    # Reports of one study grouped (`litsynth studies`): a sheet with record_id and study
    # columns, as `litsynth export records` writes them
    studies: str = ""


@dataclass(frozen=True)
class CodingSettings:
    codebook: str = "codebook"  # folder (all *.yaml / *.md cards) or one file
    min_score: float | None = None  # None = the calibrated threshold per code
    # Keyword matching on lemmas too ("reconfigured" ~ "reconfigure"); needs spaCy's tagger,
    # ~100x slower than lower-case matching alone (bench/bench_suggest_speed.py).
    lemmatize: bool = True
    # Pseudo-examples from the corpus itself top up codes with few decisions (coding/machine/
    # corpus.py): zero-shot CSAbstruct macro-F1 0.298 -> 0.401 (bench/bench_zeroshot.py).
    learn_from_corpus: bool = True


# Whose codings a synthesis counts; SynthesisSettings.source and every --source say one of these.
SOURCES = ("human", "machine", "both")


@dataclass(frozen=True)
class SynthesisSettings:
    # Whose codings the matrices, the report, `cited` and the REFI-QDA export count: "human"
    # (people's codings and the suggestions they accepted), "machine" (suggestions nobody has
    # reviewed) or "both". Unreviewed suggestions are never counted unless asked for.
    source: str = "human"
    # The review's findings with the team's GRADE-CERQual assessment (`litsynth findings`)
    findings: str = "findings.yaml"
    # The reference list's citation style in the report and the manuscript draft, as Zotero's
    # style repository names it ("apa", "chicago-author-date", a journal's) or a .csl file
    citation_style: str = "apa"


@dataclass(frozen=True)
class ClusterSettings:
    """Where ingest parses and embeds when one machine is not enough (docs/scale.md)."""

    ray_address: str = ""  # "" = this machine; "auto" or "host:6379" = a Ray cluster
    files_per_task: int = 8  # files one parse task takes: amortises its worker's start-up
    embed_actors: int = 0  # actors that parse, chunk and embed; 0 = one per CPU of the cluster


@dataclass(frozen=True)
class Settings:
    project: ProjectSettings = field(default_factory=ProjectSettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    embed: EmbedSettings = field(default_factory=EmbedSettings)
    screening: ScreeningSettings = field(default_factory=ScreeningSettings)
    records: RecordsSettings = field(default_factory=RecordsSettings)
    coding: CodingSettings = field(default_factory=CodingSettings)
    synthesis: SynthesisSettings = field(default_factory=SynthesisSettings)
    cluster: ClusterSettings = field(default_factory=ClusterSettings)


@dataclass
class Project:
    """Where a review project's files are; the root is the folder with litsynth.toml.

    Not frozen for one reader: the workspace, a long-running process every screen shares one
    Project with, takes `settings` afresh when litsynth.toml is edited while it runs
    (`server.warm.Workspace.follow_settings`); a command reads them once.
    """

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
        return self.inside(self.settings.coding.codebook, "[coding] codebook")

    @property
    def extraction_form_path(self) -> Path:
        return self.inside(self.settings.records.extraction_form, "[records] extraction_form")

    @property
    def findings_path(self) -> Path:
        return self.inside(self.settings.synthesis.findings, "[synthesis] findings")

    @property
    def appraisal_form_path(self) -> Path:
        return self.inside(self.settings.records.appraisal_form, "[records] appraisal_form")

    def inside(self, relative: str, what: str) -> Path:
        """A path from litsynth.toml: relative ones must stay in the project folder.

        A relative path is the project's own file; one that climbs out (`../`) or passes
        through a link that leaves the folder would read, and could publish, a file the project
        does not hold. A path the user wrote absolute is taken as written.
        """
        path = Path(relative)
        if path.is_absolute():
            return path
        resolved = (self.root / path).resolve()
        if not resolved.is_relative_to(self.root.resolve()):
            raise ConfigError(
                f"{what} = {relative!r} in {self.root / SETTINGS_FILE} leads outside the"
                f" project folder (to {resolved})",
                hint="move the file into the project, or write its absolute path if you mean it",
            )
        return self.root / path


# Allowed ranges, checked where every value enters (file, environment, flags), so a bad value
# is one `Error:` naming the file, key, value and range instead of a traceback deep in ingest.
# (low, high, what the number means); None = unbounded on that side.
RANGES: dict[str, tuple[float | None, float | None, str]] = {
    # all-MiniLM-L6-v2 reads 256 word-pieces including [CLS]/[SEP]: past 254 text is cut off
    "ingest.chunk_tokens": (16, 254, "word-pieces per passage"),
    "ingest.overlap_tokens": (0, 253, "word-pieces shared by neighbouring passages"),
    "ingest.max_tokens": (16, 254, "word-pieces a passage may never exceed"),
    "ingest.pdf_timeout_s": (0.1, 86_400, "seconds one PDF may take to parse"),
    "ingest.pdf_memory_mb": (256, 1_048_576, "MB of memory one PDF parse may use"),
    "ingest.workers": (0, 256, "parser processes (0 = one per core)"),
    "ingest.ocr_page_timeout_s": (1, 86_400, "seconds OCR may take on one page"),
    "embed.batch_size": (1, 4096, "passages per embedding batch"),
    "cluster.files_per_task": (1, 10_000, "files one parse task takes"),
    "cluster.embed_actors": (0, 10_000, "embedding actors (0 = one per CPU)"),
    "screening.year_min": (1000, 2999, "publication year"),
    "screening.year_max": (1000, 2999, "publication year"),
    "coding.min_score": (0.0, 1.0, "calibrated score"),
}
_OPTIONAL_NUMBERS = {
    "screening.year_min": int,
    "screening.year_max": int,
    "coding.min_score": float,
}
OCR_LANGUAGES = re.compile(r"[A-Za-z_]+(?:\+[A-Za-z_]+)*")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _bad(section: str, key: str, value: Any, origin: str, allowed: str) -> ConfigError:
    shown = json.dumps(value, ensure_ascii=False, default=str)  # as TOML spells it: true, "a"
    return ConfigError(
        f"[{section}] {key} = {shown} in {origin}: {allowed}",
        hint="fix the value, or remove the line to use the default",
    )


def _one_of(values: tuple[str, ...]) -> str:
    """ "is 'a', 'b' or 'c'": the allowed values as the error message names them."""
    quoted = [f"'{v}'" for v in values]
    return f"is {', '.join(quoted[:-1])} or {quoted[-1]}"


def _number(section: str, key: str, value: Any, kind: type, origin: str) -> int | float:
    """An int or float from TOML (typed) or the environment (text); bools are not numbers."""
    name = "a whole number" if kind is int else "a number"
    if isinstance(value, bool):
        raise _bad(section, key, value, origin, f"must be {name}, not true/false")
    if isinstance(value, str):
        try:
            value = kind(value.strip())
        except ValueError:
            raise _bad(section, key, value, origin, f"must be {name}") from None
    if kind is int and isinstance(value, float):
        if not value.is_integer():
            raise _bad(section, key, value, origin, "must be a whole number")
        value = int(value)
    if not isinstance(value, int | float):
        raise _bad(section, key, value, origin, f"must be {name}")
    low, high, what = RANGES.get(f"{section}.{key}", (None, None, ""))
    if (low is not None and value < low) or (high is not None and value > high):
        raise _bad(section, key, value, origin, f"allowed {low} to {high} ({what})")
    return kind(value)


def _coerce(section: str, key: str, default: Any, value: Any, origin: str) -> Any:
    """Fit a TOML or environment value to the type of the default, or say where it is wrong."""
    if isinstance(default, tuple):
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ConfigError(
                f"[{section}] {key} = {value!r} in {origin}: must be a list of strings",
                hint=f'write it as {key} = ["a", "b"]',
            )
        return tuple(value)
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise _bad(section, key, value, origin, "must be true or false")
    optional = _OPTIONAL_NUMBERS.get(f"{section}.{key}")
    if optional is not None:
        return None if value in ("", None) else _number(section, key, value, optional, origin)
    if isinstance(default, int | float):
        return _number(section, key, value, type(default), origin)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise _bad(section, key, value, origin, "must be a text string in quotes")
        return value
    return value


def _check_together(settings: Settings, origin: str) -> None:
    """Rules between settings: passages overlap less than their size, which fits the model."""
    i = settings.ingest
    if not OCR_LANGUAGES.fullmatch(i.ocr_languages):
        raise _bad(
            "ingest", "ocr_languages", i.ocr_languages, origin,
            "must be Tesseract's language names joined by '+', like 'eng' or 'eng+deu'",
        )  # fmt: skip
    if i.chunk_tokens > i.max_tokens:
        raise _bad(
            "ingest", "chunk_tokens", i.chunk_tokens, origin,
            f"must not exceed max_tokens ({i.max_tokens})",
        )  # fmt: skip
    if i.overlap_tokens >= i.chunk_tokens:
        raise _bad(
            "ingest", "overlap_tokens", i.overlap_tokens, origin,
            f"must be smaller than chunk_tokens ({i.chunk_tokens})",
        )  # fmt: skip
    if settings.synthesis.source not in SOURCES:
        raise _bad("synthesis", "source", settings.synthesis.source, origin, _one_of(SOURCES))
    if settings.embed.backend not in EMBED_BACKENDS:
        backend = settings.embed.backend
        raise _bad("embed", "backend", backend, origin, _one_of(EMBED_BACKENDS))
    if settings.embed.backend != "torch" and settings.embed.model.startswith("hash-"):
        what = f"applies to a real model, not the test embedder {settings.embed.model!r}"
        raise _bad("embed", "backend", settings.embed.backend, origin, what)
    s = settings.screening
    if s.year_min is not None and s.year_max is not None and s.year_min > s.year_max:
        raise _bad("screening", "year_min", s.year_min, origin, f"is after year_max ({s.year_max})")


def _merge(settings: Settings, data: dict[str, Any], origin: str) -> Settings:
    sections = {f.name: f for f in dataclasses.fields(Settings)}
    updated: dict[str, Any] = {}
    for name, values in data.items():
        if name not in sections:
            raise ConfigError(
                f"unknown section [{name}] in {origin}",
                hint=f"known sections: {', '.join(sorted(sections))}",
            )
        if not isinstance(values, dict):
            raise ConfigError(
                f"{name} = {values!r} in {origin}: {name} is a section, not a setting",
                hint=f"write it as a [{name}] table with its settings below it",
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
    _check_together(settings, str(path))
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


def cache_dir() -> Path:
    """litsynth's per-machine cache (built ONNX models, cached vectors): `LITSYNTH_CACHE`,
    else `$XDG_CACHE_HOME/litsynth`, else `~/.cache/litsynth`. Never project data."""
    base = os.environ.get("LITSYNTH_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "litsynth"
    )
    return Path(base)


def save_screening_words(
    root: Path,
    *,
    criteria: str | None = None,
    include_terms: Sequence[str] | None = None,
    exclude_terms: Sequence[str] | None = None,
) -> Settings:
    """Write `[screening]` criteria and the words to mark into litsynth.toml; None leaves one
    as it is. The rest of the file stays as the reviewer wrote it, comments and order kept
    (tomlkit edits the document in place). The new text is read back as `load_settings` reads
    it before it replaces the file, so a value that would not load is refused and the file is
    untouched."""
    import tomlkit

    path = root / SETTINGS_FILE
    doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    table = doc.get("screening")
    if table is None:
        table = tomlkit.table()
        doc["screening"] = table
    if criteria is not None:
        table["criteria"] = tomlkit.string(criteria, multiline="\n" in criteria)
    for key, words in (("include_terms", include_terms), ("exclude_terms", exclude_terms)):
        if words is not None:
            table[key] = list(words)
    text = tomlkit.dumps(doc)
    settings = _merge(Settings(), tomllib.loads(text), str(path))
    _check_together(settings, str(path))
    atomic.write_text(path, text)
    return settings
