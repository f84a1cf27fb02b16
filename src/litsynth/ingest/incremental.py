"""The imperative shell of ingest: files → parse (workers) → chunk → embed → store + index.

Crash safety comes from the order of effects. Each document is committed in one transaction
(document, pages, chunks, file mapping, cleared failure, replaced predecessor), so a kill -9
leaves every document either wholly in the store or absent. The FAISS index is derived data:
it is saved now and then and at the end, and every run starts by reconciling it with the
store (vectors for chunks it lacks are re-embedded from the stored text; vectors of chunks
the store no longer has are removed). Chunk rowids are never reused, so id sets are enough
to reconcile and there can be no duplicate or orphan vectors.

Throughput: chunks are embedded across documents in large batches (the model sorts a batch
by length itself), because embedding a 3-chunk document on its own leaves most of every
64-text batch empty.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, cast

from tqdm import tqdm

from litsynth.config import Project
from litsynth.embed import Embedder
from litsynth.embed.index import (
    ChunkIndex,
    ids_digest,
)
from litsynth.embed.passage_map import MAP_FILE
from litsynth.errors import ConfigError
from litsynth.ingest import parse_many, versions
from litsynth.ingest.files import FileEntry, file_hash, walk
from litsynth.ingest.indexing import (
    LazyEmbedder,
    chunker_spec,
    embed_in_parts,
    open_index,
    reconcile,
    restore_vectors,
    save_index,
    saved_vectors,
)
from litsynth.ingest.ocr import settings_for as ocr_settings_for
from litsynth.ingest.outcome import IngestReport, failure_json
from litsynth.ingest.paragraphs import renumber_paragraphs, store_numbered
from litsynth.ingest.prepare import chunk_with, unencodable
from litsynth.ingest.reprint import label_stored_pdfs, reread_bylines
from litsynth.ingest.retry import limit_raised, outdated_readings, rereadable_scans, timeout_limit
from litsynth.ingest.roles import assign_roles, store_roles
from litsynth.ingest.sidecar import (
    SIDECAR_FILE,
    Metadata,
    Sidecar,
    apply_metadata,
    file_meta,
    read_sidecar,
    sidecar_fields,
)
from litsynth.progress import tell
from litsynth.provenance import library_versions
from litsynth.records import Chunk, Document, Failure
from litsynth.store import documents as store
from litsynth.store import runs
from litsynth.store.carry import HeldLink, old_versions, read_by, relink, stored_text
from litsynth.store.carry import links as held_links
from litsynth.store.db import opened, transaction
from litsynth.store.lock import writer_lock

SAVE_EVERY_S = 30.0  # an index save costs ~0.1 s per 10k chunks; a crash loses ≤ 30 s of vectors


# ------------------------------------------------------------------------------ ingest


@dataclass
class _Pending:
    """Parsed and chunked documents waiting for one shared embedding call."""

    items: list[tuple[FileEntry, Document, list[Chunk]]] = field(default_factory=list)
    n_chunks: int = 0


class _Run:
    """State of one ingest run; methods are the steps, each committing what it finishes."""

    def __init__(
        self,
        project: Project,
        conn: sqlite3.Connection,
        embedder: Embedder,
        index: ChunkIndex,
        report: IngestReport,
        saved_digest: str | None = None,
    ) -> None:
        self.project = project
        self.conn = conn
        self.embedder = embedder
        self.index = index
        self.report = report
        self.spec = chunker_spec(project)
        self.sidecar: Sidecar = read_sidecar(project.corpus_dir / SIDECAR_FILE)
        report.warnings.extend(self.sidecar.warnings)
        self.pending = _Pending()
        # Flush at 8 model batches (512 texts by default): full batches, bounded memory.
        self.flush_at = max(1, 8 * project.settings.embed.batch_size)
        self.last_save = time.monotonic()
        self.saved_digest = saved_digest  # ids digest of the index on disk, if trusted
        # document id -> (what the file said, what documents.csv says) until it is committed
        self.origins: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        self.relabelled: set[str] = set()  # documents whose citation facts changed this run
        self.carry = False  # --carry: codings follow a replaced file to its new version
        self.in_place: set[str] = set()  # --reread: documents read again over their old reading
        self.relinks: dict[str, tuple[HeldLink, ...]] = {}  # links of readings dropped to reread
        self.say: Callable[[str], object] = lambda _said: None  # the progress bar's note

    def metadata_for(self, key: str) -> Metadata | None:
        try:
            rel = (self.project.root / key).resolve().relative_to(self.project.corpus_dir)
        except ValueError:
            rel = Path(key)
        return self.sidecar.lookup(rel.as_posix())

    def prepare(self, entry: FileEntry, doc: Document, doc_id: str) -> Document | None:
        """The parsed document under its id and store key, with documents.csv laid over it;
        None (and a recorded failure) when its text cannot be stored."""
        doc = dataclasses.replace(doc, id=doc_id, path=entry.key)
        bad = unencodable(doc)
        if bad:
            # SQLite and spaCy both need valid UTF-8; lone surrogates come from broken fonts.
            self.fail(entry, Failure(entry.key, "garbage-text", bad), doc_id)
            return None
        meta = self.metadata_for(entry.key)
        self.origins[doc.id] = (file_meta(doc), sidecar_fields(meta))
        return apply_metadata(doc, meta)

    def add_document(self, entry: FileEntry, doc: Document, doc_id: str) -> None:
        prepared = self.prepare(entry, doc, doc_id)
        if prepared is None:
            return
        doc = prepared
        if doc.id in self.in_place and stored_text(self.conn, doc.id) == doc.text:
            self.report.documents_reread_same += 1  # --reread: nothing to replace or embed
            said, _ = self.origins.pop(doc.id, ({}, {}))
            with transaction(self.conn):
                read_by(self.conn, doc.id, said.get("text_read_by"))
            return
        self.say(f"{entry.path.name[-30:]}: cutting {len(doc.pages):,} pages into passages")
        chunks = chunk_with(self.project.settings.ingest, doc, self.embedder)
        self.pending.items.append((entry, doc, chunks))
        self.pending.n_chunks += len(chunks)
        if self.pending.n_chunks >= self.flush_at:
            self.flush()

    def flush(self) -> None:
        """Embed every pending chunk in one call, then commit document by document."""
        items, self.pending = self.pending.items, _Pending()
        if not items:
            return
        texts = [c.text for _, _, chunks in items for c in chunks]
        name = items[0][0].path.name[-30:] if len(items) == 1 else f"{len(items)} files"
        vectors = embed_in_parts(self.embedder, texts, self.flush_at, self.say, name)
        offset = 0
        for entry, doc, chunks in items:
            part = vectors[offset : offset + len(chunks)]
            offset += len(chunks)
            self.commit(entry, doc, chunks, part)
        if time.monotonic() - self.last_save > SAVE_EVERY_S:
            self.save()

    def commit(self, entry: FileEntry, doc: Document, chunks: list[Chunk], vectors: Any) -> None:
        if doc.id in self.in_place:  # --reread: over the stored reading, codings carried
            said = self.origins.get(doc.id, ({}, {}))[0].get("text_read_by")
            store_new = partial(self._store_new, doc, chunks)
            versions.reread(self.conn, self.index, self.report, entry.key, (doc, chunks, vectors),
                            store_new, said)  # fmt: skip
            self.origins.pop(doc.id, None)  # a reading not stored leaves them behind
            return
        previous = store.file_state(self.conn, entry.key)
        removed: list[int] = []
        with transaction(self.conn):
            twin = self._twin(doc)
            if twin is not None:  # the same text from other bytes: one document, two paths
                if previous is None or previous.document_id != twin[0]:  # not merely re-saved
                    self.report.documents_same_text += 1
                    self.report.warnings.append(
                        f"{entry.key} has the same text as {twin[1]}, already ingested; its"
                        " passages are that document's (its metadata too)"
                    )
                doc = dataclasses.replace(doc, id=twin[0])
            if store.document_exists(self.conn, doc.id):
                rowids: list[int] = []  # same bytes (or text) already stored under another path
            else:
                rowids = self._store_new(doc, chunks)
            store.set_file(self.conn, entry.key, doc.id, entry.size, entry.mtime_ns)
            store.clear_failure(self.conn, entry.key)
            if previous is not None and previous.document_id != doc.id:
                removed = self._drop_if_unreferenced(previous.document_id, successor=doc.id)
                self.report.documents_replaced += 1
        # After the commit: a crash here leaves the index behind, which reconcile repairs.
        if rowids:
            self.index.add(rowids, vectors)
            self.report.chunks_added += len(rowids)
        self.index.remove(removed)
        self.report.chunks_removed += len(removed)
        self.report.documents_ingested += 1
        if marks := doc.attributes.get("reader_marks"):
            self.report.marked.append((doc.path, int(marks)))

    def _store_new(self, doc: Document, chunks: list[Chunk]) -> list[int]:
        """Insert a parsed document and its passages; their rowids."""
        found, sidecar = self.origins.pop(doc.id, ({}, {}))
        rowids = store.insert_document(
            self.conn, doc, chunks, chunker=self.spec, file_meta=found,
            meta_sources=dict.fromkeys(sidecar, store.SIDECAR),
        )  # fmt: skip
        relink(self.conn, self.relinks.pop(doc.id, ()), doc.id)  # dropped only to be re-read
        store.refresh_metadata(self.conn, doc.id, sidecar)  # a record linked earlier
        store_roles(self.conn, doc, [(c.id, c.start, c.end) for c in chunks])
        store_numbered(self.conn, doc.id)
        return rowids

    def _twin(self, doc: Document) -> tuple[str, str] | None:
        """(id, path) of a stored document of another id with exactly `doc`'s text.

        The same paper saved twice (downloaded again, decrypted, re-saved by a reader) has
        other bytes, so another id; stored twice, search showed each passage twice and the
        matrices counted it as two sources."""
        return store.twin_by_text(self.conn, store.text_digest(doc.text), doc.id)

    def _drop_if_unreferenced(self, document_id: str, successor: str | None = None) -> list[int]:
        """Delete a document no path points at; its chunk rowids, or [] if it must stay.

        A `successor` (the document its file holds now) gets its memos and record links, and
        with --carry its codings (versions.onto): what cannot be placed keeps it in the store.
        """
        if store.document_has_files(self.conn, document_id):
            store.repoint_documents(self.conn, document_id)  # its own path may be the one gone
            return []
        if successor is not None:
            outcome = versions.onto(self.conn, document_id, successor, codings=self.carry)
            if outcome is not None:
                self.report.carried.append(outcome.to_json())
        rowids = [r["rowid"] for r in store.chunks_of(self.conn, document_id)]
        if store.delete_document(self.conn, document_id):
            return rowids
        self.report.kept_with_human_work.append(document_id)
        return []

    def drop_to_reread(self, document_id: str) -> bool:
        """Delete a stored document so that its file is parsed again, unless human work
        points at its passages (their offsets would no longer hold): then it stays."""
        with transaction(self.conn):
            rowids = [r["rowid"] for r in store.chunks_of(self.conn, document_id)]
            links = held_links(self.conn, document_id)
            if not store.delete_document(self.conn, document_id):
                self.report.kept_with_human_work.append(document_id)
                self.report.not_reread.append(document_id)
                return False
        self.relinks[document_id] = links
        self.index.remove(rowids)
        return True

    def fail(self, entry: FileEntry, failure: Failure, digest: str) -> None:
        failure = dataclasses.replace(failure, path=entry.key)
        if digest in self.in_place:  # --reread of a stored document: its stored text stands
            self.report.warnings.append(
                f"{entry.key} was not read again ({failure.reason}: {failure.detail});"
                " its stored text stands"
            )
            return
        with transaction(self.conn):
            limits = self.project.settings.ingest
            store.record_failure(
                self.conn,
                failure,
                file_hash=digest,
                size=entry.size,
                mtime_ns=entry.mtime_ns,
                timeout_s=timeout_limit(failure.detail, limits),
                memory_mb=limits.pdf_memory_mb,
            )
        self.report.failures.append(failure_json(failure))

    def save(self) -> None:
        """Write the index unless the files on disk already hold this very id set (and say
        which passage each vector stands for: an index from before `passage_map` gets one)."""
        folder = self.project.index_dir
        if ids_digest(self.index.ids()) != self.saved_digest or not (folder / MAP_FILE).exists():
            model = self.embedder.name
            manifest = save_index(self.conn, self.index, folder, model=model, chunker=self.spec)
            self.saved_digest = manifest.ids_digest if manifest is not None else None
        self.last_save = time.monotonic()


@dataclass(frozen=True)
class IngestOptions:
    paths: tuple[Path, ...] = ()  # default: the project's corpus/
    passwords: tuple[str, ...] = ()
    prune: bool = False
    rebuild: bool = False
    quiet: bool = True
    ray_address: str = ""  # parse and embed on this Ray cluster ("" = [cluster] ray_address)
    carry: bool = False  # a replaced file's codings follow it to its new version (versions.onto)
    reread: bool = False  # parse stored files again with today's readers, codings carried
    # (files stored, files to store) after each one: the workspace's progress line
    on_file: Callable[[int, int], None] | None = None
    # how far a long file is ("book.pdf: page 240 of 603 read"): the workspace's too
    on_note: Callable[[str], None] | None = None


def ingest(
    project: Project, options: IngestOptions, *, embedder: Embedder | None = None
) -> IngestReport:
    """Bring the store and index up to date with the files; see the module docstring."""
    started = time.monotonic()
    settings = project.settings
    if embedder is None:
        # cast: read-only properties satisfy the Protocol at run time; mypy wants attributes.
        embedder = cast(Embedder, LazyEmbedder(settings.embed.embedder, settings.embed.batch_size))
    with writer_lock(project.root, "ingest"):
        return _ingest(project, options, embedder, started)


def _ingest(
    project: Project, options: IngestOptions, embedder: Embedder, started: float
) -> IngestReport:
    settings = project.settings
    report = IngestReport()
    with opened(project.store_path) as conn:
        saved = saved_vectors(project, conn, embedder) if options.rebuild else {}
        index, manifest = open_index(project, conn, embedder, rebuild=options.rebuild)
        report.run_id = runs.start_run(
            conn, "ingest", dataclasses.asdict(settings), library_versions()
        )
        digest = manifest.ids_digest if manifest is not None else None
        run = _Run(project, conn, embedder, index, report, digest)
        run.carry = options.carry or options.reread
        if options.rebuild:
            _rechunk_all(run)
            report.vectors_reused = restore_vectors(conn, index, saved)
            saved.clear()
        report.index_repaired = reconcile(
            conn, index, embedder, quiet=options.quiet, folder=project.index_dir
        )
        report.roles_updated = assign_roles(conn)
        report.paragraphs_renumbered = renumber_paragraphs(conn)
        with transaction(conn):  # stores from before migration 014: once, then never again
            store.fill_text_digests(conn)
        run.relabelled |= reread_bylines(conn)
        passwords = options.passwords + project_passwords(project)
        report.printed_pages_found, relabelled = label_stored_pdfs(
            conn, project.root, passwords, quiet=options.quiet
        )
        run.relabelled |= relabelled
        if run.carry:
            _carry_kept(run)
        to_parse = _plan(run, options, passwords)
        address = options.ray_address or settings.cluster.ray_address
        if address and to_parse:
            _store_from_cluster(run, address, to_parse, passwords, options)
        else:
            _parse_and_store(run, to_parse, passwords, options)
        run.flush()
        _prune(run, prune=options.prune)
        run.save()
        report.metadata_updated = len(run.relabelled)  # a document counts once
        report.index_chunks = len(index)
        report.seconds = round(time.monotonic() - started, 3)
        runs.finish_run(conn, report.run_id, report.to_json())
        return report


def project_passwords(project: Project) -> tuple[str, ...]:
    """The passwords listed in [ingest] passwords_file, for encrypted PDFs (none if unset)."""
    name = project.settings.ingest.passwords_file
    if not name:
        return ()
    path = project.inside(name, "[ingest] passwords_file")
    if not path.exists():
        raise ConfigError(
            f"[ingest] passwords_file {path} does not exist",
            hint="fix the path or remove the setting",
        )
    return tuple(
        line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    )


def _plan(
    run: _Run, options: IngestOptions, passwords: tuple[str, ...]
) -> list[tuple[FileEntry, str]]:
    """Which files need parsing; the rest are skipped by (size, mtime) or by content hash."""
    project, report, conn = run.project, run.report, run.conn
    entries, warnings = walk(project.root, options.paths or (project.corpus_dir,))
    report.warnings.extend(warnings)
    report.warnings.extend(unmatched_sidecar_rows(run.sidecar, project.corpus_dir))
    report.documents_seen = len(entries)
    files = store.file_states(conn)
    failed = store.failure_states(conn)
    unread = rereadable_scans(conn, project.settings.ingest) | outdated_readings(conn)
    to_parse: list[tuple[FileEntry, str]] = []
    for entry in entries:
        known = files.get(entry.key)
        if options.reread and known:
            if known.document_id not in run.in_place:  # a document two paths hold: read once
                run.in_place.add(known.document_id)
                to_parse.append((entry, known.document_id))
            continue
        if known and known.document_id in unread and run.drop_to_reread(known.document_id):
            to_parse.append((entry, known.document_id))
            continue
        if known and (known.size, known.mtime_ns) == (entry.size, entry.mtime_ns):
            report.documents_skipped_unchanged += 1
            _refresh_metadata(run, entry.key, known.document_id)
            continue
        bad = failed.get(entry.key)
        unchanged = bad and (bad.size, bad.mtime_ns) == (entry.size, entry.mtime_ns)
        retry = passwords or options.reread or (bad and limit_raised(bad, project.settings.ingest))
        if bad and unchanged and not retry:
            report.documents_skipped_failed += 1
            report.failures.append(failure_json(bad, cached=True))
            continue
        digest = file_hash(entry.path)
        if (known and known.document_id == digest) or store.document_exists(conn, digest):
            # Touched but identical, or renamed/copied: map the path, skip the parse.
            with transaction(conn):
                store.set_file(conn, entry.key, digest, entry.size, entry.mtime_ns)
                store.clear_failure(conn, entry.key)
                if known and known.document_id != digest:
                    run.index.remove(run._drop_if_unreferenced(known.document_id, digest))
            report.documents_skipped_unchanged += 1
            _refresh_metadata(run, entry.key, digest)
            continue
        to_parse.append((entry, digest))
    return to_parse


def unmatched_sidecar_rows(sidecar: Sidecar, corpus: Path) -> list[str]:
    """documents.csv rows that name no file in corpus/: a typo'd name silently loses metadata.

    Checked against the folder, not against the files this run reads: `litsynth ingest
    ~/papers` reads none of corpus/, and its rows are no less right for that."""
    if not sidecar.rows or not corpus.is_dir():
        return []
    names: set[str] = set()
    for path in corpus.rglob("*"):
        if path.is_file():
            relative = path.relative_to(corpus).as_posix()
            names.update((relative, path.name))
    return [
        f"{SIDECAR_FILE}: row for {key!r} matches no file in corpus/; its metadata is unused"
        for key in sidecar.rows
        if key not in names
    ]


def _refresh_metadata(run: _Run, key: str, document_id: str) -> None:
    """An unchanged file's facts again: its documents.csv row may have changed since."""
    meta = run.metadata_for(key)
    if meta is None:
        return
    with transaction(run.conn):
        changed = store.refresh_metadata(run.conn, document_id, sidecar_fields(meta))
        changed = store.merge_attributes(run.conn, document_id, meta.attributes) or changed
    if changed:
        run.relabelled.add(document_id)


