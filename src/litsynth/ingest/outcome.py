"""What one ingest run did: the counts and failures `litsynth ingest` prints and its --json gives.

Kept apart from the run itself (incremental.py) so the report's contract reads on its own.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from litsynth.ingest.failures import failure_hint
from litsynth.records import Failure
from litsynth.store import documents as store
from litsynth.words import count


@dataclass
class IngestReport:
    """What one `litsynth ingest` run did; `to_json` is the --json contract."""

    documents_seen: int = 0
    documents_ingested: int = 0
    documents_skipped_unchanged: int = 0
    documents_skipped_failed: int = 0
    documents_replaced: int = 0
    documents_rechunked: int = 0
    documents_same_text: int = 0  # of those ingested: joined a stored document of the same text
    chunks_added: int = 0
    chunks_removed: int = 0
    metadata_updated: int = 0
    roles_updated: int = 0  # documents whose passages got roles from the stored text
    paragraphs_renumbered: int = 0  # documents whose passages' ¶ numbers a newer count changed
    printed_pages_found: int = 0  # stored PDFs now cited by their printed pages (reprint.py)
    failures: list[dict[str, Any]] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    would_prune: list[str] = field(default_factory=list)
    kept_with_human_work: list[str] = field(default_factory=list)
    carried: list[dict[str, Any]] = field(default_factory=list)  # versions.Outcome.to_json()
    # of kept_with_human_work: stored documents a read again would improve (a scan OCR can
    # read now, an older reader's), left as they were for their codings: `ingest --reread`
    not_reread: list[str] = field(default_factory=list)
    documents_reread_same: int = 0  # --reread: the same text as stored, so left as it was
    index_repaired: dict[str, int] = field(default_factory=lambda: {"added": 0, "removed": 0})
    index_chunks: int = 0
    vectors_reused: int = 0  # a rebuild's passages whose text, and so vector, did not change
    # PDFs read in this run that hold marks made in a PDF reader: (path, how many)
    marked: list[tuple[str, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    run_id: int = 0
    seconds: float = 0.0

    def failures_by_reason(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for f in self.failures:
            out[f["reason"]] = out.get(f["reason"], 0) + 1
        return dict(sorted(out.items()))

    def summary(self) -> str:
        """One line: what was ingested, skipped and failed (by reason)."""
        failed = self.failures_by_reason()
        return (
            f"{self.documents_ingested} ingested"
            + (
                f" ({self.documents_same_text} the same text as another file)"
                if self.documents_same_text
                else ""
            )
            + f", {self.documents_skipped_unchanged} unchanged, "
            f"{count(self.chunks_added, 'passage')} added, {len(self.failures)} failed"
            + (f" ({', '.join(f'{k}: {v}' for k, v in failed.items())})" if failed else "")
        )

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["failures_by_reason"] = self.failures_by_reason()
        return data


def failure_json(failure: Failure | store.FailureState, *, cached: bool = False) -> dict[str, Any]:
    """A failure as the report lists it, with what its reason means."""
    return {
        "path": failure.path,
        "reason": failure.reason,
        "detail": failure.detail,
        "explanation": failure_hint(failure.reason, [failure.detail]),
        "cached": cached,
    }
