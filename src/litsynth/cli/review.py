"""Human review commands: the terminal loop, the spreadsheet round trip, hand coding, memos,
and agreement (`litsynth agree` for two coders, `litsynth code agreement` for the machine).

Each command parses, calls the library (litsynth.coding.human.decisions / sheets / agreement) and
renders; the review loop only adds prompting, and records every decision before it shows the
next passage, so quitting (or a crash) loses nothing and the next run resumes where it stopped.
"""

from __future__ import annotations

import sqlite3
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import click

from litsynth.cli.common import F, json_option, load, print_json, project_option, renamed
from litsynth.cli.groups import code_group
from litsynth.coding.codebook.load import project_codebook
from litsynth.coding.codebook.model import Codebook
from litsynth.coding.human import decisions
from litsynth.coding.human.agreement import AgreementReport, ProjectAgreement, agree
from litsynth.coding.human.review import keyword_spans
from litsynth.coding.human.sheets import STATUSES, export_coder_sheet, export_sheet, import_sheet
from litsynth.config import Project
from litsynth.errors import CodebookError, CodingError
from litsynth.records import ReviewItem
from litsynth.store import codings as store
from litsynth.store import opened
from litsynth.store.report import table_count
from litsynth.words import count

WIDTH = 96  # passage wrap width: readable in an 100-column terminal with the indent


def coder_option(func: F) -> F:
    return click.option(
        "--coder",
        default=None,
        metavar="NAME",
        help="Who is deciding (recorded on every coding); default: [project] reviewer.",
    )(func)


@contextmanager
def _store(project: Project) -> Iterator[sqlite3.Connection]:
    with opened(project.store_path) as conn:
        yield conn


def _fmt(value: float | None, pattern: str = "{:.3f}") -> str:
    return "–" if value is None else pattern.format(value)


# ------------------------------------------------------------------------- the review loop

KEYS = "[a]ccept  [r]eject  [c]hange  [n]arrow  [s]kip  [m]emo  [q]uit"


def _highlight(text: str, words: tuple[str, ...]) -> str:
    """The passage wrapped to WIDTH with the keywords in bold yellow (plain when piped)."""
    lines = []
    for line in textwrap.wrap(" ".join(text.split()), WIDTH - 4) or [""]:
        out, pos = [], 0
        for start, end in keyword_spans(line, words):
            out += [line[pos:start], click.style(line[start:end], fg="yellow", bold=True)]
            pos = end
        lines.append("    " + "".join(out) + line[pos:])
    return "\n".join(lines)


def _show(item: ReviewItem, n: int, total: int, book: Codebook) -> None:
    p = item.passage
    code = book.codes.get(item.code_id)
    label = code.label if code else item.code_id
    click.echo("")
    click.secho(
        f"── {n}/{total}  {item.code_id} ({label})  score {item.score:.2f}"
        f" (threshold {item.threshold:.2f})",
        bold=True,
    )
    title = f' · "{p.title}"' if p.title else ""
    click.echo(f"{p.citation}{title}  [chunk {p.chunk_id}]")
    words = item.evidence.keywords or (code.keywords + code.aliases if code else ())
    click.echo(_highlight(p.text, words))
    if item.evidence.keywords:
        click.echo("  keywords: " + ", ".join(item.evidence.keywords))
    if item.evidence.nearest:
        kind = item.evidence.nearest_kind or "example"
        sim = f" ({item.evidence.similarity:.2f})" if item.evidence.similarity is not None else ""
        click.echo(f"  nearest {kind}{sim}: " + textwrap.shorten(item.evidence.nearest, 200))
    if code is not None and item.evidence.nearest_kind != "definition":
        click.echo("  definition: " + textwrap.shorten(code.definition, 200))


