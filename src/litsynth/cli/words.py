"""`litsynth words`: word frequency and keyness of a code's, theme's or document's passages,
and any word back in its context (synthesis/words.py says what is counted and how)."""

from __future__ import annotations

from pathlib import Path

import click

from litsynth.cli.common import (
    attribute_value,
    json_option,
    load,
    print_json,
    project_option,
    source_option,
)
from litsynth.coding.codebook.load import project_codebook
from litsynth.errors import SynthesisError
from litsynth.store import opened
from litsynth.synthesis.word_query import (
    WordQuery,
    word_frequencies,
    word_in_context,
    write_words,
)
from litsynth.synthesis.words import REST, SIGNIFICANT, SORTS, WordTable
from litsynth.words import count


@click.command("words")
@click.option(
    "--code",
    "codes",
    multiple=True,
    metavar="ID",
    help="The coded spans of this code, or of every code of this category or theme"
    " (repeat it for several). Default: the body and abstract passages.",
)
@click.option(
    "--against",
    multiple=True,
    metavar="ID",
    help="Weigh the words against this code's (category's, theme's) spans instead of the rest"
    " of the corpus: what one theme says that another does not.",
)
@click.option("--document", default="", metavar="ID", help="Only this document.")
@click.option(
    "--attribute",
    default=None,
    metavar="NAME=VALUE",
    help="Only documents with this attribute value, e.g. source_type=empirical.",
)
@click.option("--top", type=int, default=30, show_default=True, help="Words to list (0: all).")
@click.option(
    "--by",
    "sort",
    type=click.Choice(SORTS),
    default="frequency",
    show_default=True,
    help="Most used first, or most distinctive (keyness against the rest of the corpus).",
)
@click.option("--min-length", type=int, default=3, show_default=True, help="Shortest word counted.")
@click.option(
    "--phrases",
    is_flag=True,
    help='Two-word phrases ("supply chain", "business model") instead of single words.',
)
@click.option(
    "--context",
    "word",
    default=None,
    metavar="WORD",
    help="Instead of counting: every use of WORD (any of its forms) in context, cited.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the words to a sheet (.csv or .xlsx).",
)
@source_option
@json_option
@project_option
def words_command(
    codes: tuple[str, ...],
    against: tuple[str, ...],
    document: str,
    attribute: str | None,
    top: int,
    sort: str,
    min_length: int,
    phrases: bool,
    word: str | None,
    out: Path | None,
    source: str | None,
    as_json: bool,
    project_dir: Path,
) -> None:
    """The words (or two-word phrases) a code's (category's, theme's) coded spans use, or a
    document's passages, or the whole corpus's: how often, in how many passages and
    documents, and how much more than in the rest of the corpus or another theme
    (log-likelihood G², log ratio). Inflected forms count as one word; stop words are left
    out. --context WORD shows every use of a word with its citation.
    """
    if min_length < 1:
        raise click.BadParameter("at least 1", param_hint="--min-length")
    project = load(project_dir)
    query = WordQuery(
        codes=codes,
        document=document,
        attribute=attribute_value(attribute),
        source=source or project.settings.synthesis.source,
        min_length=min_length,
        phrases=phrases,
        against=against,
    )
    if not project.store_path.exists():
        raise SynthesisError(f"no store at {project.store_path}", hint="run `litsynth ingest`")
    codebook = project_codebook(project, required=bool(codes or against))  # words need none
    with opened(project.store_path) as conn:
        if word is not None:
            lines, said = word_in_context(conn, project, codebook, query, word)
        else:
            table = word_frequencies(conn, project, codebook, query, top=top, sort=sort)
    if word is not None:
        if as_json:
            print_json({"selection": said, "word": word, "uses": [u.to_json() for u in lines]})
            return
        click.echo(f"{word!r} in {said}: {count(len(lines), 'use')}")
        for use in lines:
            click.echo(f"  {use.left:>55}[{use.word}]{use.right}")
            click.echo(f"  {'':>55} {use.passage.citation}")
        return
    if out is not None:
        write_words(table, out)
    if as_json:
        print_json(table.to_json())
        return
    _render(table, codes=bool(codes))
    if out is not None:
        click.echo(f"written {out}")


def _render(table: WordTable, *, codes: bool) -> None:
    unit = "spans" if codes else "passages"
    weighed = table.rest_tokens > 0  # the whole corpus has nothing to be weighed against
    click.echo(
        f"{table.kind.capitalize()} of {table.selection}: {table.tokens:,} counted"
        + (f", against {table.rest_tokens:,} in {table.reference}"
           + (f" ({count(table.rest_units, 'passage')})" if table.reference == REST else "")
           if weighed else "")
    )  # fmt: skip
    header = f"{table.kind[:-1]:<22}{'count':>7}{'weighted %':>12}{unit:>10}{'documents':>11}"
    there = "rest" if table.reference == REST else "there"
    click.echo(header + (f"{there:>7}{'G²':>10}{'log ratio':>11}" if weighed else ""))
    for w in table.words:
        line = f"{w.word[:21]:<22}{w.count:>7}{100 * w.share:>11.2f}%{w.units:>10}{w.documents:>11}"
        if weighed:
            mark = " *" if w.significant else "  "
            line += f"{w.rest:>7}{w.g2:>+8.1f}{mark}{w.log_ratio:>+11.2f}"
        click.echo(line)
    if weighed:
        click.echo(
            f"* used more (G² +) or less (G² −) here than there, p < 0.01"
            f" (|G²| ≥ {SIGNIFICANT}); log ratio +1: twice as frequent here."
        )
    click.echo("`litsynth words --context WORD` (with the same options) shows a word's uses.")


commands = [words_command]