def _parse_and_store(
    run: _Run,
    to_parse: list[tuple[FileEntry, str]],
    passwords: tuple[str, ...],
    options: IngestOptions,
) -> None:
    if not to_parse:
        return
    s = run.project.settings.ingest
    by_path = {entry.path: (entry, digest) for entry, digest in to_parse}
    results: Iterator[tuple[Path, Document | Failure]] = parse_many(
        [entry.path for entry, _ in to_parse], passwords=passwords, timeout_s=s.pdf_timeout_s,
        memory_mb=s.pdf_memory_mb, workers=s.workers or (os.cpu_count() or 1),
        ocr=ocr_settings_for(s),
        on_progress=lambda p, done, n: run.say(f"{p.name[-30:]}: OCR page {done} of {n}"),
        on_pages=lambda p, done, n: run.say(f"{p.name[-30:]}: page {done} of {n} read"),
    )  # fmt: skip
    with tqdm(
        total=len(to_parse), desc="ingesting", unit="file", disable=options.quiet,
        file=sys.stderr,
    ) as bar:  # fmt: skip
        run.say = partial(tell, bar, options.on_note)
        for stored, (path, outcome) in enumerate(results, start=1):
            entry, digest = by_path[Path(path)]
            bar.set_postfix_str(entry.path.name[-30:], refresh=False)
            if isinstance(outcome, Failure):
                run.fail(entry, outcome, digest)
            else:
                run.add_document(entry, outcome, digest)
            bar.update(1)  # a disabled bar (quiet) counts nothing: `stored` does
            if options.on_file is not None:
                options.on_file(stored, len(to_parse))


