"""What a parsed document goes through before it is stored, wherever it was parsed.

The local run (ingest/incremental.py) and the cluster's actors (ingest/cluster.py) both call
these, so a document parsed on another machine is checked and chunked exactly as one parsed
here: same passages, same offsets, same ids.
"""

from __future__ import annotations

from litsynth.config import IngestSettings
from litsynth.embed import Embedder
from litsynth.ingest.chunk import chunk_document
from litsynth.records import Chunk, Document


def chunk_with(settings: IngestSettings, doc: Document, embedder: Embedder) -> list[Chunk]:
    """The document's passages as the settings size them, in the embedder's own tokens.

    One function for the local run, the re-chunk and the cluster's actors, so a passage made
    on another machine has the same offsets, text and id as one made here.
    """
    return chunk_document(
        doc,
        count_tokens=embedder.count_tokens,
        target_tokens=settings.chunk_tokens,
        overlap_tokens=settings.overlap_tokens,
        max_tokens=min(settings.max_tokens, embedder.max_tokens),
    )


def unencodable(doc: Document) -> str:
    """Why the document's text cannot be stored as UTF-8, or "" when it can."""
    fields = {
        "text": doc.text,
        "title": doc.title,
        "venue": doc.venue,
        "authors": " ".join(doc.authors),
        "pages": " ".join(p.label for p in doc.pages),
    }
    for name, value in fields.items():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            return f"the extracted {name} has unpaired surrogate code points at {exc.start}"
    return ""