def _review_one(conn: sqlite3.Connection, book: Codebook, item: ReviewItem, coder: str) -> str:
    """Prompt until the reviewer decides, skips or quits; returns the action taken."""
    while True:
        key = click.prompt(KEYS, default="s", show_default=False).strip().lower()[:1]
        if key in ("a", "r"):
            action = "accept" if key == "a" else "reject"
            decisions.decide(conn, book, item, action, coder=coder)
            return action
        if key == "c":
            while True:  # ask again after a typo; an empty answer goes back to the keys
                new_code = click.prompt("  new code id", default="", show_default=False).strip()
                if not new_code:
                    break
                try:
                    decisions.decide(conn, book, item, "change", coder=coder, new_code=new_code)
                except CodingError as exc:
                    click.secho(f"  {exc.message}", fg="red", err=True)
                    continue
                return "change"
            continue
        if key == "n":  # code just the words that carry the code; the suggestion stays open
            quote = click.prompt(
                "  quote (the exact words to code)", default="", show_default=False
            )
            if quote.strip():
                new_code = click.prompt("  code id", default=item.code_id).strip()
                try:
                    added = decisions.add_coding(
                        conn, book, new_code, coder=coder, chunk=item.passage.chunk_id, quote=quote
                    )
                except CodingError as exc:
                    click.secho(f"  {exc.message}", fg="red", err=True)
                    continue
                click.echo(f"  coded {added.start}-{added.end} as {added.code_id}")
            continue
        if key == "m":
            text = click.prompt("  memo on this passage")
            decisions.write_memo(conn, book, item.passage.chunk_id, text, author=coder)
            click.echo("  memo saved")
            continue
        if key in ("s", "q"):
            return "skip" if key == "s" else "quit"
        click.echo("  press a, r, c, n, s, m or q")


# Decisions made here are learned from at the next suggest run; the workspace runs one itself.
LEARN_HINT = (
    "The suggestions learn from these decisions at the next `litsynth code suggest`"
    " (Read & code in `litsynth serve` runs it after each decision)."
)


@code_group.command("review")
@click.option("--code", default=None, metavar="ID", help="Review the suggestions of one code.")
@click.option("--limit", type=int, default=None, help="Stop after this many passages.")
@click.option(
    "--near-misses",
    is_flag=True,
    help="Also show suggestions below their threshold (each passage's best code).",
)
@click.option(
    "--by-score", is_flag=True, help="Best-scored first instead of most informative first."
)
@coder_option
@project_option
def review_command(
    code: str | None,
    limit: int | None,
    near_misses: bool,
    by_score: bool,
    coder: str | None,
    project_dir: Path,
) -> None:
    """Review machine suggestions one passage at a time in the terminal.

    Shows the passage with its citation, the suggested code, the keywords that matched
    (highlighted) and the nearest example; a accepts, r rejects, c changes the code, n codes
    just a quote inside the passage, s skips, m writes a memo on the passage, q quits. Each
    decision is saved at once with your name and the time; suggestions you decided are not
    shown again, so the next run resumes.

    The queue runs most informative first (active learning: scores closest to the code's
    threshold, where your decision teaches the classifier most), or best first with --by-score.
    """
    project = load(project_dir)
    coder = coder or project.settings.project.reviewer
    book = decisions.codebook_of(project)
    with _store(project) as conn:
        queue = decisions.review_queue(
            conn, code=code, coder=coder, near_misses=near_misses, by_score=by_score, book=book
        )
        if limit is not None:
            queue = queue[:limit]
        if not queue:
            if not table_count(conn, "suggestions"):
                click.echo("No suggestions yet: run `litsynth code suggest` first.")
            else:
                click.echo(f"Nothing to review for {coder}: every suggestion has a decision.")
            return
        done: dict[str, int] = {}
        try:
            for n, item in enumerate(queue, start=1):
                _show(item, n, len(queue), book)
                action = _review_one(conn, book, item, coder)
                if action == "quit":
                    break
                done[action] = done.get(action, 0) + 1
        except click.Abort:
            click.echo("")  # end of input or Ctrl-C: every decision so far is already saved
        left = len(store.review_items(conn, code=code, coder=coder, suggested_only=not near_misses))
    summary = ", ".join(f"{v} {k}" for k, v in done.items()) or "no decisions"
    click.echo(f"\n{summary}; {left} suggestion(s) left for {coder}.")
    if set(done) - {"skip", "memo"}:
        click.echo(LEARN_HINT)


# --------------------------------------------------------------------------- the sheet


