"""One error hierarchy, caught once in the CLI.

Every error a user can cause or fix is a `LitsynthError` carrying a message (what went wrong,
naming the file, line or value) and a hint (what to do about it). Anything else that escapes is
a bug and keeps its traceback.
"""

from __future__ import annotations


class LitsynthError(Exception):
    """A problem the user can understand and fix."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class ConfigError(LitsynthError):
    """litsynth.toml, environment or flags are wrong, or the folder is not a project."""


class StoreError(LitsynthError):
    """The SQLite store is missing, newer than this litsynth, or inconsistent."""


class IngestError(LitsynthError):
    """A document could not be ingested (one bad file is recorded, not raised, during a run)."""


class IndexMismatchError(LitsynthError):
    """The FAISS index was built with another model or chunker than the settings ask for."""


class IndexWriteError(LitsynthError):
    """The FAISS index could not be written (disk full, no permission); the store is intact."""


class BiblioError(LitsynthError):
    """Bibliographic import, dedupe or full-text linking failed."""


class ScreeningError(LitsynthError):
    """A screening decision or sheet is invalid."""


class PrismaError(LitsynthError):
    """The screening log does not add up to a consistent PRISMA 2020 flow."""


class CodebookError(LitsynthError):
    """A codebook file is invalid; the message names file, line and key."""


class CodingError(LitsynthError):
    """Suggesting, reviewing or evaluating codes failed."""


class SynthesisError(LitsynthError):
    """Matrices, themes, reports or exports could not be built."""
