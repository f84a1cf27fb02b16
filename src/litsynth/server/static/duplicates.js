// Duplicates: the pairs the matcher was unsure of, one at a time, side by side, settled as
// the same work or different works (`litsynth dedupe resolve`), the most alike first.
"use strict";

const pairLoad = newestOnly("pair-area");
const pairState = { pair: null, busy: false, last: null, apart: 0 };  // last: the verdict just given; apart: pairs set apart by their DOIs

// A title with the words the other title lacks marked, [start, end) spans from the server.
function titleWithDifferences(title, spans) {
  return markSpans(title, spans, () => "differs");
}

// The facts of a record, each marked where the server found the two records disagree
// (`differs`: the first author's family name, the year, the first page, the DOI), the
// facts that moved the pair down the order; and the work type when one is a notice (an
// erratum, a retraction) about the other.
function drawSide(id, rec, differs) {
  const side = $(id);
  side.replaceChildren();
  const title = el("h2");
  title.append(rec.title ? titleWithDifferences(rec.title, rec.title_differs) : "(no title)");
  side.append(title, el("p", rec.id + " · " + rec.source, "meta"));
  const facts = el("p", undefined, "meta");
  const shown = [
    [rec.authors.slice(0, 6).join("; "), differs.includes("author")],
    [String(rec.year || "n.d."), differs.includes("year")],
    [rec.journal, false],
    [rec.type, differs.includes("type")],  // "Erratum" beside the article: not the same work
    [rec.pages && "pp. " + rec.pages, differs.includes("pages")],
    [rec.doi && "doi:" + rec.doi, differs.includes("doi")],
  ].filter(([text]) => text);
  shown.forEach(([text, differs], i) => {
    if (i) facts.append(" · ");
    facts.append(differs ? el("mark", text, "differs") : text);
  });
  side.append(facts);
  side.append(el("p", rec.abstract ? rec.abstract.slice(0, 900) + (rec.abstract.length > 900 ? " …" : "") : "(no abstract)", "abstract-short"));
}

function showPair(data) {
  pairState.pair = data.pair;
  $("pair-progress").textContent = data.remaining + " pairs left to settle · " + data.settled + " settled by people"
    + (pairState.apart ? " · " + pairState.apart + " set apart by their DOIs (`litsynth dedupe --set-apart`)" : "");
  $("pair").hidden = $("pair-actions").hidden = data.pair === null;
  $("pair-done").hidden = data.pair !== null;
  if (!data.pair) {
    // none left, or none looked for yet: the project's status says which
    api("/api/status").then((status) => {
      if (status.records.deduplicated_records === null) {
        $("pair-done").textContent = "Duplicates have not been looked for yet: run `litsynth dedupe` (after `litsynth import`), then reload.";
      }
    }).catch((error) => { $("pair-status").textContent = error.message; });
    return;
  }
  drawSide("side-a", data.pair.a, data.pair.differs);
  drawSide("side-b", data.pair.b, data.pair.differs);
  $("pair").dataset.pair = data.pair.a.id + "|" + data.pair.b.id;
  $("pair").dataset.likeness = data.pair.likeness;
}

async function loadPair() {
  // the pairs set apart by their DOIs were never questions: counted once, from the status
  const status = await api("/api/status").catch(() => null);
  pairState.apart = status && status.records ? status.records.set_apart_pairs || 0 : 0;
  const data = await pairLoad(api("/api/dedupe/next"));
  if (data !== null) showPair(data);
}

// A verdict on the pair shown, or (`pair` given) a changed verdict on the last one: the latest
// verdict on a pair is the one that counts, as with `litsynth dedupe resolve`.
async function settle(same, pair) {
  const target = pair || pairState.pair;
  if (!target || pairState.busy) return;
  pairState.busy = true;
  try {
    const { a, b } = target;
    const data = await pairLoad(post("/api/dedupe/resolve", { a: a.id, b: b.id, same, reviewer: reviewer() }));
    pairState.last = { pair: target, same };
    $("pair-status").textContent = a.id + " and " + b.id + (same ? ": the same work" : ": different works");
    $("pair-status").className = "status";
    $("do-flip").textContent = same ? "No: different works (u)" : "No: the same work (u)";
    $("do-flip").hidden = false;
    if (data !== null) showPair(data);
  } catch (error) {
    $("pair-status").textContent = error.message;
    $("pair-status").className = "status error";
  } finally {
    pairState.busy = false;
  }
}

function onPairKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey || event.target.tagName === "INPUT") return;
  if (event.key === "s") settle(true);
  else if (event.key === "d") settle(false);
  else if (event.key === "u") flipLast();
}

function flipLast() {
  if (pairState.last) settle(!pairState.last.same, pairState.last.pair);
}

// A pairs sheet filled in elsewhere (`litsynth dedupe export-sheet`, or the download above):
// its verdicts recorded as `dedupe import-sheet` records them, then the next pair.
async function importPairSheet(event) {
  event.preventDefault();
  const file = $("pair-sheet-file").files[0];
  if (!file) return;
  $("pair-sheet-result").hidden = false;
  $("pair-sheet-result").textContent = "reading " + file.name + "…";
  try {
    const done = await sendFile("/api/dedupe/import-sheet", { name: file.name, reviewer: reviewer() }, file);
    $("pair-sheet-result").textContent = done.lines.join("\n");
    await loadPair();
  } catch (error) {
    $("pair-sheet-result").textContent = error.message;
  }
}