@code_group.command("export-sheet")
@click.argument("sheet", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--code", default=None, metavar="ID", help="Only the suggestions of one code.")
@click.option(
    "--status",
    type=click.Choice(STATUSES),
    default="suggested",
    show_default=True,
    help="suggested: undecided suggestions at/above threshold; all: every suggestion.",
)
@coder_option
@json_option
@project_option
def export_sheet_command(
    sheet: Path, code: str | None, status: str, coder: str | None, project_dir: Path, as_json: bool
) -> None:
    """Write suggestions to SHEET to decide in a spreadsheet: an Excel workbook when it ends
    in .xlsx, else CSV (UTF-8 with BOM, so Excel opens it).

    Fill `decision` with accept, reject, change (and `new_code`) or add (1 / 0 also work),
    optionally narrow `start`/`end` and write a `memo`, then run `code import-sheet`.
    """
    project = load(project_dir)
    coder = coder or project.settings.project.reviewer
    book = decisions.codebook_of(project)
    with _store(project) as conn:
        n = export_sheet(conn, book, sheet, coder=coder, code=code, status=status)
    if as_json:
        print_json({"sheet": str(sheet), "rows": n, "status": status, "coder": coder})
    else:
        click.echo(f"Wrote {count(n, 'suggestion')} to {sheet}.")


@code_group.command("import-sheet")
@click.argument("sheet", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@coder_option
@json_option
@project_option
def import_sheet_command(sheet: Path, coder: str | None, project_dir: Path, as_json: bool) -> None:
    """Append the decisions of a filled-in review sheet to the codings log.

    Rows with an error (unknown code, bad decision, span outside the passage) are reported
    with their line and skipped; the other rows are kept. Importing twice appends nothing new.
    """
    project = load(project_dir)
    coder = coder or project.settings.project.reviewer
    book = decisions.codebook_of(project)
    with _store(project) as conn:
        plan = import_sheet(conn, book, sheet, coder=coder)
    if as_json:
        print_json(
            {
                "sheet": str(sheet),
                "coder": coder,
                "counts": plan.counts,
                "errors": [{"line": e.line, "message": e.message} for e in plan.errors],
            }
        )
        return
    order = ("accept", "reject", "change", "add", "memo", "unchanged", "undecided")
    parts = [f"{plan.counts[k]} {k}" for k in order if plan.counts.get(k)]
    click.echo(f"Imported {sheet} as {coder}: " + (", ".join(parts) or "nothing to import") + ".")
    if any(plan.counts.get(k) for k in ("accept", "reject", "change", "add")):
        click.echo(LEARN_HINT)
    for error in plan.errors:
        click.secho(f"{sheet} line {error.line}: {error.message}", fg="red", err=True)
    if plan.errors:
        click.echo(f"{len(plan.errors)} line(s) skipped; fix them and import again.", err=True)


@code_group.command("export-codings")
@click.argument("sheet", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--coder", required=True, metavar="NAME", help="Whose codings to export.")
@project_option
@json_option
def export_codings_command(sheet: Path, coder: str, project_dir: Path, as_json: bool) -> None:
    """Write one coder's codings as id,text,code for `litsynth code agree` (double coding).

    Each passage the coder decided on is a row; its code cell lists the codes the coder
    accepted or added there (';'-separated, empty if all were rejected).
    """
    project = load(project_dir)
    with _store(project) as conn:
        n = export_coder_sheet(conn, sheet, coder=coder)
    if as_json:
        print_json({"sheet": str(sheet), "coder": coder, "passages": n})
        return
    click.echo(f"Wrote {n} passage(s) coded by {coder} to {sheet}.")


# ----------------------------------------------------------------- hand coding and memos


@code_group.command("add")
@click.argument("code")
@click.option("--chunk", default=None, metavar="ID", help="The passage (chunk id) to code.")
@click.option("--document", default=None, metavar="ID", help="Or a document, with offsets.")
@click.option("--start", type=int, default=None, help="Span start (document character offset).")
@click.option("--end", type=int, default=None, help="Span end (document character offset).")
@click.option("--quote", default=None, help="Or the exact words of the span.")
@click.option("--memo", default="", help="Why this code applies.")
@coder_option
@json_option
@project_option
def add_command(
    code: str,
    chunk: str | None,
    document: str | None,
    start: int | None,
    end: int | None,
    quote: str | None,
    memo: str,
    coder: str | None,
    project_dir: Path,
    as_json: bool,
) -> None:
    """Code a span by hand: a whole passage, a quote inside it, or document offsets."""
    project = load(project_dir)
    coder = coder or project.settings.project.reviewer
    book = decisions.codebook_of(project)
    with _store(project) as conn:
        coding = decisions.add_coding(
            conn, book, code, coder=coder, chunk=chunk, document=document,
            start=start, end=end, quote=quote, memo=memo,
        )  # fmt: skip
        text = store.span_text(conn, coding.chunk_id, coding.start, coding.end)
    if as_json:
        print_json({**asdict(coding), "text": text})
    else:
        click.echo(
            f"Coded {coding.start}-{coding.end} of chunk {coding.chunk_id} as {coding.code_id} "
            f'({coder}, {coding.at}): "{textwrap.shorten(text, 120)}"'
        )


@code_group.command("memo")
@click.argument("target")
@click.argument("text")
@click.option("--author", default=None, metavar="NAME", help="Default: [project] reviewer.")
@project_option
@json_option
def memo_command(
    target: str, text: str, author: str | None, project_dir: Path, as_json: bool
) -> None:
    """Write a memo on a passage (chunk id), a code/category/theme id, or a document id."""
    project = load(project_dir)
    author = author or project.settings.project.reviewer
    try:
        book: Codebook | None = decisions.codebook_of(project)
    except CodebookError:
        book = None  # a memo on a passage or document needs no codebook
    with _store(project) as conn:
        memo = decisions.write_memo(conn, book, target, text, author=author)
    if as_json:
        print_json(asdict(memo))
        return
    click.echo(f"Memo on {memo.target} saved ({memo.author}, {memo.at}).")


@code_group.command("memos")
@click.argument("target", required=False)
@json_option
@project_option
def memos_command(target: str | None, project_dir: Path, as_json: bool) -> None:
    """List memos, all or those on one passage, code or document."""
    project = load(project_dir)
    with _store(project) as conn:
        found = store.memos(conn, target)
    if as_json:
        print_json([asdict(m) for m in found])
        return
    for m in found:
        click.echo(f"{m.target}  {m.author}  {m.at}\n    {m.text}")
    if not found:
        click.echo("No memos" + (f" on {target}." if target else "."))


# ------------------------------------------------------------------------------ agreement


def _ids(ids: tuple[str, ...], shown: int = 10) -> str:
    if len(ids) <= shown:
        return ", ".join(ids)
    return ", ".join(ids[:shown]) + f" … and {len(ids) - shown} more (--json lists all)"


def _render_agreement(report: AgreementReport, a: Path, b: Path) -> None:
    click.echo(f"Items rated by both: {report.n_items}   codes: {', '.join(report.codes)}")
    click.echo(f"Cohen's kappa, item x code presence: {_fmt(report.kappa)}")
    click.echo(f"Cohen's kappa, first code per item:  {_fmt(report.kappa_first_code)}")
    click.echo(f"Krippendorff's alpha (nominal):      {_fmt(report.alpha)}")
    click.echo(f"Percent agreement (same code set):   {report.percent_agreement:.1%}")
    click.echo("")
    w = max([len("code"), *(len(c.code) for c in report.per_code)])
    click.echo(
        f"{'code':<{w}} {'kappa':>6} {'agree':>7} {'both':>5}"
        f" {'A only':>7} {'B only':>7} {'neither':>8}"
    )
    for c in report.per_code:
        click.echo(
            f"{c.code:<{w}} {_fmt(c.kappa):>6} {c.percent_agreement:>7.1%} {c.both:>5}"
            f" {c.a_only:>7} {c.b_only:>7} {c.neither:>8}"
        )
    if report.disagreements:
        click.echo(f"\nDisagreements ({len(report.disagreements)}):")
        for d in report.disagreements:
            click.echo(f"  {d.id}  {d.text}")
            click.echo(f"      A: {', '.join(d.a) or '(none)'}    B: {', '.join(d.b) or '(none)'}")
    if report.only_in_a:
        click.echo(f"\nItems only in {a.name} (not compared): {_ids(report.only_in_a)}")
    if report.only_in_b:
        click.echo(f"Items only in {b.name} (not compared): {_ids(report.only_in_b)}")
    for problem in report.problems:
        click.secho(f"Warning: {problem}", fg="yellow", err=True)


@code_group.command("agree")
@click.argument("sheet_a", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.argument("sheet_b", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="A review project whose codebook the sheets use: codes not in it are reported.",
)
@json_option
def agree_command(sheet_a: Path, sheet_b: Path, project_dir: Path | None, as_json: bool) -> None:
    """Agreement of two coders: Cohen's kappa per code and overall, Krippendorff's alpha.

    Each CSV has the columns id, text, code (several codes separated by ';'). Items are
    matched by id; items only one coder rated are listed, not compared. The overall kappa and
    alpha are computed over every item x code cell ("is this code on this item?"). With
    --project, a code that is not in the project's codebook (a typo in a sheet) is reported.
    """
    known = None
    if project_dir is not None:
        book = project_codebook(load(project_dir), required=False)
        known = set(book.codes) if book is not None else None
    report = agree(sheet_a, sheet_b, known_codes=known)
    if as_json:
        print_json(report.to_json())
    else:
        _render_agreement(report, sheet_a, sheet_b)


def _render_project(report: ProjectAgreement, coder: str | None) -> None:
    who = f" ({coder})" if coder else ""
    click.echo(
        f"Machine suggestions against the reviewer{who}, on {report.n_passages} reviewed passage(s)"
    )
    click.echo(
        f"kappa {_fmt(report.kappa)}   precision {_fmt(report.precision, '{:.1%}')}"
        f"   recall {_fmt(report.recall, '{:.1%}')}"
    )
    click.echo("")
    w = max([len("code"), *(len(c.code) for c in report.per_code)])
    click.echo(
        f"{'code':<{w}} {'kappa':>6} {'precision':>9} {'accepted':>8} {'rejected':>8}"
        f" {'missed':>6} {'absent':>6} {'pending':>7}"
    )
    for c in report.per_code:
        click.echo(
            f"{c.code:<{w}} {_fmt(c.kappa):>6} {_fmt(c.precision, '{:.1%}'):>9} {c.accepted:>8}"
            f" {c.rejected:>8} {c.missed:>6} {c.agreed_absent:>6} {c.pending:>7}"
        )
    click.echo(
        "\nprecision = accepted / (accepted + rejected); missed = coded by hand where the"
        " machine suggested nothing; pending = suggestions on reviewed passages not yet decided."
    )


@code_group.command("agreement")
@click.option(
    "--coder",
    default=None,
    metavar="NAME",
    help="One reviewer's decisions (default: everyone's latest).",
)
@json_option
@project_option
def agreement_command(coder: str | None, project_dir: Path, as_json: bool) -> None:
    """How far the reviewer agrees with the machine's suggestions, per code.

    Kappa, precision of the suggestions (accepted / judged) and the codes the reviewer added
    that the machine missed, over the passages a human has reviewed.
    """
    project = load(project_dir)
    with _store(project) as conn:
        report = decisions.project_agreement(conn, coder=coder)
    if as_json:
        print_json(report.to_json())
    else:
        _render_project(report, coder)


@code_group.command("import-refi")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@project_option
@json_option
def import_refi_command(file: Path, project_dir: Path, as_json: bool) -> None:
    """Read a REFI-QDA project (.qdpx) or codebook (.qdc) from NVivo, ATLAS.ti, MAXQDA or
    QualCoder back into the project: codes and the links between them (to
    codebook/refi-*.yaml, as relations), text sources (matched by their text, or written to
    corpus/refi/ and ingested), codings and memos.

    Importing the same file again adds nothing; what cannot come in is listed with its reason.
    """
    from litsynth.ingest.incremental import IngestOptions, ingest
    from litsynth.synthesis.refi_import import import_refi

    project = load(project_dir)
    existing = project_codebook(project, required=False)
    book_dir = project.codebook_path if project.codebook_path.is_dir() else project.codebook_dir
    with opened(project.store_path) as conn:
        report = import_refi(
            conn,
            file.read_bytes(),
            file.name,
            existing=existing,
            codebook_dir=book_dir,
            sources_dir=project.corpus_dir / "refi",
            ingest=lambda paths: ingest(project, IngestOptions(paths=tuple(paths), quiet=as_json)),
        )
    if as_json:
        print_json(report.to_json())
        return
    click.echo(f"{file.name}: {report.codes_new} new codebook elements"
               + (f" in {report.codebook_file}" if report.codebook_file else ""))  # fmt: skip
    click.echo(f"  sources: {report.sources_matched} already in the project,"
               f" {len(report.sources_written)} written to corpus/refi/ and ingested")  # fmt: skip
    click.echo(f"  codings: {report.codings} added ({report.codings_known} already there);"
               f" memos: {report.memos} added; relations: {report.relations} added;"
               f" document variables: {report.variables} set")  # fmt: skip
    for reason, n in sorted(report.skipped.items()):
        click.echo(f"  not imported: {n} x {reason}")


commands: list[click.Command] = [renamed(agree_command, "agree", "code agree")]
