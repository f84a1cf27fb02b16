"""Ingest on a Ray cluster: parse, chunk and embed on many machines; store and index on this one.

One machine embeds ~16 passages a second per two cores, so 10⁵ papers (~10⁷ passages) is a
week on a laptop. With `[cluster] ray_address` (or `litsynth ingest --ray ADDRESS`) the slow
part runs as a Ray Data pipeline:

    files → parse (`files_per_task` files a batch, in our limited worker processes)
          → chunk + embed (an actor pool; each actor loads the model once)
          → this process, which commits document by document to the one store and index.

Ray fuses the parse step into the actors, so there is one actor per CPU of the cluster
(`[cluster] embed_actors` to choose), each parsing a batch and then embedding it.

Why the results are the same as a local run's, and stay so through failures:
- Chunks are made by `chunk_with`, the local run's own function, from the document under its
  content-hash id, so chunk ids, offsets and texts are identical; vectors come from the same
  model and differ only by batch composition (≤ 1e-5, tests/test_cluster.py).
- Only this process writes, through the local run's `commit` (one transaction a document),
  so a crash of this process leaves each document wholly stored or absent; the next run skips
  what is stored by content hash and the index is reconciled with the store as always.
- A task whose worker dies is retried by Ray (`max_retries`), an actor that dies is restarted
  (`max_restarts`) and its batch re-run; a document arriving twice is committed once, because
  `commit` skips a document id the store already holds.

The files are read by the cluster's workers from the path this process sees, so every node
must see the corpus at the same path (a shared file system; docs/scale.md). Ray is an optional
extra; nothing here is imported on the default path.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
import pickle
import socket
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from litsynth.config import IngestSettings
from litsynth.errors import ConfigError, IngestError
from litsynth.ingest.files import FileEntry
from litsynth.ingest.prepare import chunk_with, unencodable
from litsynth.records import Chunk, Document, Failure


@dataclass(frozen=True)
class ClusterJob:
    """What every worker needs to parse, chunk and embed as the local run would."""

    passwords: tuple[str, ...]
    timeout_s: float
    memory_mb: int
    model: str  # EmbedSettings.embedder: model and backend
    batch_size: int
    ingest: IngestSettings
    files_per_task: int = 8
    embed_actors: int = 0


Result = tuple[FileEntry, Document | Failure, list[Chunk], np.ndarray]
_CLUSTER_HINT = (
    "start the cluster (`ray start --head`, see docs/scale.md), check the address, or leave"
    " [cluster] ray_address empty to ingest on this machine"
)


def import_ray() -> Any:
    """The ray module, or a ConfigError that says how to get it."""
    try:
        import ray
        import ray.data  # the pipeline; a bare `ray` install lacks it
    except ImportError:
        raise ConfigError(
            "a Ray cluster is asked for ([cluster] ray_address or --ray), but Ray Data is not"
            " installed",
            hint="pip install 'litsynth[ray]' (on this machine and on every node), or leave"
            " [cluster] ray_address empty to ingest on this machine",
        ) from None
    return ray


def parse_batch(batch: dict[str, Any], job: ClusterJob) -> dict[str, list[Any]]:
    """Ray task: parse these files, each in a worker process under the time/memory limits."""
    from litsynth.ingest.ocr import settings_for
    from litsynth.ingest.workers import parse_many

    keys, paths, digests = list(batch["key"]), list(batch["path"]), list(batch["digest"])
    outcomes = dict(
        parse_many(
            [Path(p) for p in paths],
            passwords=job.passwords,
            timeout_s=job.timeout_s,
            memory_mb=job.memory_mb,
            workers=1,
            ocr=settings_for(job.ingest),
        )
    )
    payloads = []
    for key, path, digest in zip(keys, paths, digests, strict=True):
        outcome = outcomes[Path(path)]
        if isinstance(outcome, Document):
            outcome = dataclasses.replace(outcome, id=digest, path=key)
        payloads.append(pickle.dumps(outcome))
    return {"key": keys, "payload": payloads}


class EmbedActor:
    """Ray actor: chunk parsed documents and embed their passages with one loaded model.

    The job is a class attribute of a subclass made per run (in `_pipeline`), not a
    constructor argument, so it travels with the class definition to every node. The offline
    switches are set by importing litsynth itself, as in any other process.
    """

    job: ClassVar[ClusterJob]

    def __init__(self) -> None:
        from litsynth.embed import get_embedder

        self.embedder = get_embedder(self.job.model, batch_size=self.job.batch_size)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        outcomes = [pickle.loads(p) for p in batch["payload"]]
        # A document whose text cannot be stored goes back unchunked: the driver's `prepare`
        # records it as a failure with its reason.
        chunked = [
            chunk_with(self.job.ingest, o, self.embedder)
            if isinstance(o, Document) and not unencodable(o)
            else []
            for o in outcomes
        ]
        texts = [c.text for chunks in chunked for c in chunks]
        vectors = self.embedder.embed(texts) if texts else np.zeros((0, 0), dtype=np.float32)
        payloads, offset = [], 0
        for outcome, chunks in zip(outcomes, chunked, strict=True):
            part = vectors[offset : offset + len(chunks)]
            offset += len(chunks)
            payloads.append(pickle.dumps((outcome, chunks, np.ascontiguousarray(part))))
        return {"key": list(batch["key"]), "payload": payloads}


def run_on_ray(
    address: str, to_parse: Sequence[tuple[FileEntry, str]], job: ClusterJob
) -> Iterator[Result]:
    """Parse, chunk and embed these files on the cluster; yield each document as it is done.

    Connects to the cluster at `address` ("auto", "host:port" or "ray://host:port") and
    disconnects at the end, or when the caller stops early.
    """
    if not to_parse:
        return
    _check_reachable(address)
    ray = import_ray()
    # The driver's core worker logs an error-level line for every actor whose constructor
    # arguments sit in the object store, which Ray Data's own actors always do (ray#53727);
    # real failures still reach this process as exceptions.
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
    try:
        ray.init(
            address=address,
            logging_level=logging.ERROR,
            log_to_driver=False,
            configure_logging=False,
        )
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise IngestError(
            f"could not connect to the Ray cluster at {address!r}: {exc}", hint=_CLUSTER_HINT
        ) from None
    try:
        yield from _pipeline(ray, to_parse, job)
    finally:
        ray.shutdown()


def _check_reachable(address: str) -> None:
    """Fail in seconds on an address nothing listens at: Ray itself retries it for ever."""
    if address == "auto":
        return  # Ray reads the local cluster's address file, and says so if there is none
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise IngestError(f"the Ray address {address!r} is not HOST:PORT", hint=_CLUSTER_HINT)
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as exc:
        raise IngestError(
            f"nothing answers at the Ray address {address!r}: {exc.strerror or exc}",
            hint=_CLUSTER_HINT,
        ) from None


def _pipeline(
    ray: Any, to_parse: Sequence[tuple[FileEntry, str]], job: ClusterJob
) -> Iterator[Result]:
    """The Ray Data pipeline, consumed as it streams.

    Retries are Ray Data's defaults: a parse task on a lost worker is re-run, a dead actor is
    restarted and its batch re-run, without limit; a parse error is a Failure value, never an
    exception, so nothing is retried for a bad file.
    """
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # the CLI's own bar counts committed files
    logging.getLogger("ray.data").setLevel(logging.ERROR)  # "execution finished in …" lines
    entries = {entry.key: entry for entry, _ in to_parse}
    cpus = int(ray.cluster_resources().get("CPU", 1))
    actors = job.embed_actors or max(1, cpus)  # Ray fuses parse into the actor: one per CPU
    # Blocks of at most files_per_task files, and at least four per actor: with fewer, one
    # actor ends up with a block more than the others and the run waits for it.
    count = len(to_parse)
    blocks = min(count, max(math.ceil(count / max(1, job.files_per_task)), 4 * actors))
    per_task = math.ceil(count / blocks)
    # Blocks are consecutive rows, so the files are dealt out like cards, largest first:
    # every block gets a share of the long papers instead of one block getting them all.
    by_size = sorted(to_parse, key=lambda item: -item[0].size)
    dealt = [item for b in range(blocks) for item in by_size[b::blocks]]
    rows = [{"key": e.key, "path": str(e.path), "digest": d} for e, d in dealt]
    dataset = ray.data.from_items(rows, override_num_blocks=blocks)
    dataset = dataset.map_batches(
        parse_batch, fn_kwargs={"job": job}, batch_size=per_task, num_cpus=1
    )
    dataset = dataset.map_batches(
        type("EmbedActor", (EmbedActor,), {"job": job}),
        batch_size=per_task,
        compute=ray.data.ActorPoolStrategy(size=actors),
        num_cpus=1,
    )
    for row in dataset.iter_rows():
        outcome, chunks, vectors = pickle.loads(row["payload"])
        yield entries[row["key"]], outcome, chunks, vectors