def _store_from_cluster(
    run: _Run,
    address: str,
    to_parse: list[tuple[FileEntry, str]],
    passwords: tuple[str, ...],
    options: IngestOptions,
) -> None:
    """Parse and embed on a Ray cluster (ingest/cluster.py); commit here, one by one."""
    from litsynth.ingest.cluster import ClusterJob, run_on_ray

    settings = run.project.settings
    job = ClusterJob(
        passwords=passwords,
        timeout_s=settings.ingest.pdf_timeout_s,
        memory_mb=settings.ingest.pdf_memory_mb,
        model=run.embedder.name,
        batch_size=settings.embed.batch_size,
        ingest=settings.ingest,
        files_per_task=settings.cluster.files_per_task,
        embed_actors=settings.cluster.embed_actors,
    )
    digests = {entry.key: digest for entry, digest in to_parse}
    with tqdm(
        total=len(to_parse), desc=f"ingesting on {address}", unit="file",
        disable=options.quiet, file=sys.stderr,
    ) as bar:  # fmt: skip
        for stored, (entry, outcome, chunks, vectors) in enumerate(
            run_on_ray(address, to_parse, job), start=1
        ):
            digest = digests[entry.key]
            if isinstance(outcome, Failure):
                run.fail(entry, outcome, digest)
            else:
                doc = run.prepare(entry, outcome, digest)
                if doc is not None:
                    run.commit(entry, doc, chunks, vectors)
                if time.monotonic() - run.last_save > SAVE_EVERY_S:
                    run.save()
            bar.update(1)
            if options.on_file is not None:
                options.on_file(stored, len(to_parse))


