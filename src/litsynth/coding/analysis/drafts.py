"""Open coding's output as a draft codebook fragment the reviewer edits and merges.

One proposed code per cluster, with its key phrases as keywords and its quotes as examples; ids
never collide with the project's codebook, and a draft never overwrites a file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from litsynth.coding.analysis.discover import Discovery
from litsynth.coding.codebook.load import project_codebook
from litsynth.coding.codebook.model import Code, dump_codebook_fragment
from litsynth.config import Project
from litsynth.errors import CodingError


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].rstrip("-") or "concept"


def draft_codes(discovery: Discovery, taken: Sequence[str] = ()) -> list[Code]:
    """One proposed code per cluster, new concepts first, for the reviewer to edit and merge.

    Ids are `draft-<top phrase>`; an id already in the codebook (or used by an earlier
    cluster) gets the cluster number appended, so the fragment always loads beside it.
    """
    used = set(taken)
    out = []
    ordered = sorted(discovery.clusters, key=lambda c: (c.verdict != "new", c.number))
    for cluster in ordered:
        top = [p for p, _ in cluster.phrases]
        ident = f"draft-{_slug(top[0] if top else f'cluster {cluster.number}')}"
        if ident in used:
            ident = f"{ident}-{cluster.number}"
        used.add(ident)
        about = ", ".join(top[:3]) if top else "(no key phrases)"
        near = cluster.nearest_code
        nearest = (
            f" Nearest existing code: {near.code_id} (similarity {near.similarity:.2f} vs "
            f"{near.threshold:.2f}; {near.coded_share:.0%} already coded) — "
            f"{'likely the same concept' if near.overlaps else 'a different concept'}."
            if near
            else ""
        )
        out.append(
            Code(
                id=ident,
                label=" / ".join(top[:2]).capitalize() if top else f"Cluster {cluster.number}",
                definition=f"DRAFT — passages about {about}. Rewrite as a definition before use.",
                keywords=tuple(top),
                examples=tuple(q.text for q in cluster.quotes),
                description=(
                    f"Proposed by `litsynth code discover` ({discovery.method}, "
                    f"seed {discovery.seed}, mode {discovery.mode}): {cluster.size} passages "
                    f"in {len(cluster.documents)} document(s); quotes from "
                    + "; ".join(q.citation for q in cluster.quotes)
                    + f".{nearest}"
                ),
            )
        )
    return out


def draft_fragment(discovery: Discovery, taken: Sequence[str] = ()) -> str:
    """The draft as codebook YAML (H5's format), with a header saying what to do with it."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = (
        f"DRAFT codes from `litsynth code discover` on {when} ({discovery.n_passages} passages, "
        f"{discovery.mode}).\nEvery YAML file in codebook/ is loaded: edit labels and definitions, "
        "give each code a parent category,\nand delete the codes you do not want before the next "
        "`litsynth code suggest`."
    )
    return dump_codebook_fragment(codes=draft_codes(discovery, taken), header=header)


def draft_target(project: Project, path: Path) -> Path:
    """Where a draft goes; refuses a file that exists, which may hold the reviewer's edits.

    Checked before clustering, so a wrong path fails at once rather than after the work.
    """
    target = path if path.is_absolute() else project.root / path
    if target.exists():
        raise CodingError(
            f"{target} exists; it may hold the reviewer's edits",
            hint="pass another --write path, or move the old draft away first",
        )
    return target


def free_draft(project: Project) -> Path:
    """codebook/draft.yaml, or draft-2.yaml… where an earlier draft (maybe edited) is: the
    workspace's "Draft codes" never asks for a path."""
    folder = project.codebook_path
    return next(
        path
        for n in range(1, 10_000)
        if not (path := folder / ("draft.yaml" if n == 1 else f"draft-{n}.yaml")).exists()
    )


def write_draft(project: Project, discovery: Discovery, path: Path) -> Path:
    """Write the draft fragment with ids that cannot collide with the project's codebook."""
    target = draft_target(project, path)
    codebook = project_codebook(project, required=False)
    taken: list[str] = []
    if codebook is not None:
        taken = [*codebook.codes, *codebook.categories, *codebook.themes]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(draft_fragment(discovery, taken), encoding="utf-8")
    return target
