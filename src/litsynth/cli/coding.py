"""`litsynth code suggest` and `litsynth code eval`: deductive coding with the codebook."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from litsynth.cli.common import json_option, load, print_json, project_option
from litsynth.cli.groups import code_group
from litsynth.coding.codebook.load import load_codebook
from litsynth.coding.machine.corpus import MIN_EXAMPLES
from litsynth.coding.machine.evaluate import EvalRun, GoldRow, evaluate_run, read_labelled_csv
from litsynth.coding.machine.suggest import suggest_project
from litsynth.config import Settings, load_settings
from litsynth.embed.models import get_embedder
from litsynth.markup import shown as shown_text
from litsynth.records import one_line, roles_wanted
from litsynth.store import opened
from litsynth.store.passages import by_chunk_id
from litsynth.words import count

commands: list[click.Command] = []


@code_group.command("suggest")
@project_option
@click.option(
    "--min-score",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    help="Suggest codes scoring at least this (default: each code's calibrated threshold).",
)
@click.option("--show", type=int, default=10, show_default=True, help="Suggestions to print.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    metavar="ROLE",
    help="Suggest codes for passages of this role (repeatable; or all). Default: body and"
    " abstract, never reference lists, front matter, captions or running headers.",
)
@json_option
def suggest(
    project_dir: Path, min_score: float | None, show: int, roles: tuple[str, ...], as_json: bool
) -> None:
    """Score every chunk against the codebook; store suggestions with their evidence.

    Replaces earlier machine suggestions; human codings are never touched. Codes with
    accepted/rejected passages get a learned classifier on top of the codebook's zero-shot
    scores; codes with few decisions also learn from the passages that fit them most clearly.
    """
    project = load(project_dir)
    with opened(project.store_path) as conn:
        result = suggest_project(conn, project, min_score=min_score, roles=roles_wanted(roles))
    if as_json:
        print_json(result.to_json())
        return
    click.echo(
        f"{count(result.suggested, 'suggestion')} for {count(result.chunks, 'passage')} "
        f"(model {result.model}, codebook {result.codebook_version}, vectors {result.vectors_from})"
    )
    if result.skipped_by_role:
        click.echo(
            f"{count(result.skipped_by_role, 'passage')} not suggested: reference lists,"
            " front matter, captions or running headers (--role all includes them)"
        )
    if result.learned_codes:
        click.echo(f"learned from your codings: {', '.join(result.learned_codes)}")
    if result.pseudo:
        click.echo(
            f"{result.pseudo} passages that fit a code most clearly taught it where you have"
            " decided few ([coding] learn_from_corpus = false turns this off)"
        )
    if result.unfit:
        click.echo(
            f"not learning from the corpus: its passages use the keywords of too few codes"
            f" ({len(result.unworded)} codes in fewer than {MIN_EXAMPLES} passages:"
            f" {', '.join(result.unworded)}), so the codebook may not fit it; suggestions"
            " come from the codebook and your decisions (docs/coding.md, 'Known limitation')"
        )
    elif result.unworded:
        click.echo(
            f"not taught by the corpus, as fewer than {MIN_EXAMPLES} passages use their keywords:"
            f" {', '.join(result.unworded)} (suggested from the codebook alone; if the corpus"
            " does hold them, add the words it uses to their keywords)"
        )
    if result.off_codebook:
        click.echo(
            f"not learning from {count(len(result.off_codebook), 'document')} whose passages use"
            f" the codebook's words far less than the others do: {'; '.join(result.off_codebook)}"
            " (suggested from the codebook alone; if they belong in the review, add the words"
            " they use to the codes' keywords)"
        )
    for code in result.flooded:
        click.echo(
            f"warning: {code} is suggested for {result.per_code[code]} of the"
            f" {result.chunks - result.skipped_by_role} passages read. Learning from the corpus"
            " assumes every code occurs in it; if the codebook fits only part of this corpus,"
            " set [coding] learn_from_corpus = false (docs/coding.md, 'Known limitation')",
            err=True,
        )
    tuned = result.fine_tuned
    if tuned is not None:
        click.echo(
            f"coded with the encoder fine-tuned on {tuned.decisions} decisions ({tuned.id[:8]},"
            f" {tuned.created}); search keeps the packaged one"
        )
        if result.decisions != tuned.decisions:
            click.echo(
                f"  you have {result.decisions} decisions now: `litsynth code finetune` trains"
                " on them all"
            )
    for code, n in sorted(result.per_code.items(), key=lambda kv: -kv[1]):
        click.echo(f"  {code:<40} {n:>5}   threshold {result.thresholds[code]:.2f}")
    with opened(project.store_path) as conn:
        shown = by_chunk_id(conn, [s.chunk_id for s in result.top[:show]])
    for s in result.top[:show]:
        passage = shown.get(s.chunk_id)
        where = passage.citation if passage is not None else ""
        click.echo(f"\n{s.code_id}  {s.score:.2f}  {where}  (chunk {s.chunk_id})")
        if passage is not None:
            click.echo(
                click.wrap_text(
                    one_line(shown_text(passage.text, passage.kind), 300),
                    width=96,
                    initial_indent="  ",
                    subsequent_indent="  ",
                )
            )
        click.echo("  " + evidence_line(s.evidence))


def evidence_line(evidence: dict[str, Any]) -> str:
    """'keywords: a, b | nearest example (0.71): "…"' for the terminal."""
    words = ", ".join(str(w) for w in evidence.get("keywords", [])) or "-"
    nearest = evidence.get("nearest") or {}
    text = str(nearest.get("text", ""))
    if len(text) > 160:
        text = text[:157] + "..."
    kind, similarity = nearest.get("kind", ""), float(nearest.get("similarity") or 0.0)
    return f'keywords: {words} | nearest {kind} ({similarity:.2f}): "{text}"'


def _write_predictions(path: Path, gold: Sequence[GoldRow], run: EvalRun) -> None:
    """text, gold, predicted, then one score column per code (formula cells escaped)."""
    import csv

    from litsynth.cells import safe_cell

    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "gold", "predicted", *(f"score:{c}" for c in run.code_ids)])
        for row, predicted, scores in zip(gold, run.predicted, run.probability, strict=True):
            writer.writerow([safe_cell(row.text), "; ".join(row.codes), "; ".join(predicted),
                             *scores])  # fmt: skip


def _settings(project_dir: Path) -> Settings:
    # eval works without a project; a project's litsynth.toml (if any) picks the model.
    return load_settings(project_dir) if (project_dir / "litsynth.toml").exists() else Settings()


@code_group.command("eval")
@project_option
@click.option(
    "--codebook",
    "codebook_path",
    type=click.Path(exists=True, path_type=Path),
    required=True,
    help="Codebook folder or file.",
)
@click.option(
    "--gold",
    "gold_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="CSV with columns text, code (codes separated by ';'); optional doc_id, position.",
)
@click.option(
    "--train",
    "train_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="CSV of labelled examples to learn from (same columns).",
)
@click.option(
    "--predictions",
    "predictions_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write per text: its gold codes, the predicted codes and every code's score (CSV).",
)
@json_option
@click.pass_context
def evaluate(
    ctx: click.Context,
    project_dir: Path,
    codebook_path: Path,
    gold_path: Path,
    train_path: Path | None,
    predictions_path: Path | None,
    as_json: bool,
) -> None:
    """Evaluate the codebook (and optional training examples) against gold codes.

    Reports per-code precision, recall, F1 and support, macro F1, accuracy (exact match of
    the code set) and Cohen's kappa on the top code per text.
    """
    from click.core import ParameterSource

    from litsynth.config import cache_dir
    from litsynth.embed.vectors import CachedEmbedder

    # The model comes from --project only when it is given; else the packaged default.
    given = ctx.get_parameter_source("project_dir") != ParameterSource.DEFAULT
    settings = _settings(project_dir) if given else Settings()
    book = load_codebook(codebook_path)
    gold = read_labelled_csv(gold_path, book)
    train = read_labelled_csv(train_path, book) if train_path else []
    inner = get_embedder(settings.embed.embedder, settings.embed.batch_size)
    embedder = CachedEmbedder(inner, cache_dir() / "vectors.sqlite")
    if given and (project_dir / "litsynth.toml").exists():
        from litsynth.coding.machine.suggest import tuned_encoder

        # the project codes with its fine-tuned encoder, if it has one: evaluate that
        fine = tuned_encoder(load(project_dir))
        if fine:
            embedder = fine[0]
    run = evaluate_run(book, gold, embedder, train, corpus=settings.coding.learn_from_corpus)
    report = run.report
    if predictions_path is not None:
        _write_predictions(predictions_path, gold, run)
    if as_json:
        print_json(report.to_json())
        return
    where = f"{project_dir / 'litsynth.toml'}" if given else "the packaged default"
    click.echo(f"model {embedder.name} (from {where}); {embedder.hits} vectors read from the cache")
    click.echo(f"{'code':<30} {'precision':>9} {'recall':>7} {'f1':>6} {'kappa':>6} {'support':>8}")
    for code, m in report.per_code.items():
        kappa = "-" if m.kappa is None else f"{m.kappa:.3f}"
        click.echo(
            f"{code:<30} {m.precision:>9.3f} {m.recall:>7.3f} {m.f1:>6.3f} {kappa:>6}"
            f" {m.support:>8}"
        )
    click.echo(
        f"\nmacro F1 {report.macro_f1:.3f}   accuracy {report.accuracy:.3f}"
        f"   kappa {report.kappa:.3f}"
    )
    if run.pseudo:
        click.echo(
            f"{run.pseudo} gold texts that fit a code most clearly taught codes with few"
            " training examples (corpus.v2; [coding] learn_from_corpus = false turns this off)"
        )


@code_group.command("finetune")
@project_option
@click.option(
    "--pairs",
    "per_example",
    type=click.IntRange(1, 100),
    default=10,
    show_default=True,
    help="Pairs per decided passage: one sharing a code with it, one sharing none.",
)
@click.option(
    "--max-pairs",
    type=click.IntRange(16, 100_000),
    default=None,
    help="Cap on training pairs; their number sets the time (3,000: about 2-3 minutes)."
    " Default: one per decision, at least 3,000 and at most 10,000 (about 5 minutes).",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Seed of the pairs and the training."
)
@click.option("--off", is_flag=True, help="Code with the packaged encoder again (models kept).")
@click.option("--use", "use_id", default=None, metavar="ID", help="Code with this saved model.")
@click.option("--list", "listing", is_flag=True, help="List the saved models.")
@json_option
def finetune(
    project_dir: Path,
    per_example: int,
    max_pairs: int | None,
    seed: int,
    off: bool,
    use_id: str | None,
    listing: bool,
    as_json: bool,
) -> None:
    """Fine-tune a copy of the encoder on your coding decisions, for `code suggest`.

    Passages you gave the same code are pulled together, passages with no code in common
    pushed apart (SetFit). The copy is saved in the project under models/coding/, never over
    the packaged model, and used for coding only: search and the index keep the packaged
    vectors. Worth it for functional codes (what a passage does, not what it is about).
    """
    from dataclasses import asdict

    from litsynth.coding.machine.finetune import MODELS, activate, active, saved
    from litsynth.coding.machine.suggest import finetune_project
    from litsynth.progress import progress

    project = load(project_dir)
    if off or use_id is not None or listing:
        if off or use_id is not None:
            activate(project.root, None if off else use_id)
        current = active(project.root)
        models = saved(project.root)
        if as_json:
            print_json({"active": current.id if current else None,
                        "models": [asdict(m) for m in models]})  # fmt: skip
            return
        for m in models:
            mark = "*" if current is not None and m.id == current.id else " "
            click.echo(
                f"{mark} {m.id}  {m.created}  {m.decisions} decisions, {m.pairs} pairs,"
                f" {m.seconds:.0f} s, {m.precision}"
            )
        click.echo(f"coding with {current.name if current else 'the packaged encoder'}")
        return

    bar: Any = None

    def on_pairs(n: int) -> Any:
        nonlocal bar
        bar = progress(iter(()), total=-(-n // 16), desc="fine-tuning", unit="batch", minimum=0)
        return getattr(bar, "update", None)

    with opened(project.store_path) as conn:
        model = finetune_project(
            conn, project, per_example=per_example, max_pairs=max_pairs, seed=seed,
            on_pairs=on_pairs,
        )  # fmt: skip
    if bar is not None and hasattr(bar, "close"):
        bar.close()
    if as_json:
        print_json(asdict(model))
        return
    codes = ", ".join(f"{c} ({n})" for c, n in model.codes.items())
    click.echo(
        f"fine-tuned {model.name} on {model.decisions} decisions, {model.pairs} pairs, in"
        f" {model.seconds:.0f} s ({model.precision})\n  codes: {codes}\n  saved in"
        f" {project.root / MODELS / model.id}; `litsynth code suggest` now codes"
        " with it (`--off` goes back)"
    )


@code_group.command("new")
@click.argument("label")
@click.option("--definition", required=True, help="What the code means, in a sentence.")
@click.option("--id", "code_id", default="", help="Its id (default: made from LABEL).")
@project_option
@json_option
def new_command(
    label: str, definition: str, code_id: str, project_dir: Path, as_json: bool
) -> None:
    """Make a code while reading (open coding): LABEL, and an id made from it.

    It goes to codebook/new-codes.yaml, a file litsynth owns; your own codebook files are
    not touched. Edit its definition and parent there, or move it to a file of your own.
    """
    from litsynth.coding.codebook.created import new_code

    code, path = new_code(load(project_dir), label, definition=definition, code_id=code_id)
    if as_json:
        print_json({"id": code.id, "label": code.label, "definition": code.definition,
                    "file": str(path)})  # fmt: skip
        return
    click.echo(f"{code.id}: “{code.label}” added to {path}")


@code_group.command("edit")
@click.argument("code_id")
@click.option("--label", default=None, help="Its new label.")
@click.option("--definition", default=None, help="Its new definition.")
@click.option("--delete", is_flag=True, help="Delete it (refused once people coded with it).")
@project_option
@json_option
def edit_command(
    code_id: str, label: str | None, definition: str | None, delete: bool, project_dir: Path,
    as_json: bool,
) -> None:  # fmt: skip
    """Rename, redefine or delete a code that litsynth wrote: one from `code new` or a draft
    (codebook/new-codes.yaml, codebook/draft*.yaml). Your own codebook files are not touched."""
    from litsynth.coding.codebook.created import edit_code
    from litsynth.store.codings import human_coded

    project = load(project_dir)
    with opened(project.store_path) as conn:
        coded = human_coded(conn, code_id)
    code, path = edit_code(
        project, code_id, label=label, definition=definition, delete=delete, coded=coded
    )
    if as_json:
        print_json(
            {
                "id": code_id,
                "deleted": code is None,
                "file": str(path),
                **({"label": code.label, "definition": code.definition} if code else {}),
            }
        )
        return
    click.echo(f"{code_id}: deleted from {path}" if code is None
               else f"{code_id}: “{code.label}” — {code.definition} ({path})")  # fmt: skip
