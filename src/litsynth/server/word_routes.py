"""The Search screen's words: the word frequency and keyness of the passages its code, theme
and attribute filters pick (`litsynth words`), and one word's uses in context, cited.

Counting reads spaCy's lemmas (kept in indexes/nlp.sqlite after the first time), so it runs
in a worker thread: the page's other requests do not wait for it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from litsynth.coding.codebook.model import Codebook
from litsynth.config import Project
from litsynth.errors import LitsynthError
from litsynth.records import attribute_pair
from litsynth.server.downloads import sheet_format, words_file
from litsynth.server.replies import codings_source, switch, whole_number
from litsynth.server.warm import Workspace
from litsynth.store import opened
from litsynth.synthesis.word_query import WordQuery, word_frequencies, word_in_context
from litsynth.synthesis.words import SORTS, WordTable

SHOWN_USES = 1000  # "the" of a big corpus would be a page of 10⁵ lines


def _query(params: Mapping[str, str], project: Project) -> WordQuery:
    """What the page asks to count: a code (or category, or theme), a document, an attribute."""
    attribute = None
    if "attribute" in params:  # given is given: an empty one is a mistake
        attribute = attribute_pair(params["attribute"])
        if attribute is None:
            raise LitsynthError("attribute is NAME=VALUE", "e.g. attribute=source_type=empirical")
    code = (params.get("code") or "").strip()
    against = (params.get("against") or "").strip()
    return WordQuery(
        codes=(code,) if code else (),
        document=(params.get("document") or "").strip(),
        attribute=attribute,
        source=codings_source(params, project),
        min_length=whole_number(params.get("min_length", "3"), "min_length", "min_length=3"),
        phrases=switch(params, "phrases", default=False),
        against=(against,) if against else (),
    )


def word_routes(project: Project, ws: Workspace, route: Callable[..., Route]) -> list[Route]:
    """/api/words and /api/words/context, each behind the workspace's guard (`route`)."""
    from litsynth.coding.codebook.load import project_codebook

    def _codebook(query: WordQuery) -> Codebook | None:
        """The codebook when a code is asked for; the corpus's words need none."""
        return project_codebook(project, required=bool(query.codes or query.against))

    async def counted(request: Request) -> WordTable:
        """The word table the query string asks for, counted in a worker thread."""
        params = request.query_params
        query = _query(params, project)
        sort = params.get("by", "frequency")
        if sort not in SORTS:
            raise LitsynthError(f"by is one of {', '.join(SORTS)}", "by=keyness")
        top = whole_number(params.get("top", "30"), "top is how many words", "top=30")

        def count() -> WordTable:
            with opened(project.store_path) as conn:
                return word_frequencies(conn, project, _codebook(query), query, top=top, sort=sort)

        return await run_in_threadpool(count)

    async def api_words(request: Request) -> Response:
        return JSONResponse((await counted(request)).to_json())

    async def api_words_sheet(request: Request) -> Response:
        fmt = sheet_format(request.query_params.get("format", "xlsx"))  # before counting
        return words_file(await counted(request), fmt)

    async def api_context(request: Request) -> Response:
        params = request.query_params
        query = _query(params, project)
        word = (params.get("word") or "").strip()
        if not word:
            raise LitsynthError("which word?", "word=platform")

        def find() -> dict[str, object]:
            with opened(project.store_path) as conn:
                uses, said = word_in_context(conn, project, _codebook(query), query, word)
            shown = uses[:SHOWN_USES]  # a page lists a word's first uses; the command all
            return {"selection": said, "word": word, "total": len(uses),
                    "uses": [u.to_json() for u in shown]}  # fmt: skip

        return JSONResponse(await run_in_threadpool(find))

    return [
        route("/api/words", api_words, ["GET"]),
        route("/api/words/sheet", api_words_sheet, ["GET"]),
        route("/api/words/context", api_context, ["GET"]),
    ]