def _prune(run: _Run, *, prune: bool) -> None:
    """Documents whose files are all gone: deleted with --prune, listed otherwise."""
    conn, report = run.conn, run.report
    files = store.file_states(conn)
    gone = {key for key in files if not _exists(run.project.root, key)}
    if not prune:
        # A document is doomed only if every path that holds it is gone.
        present = {s.document_id for k, s in files.items() if k not in gone}
        report.would_prune = sorted(k for k in gone if files[k].document_id not in present)
        return
    for key in sorted(gone):
        with transaction(conn):
            store.remove_files(conn, [key])
            removed = run._drop_if_unreferenced(files[key].document_id)
        run.index.remove(removed)
        report.chunks_removed += len(removed)
        report.pruned.append(key)
    gone_failed = [key for key in store.failure_states(conn) if not _exists(run.project.root, key)]
    with transaction(conn):
        store.remove_failures(conn, gone_failed)
        store.repoint_documents(conn)  # stores pruned before documents were repointed


def _carry_kept(run: _Run) -> None:
    """--carry: old versions an earlier ingest kept for their codings go to their successors."""
    for old, new in old_versions(run.conn):
        with transaction(run.conn):
            removed = run._drop_if_unreferenced(old, successor=new)
        run.index.remove(removed)
        run.report.chunks_removed += len(removed)


def _exists(root: Path, key: str) -> bool:
    path = Path(key)
    return (path if path.is_absolute() else root / path).exists()


def _rechunk_all(run: _Run) -> None:
    """--rebuild: re-chunk documents made with another chunker, from their stored text.

    The canonical text and page offsets are in the store, so no file is parsed again and a
    document whose file has since moved away is re-chunked all the same.
    """
    for doc_id in store.document_ids(run.conn, chunker_not=run.spec):
        doc = store.load_document(run.conn, doc_id)
        chunks = chunk_with(run.project.settings.ingest, doc, run.embedder)
        with transaction(run.conn):
            rowids, kept, moved = versions.rechunk(
                run.conn, doc_id, chunks,
                partial(store.replace_chunks, run.conn, doc_id, chunks, chunker=run.spec),
            )  # fmt: skip
        if moved is not None:
            run.report.carried.append(moved.to_json())
        if kept:
            run.report.kept_with_human_work.append(doc_id)
        run.report.documents_rechunked += 1
        run.report.chunks_added += len(rowids)
