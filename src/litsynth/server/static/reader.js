// Read & code: a document's passages with their suggestions and codings; decide suggestions
// by key or button, code a mouse selection at its stored offsets, walk the review queue.
"use strict";

const readerLoad = newestOnly("passages");

// `focusKey` ("chunk code") names the highlighted suggestion, so a redraw finds it again by
// what it is: by place alone, a redraw that ends after the reviewer moved on (n, a click)
// would highlight whatever now sits where theirs was, and the next key would decide that.
const reader = { document: null, passages: [], focus: 0, focusKey: null, codes: [], selection: null, kinds: {}, quiet: false };

// A code's label as the codebook writes it ("Platform-based coordination"), its id in the tooltip.
function codeLabel(id) { return (reader.codes.find((c) => c.id === id) || {}).label || id; }

function suggestionNodes() { return [...document.querySelectorAll("#passages .suggestion")]; }

const suggestionKey = (node) => node.dataset.chunk + " " + node.dataset.code;

function setFocus(i) {
  const nodes = suggestionNodes();
  if (!nodes.length) return;
  reader.focus = Math.max(0, Math.min(i, nodes.length - 1));
  reader.focusKey = suggestionKey(nodes[reader.focus]);
  nodes.forEach((n, j) => n.classList.toggle("focused", j === reader.focus));
  if (!reader.quiet) nodes[reader.focus].scrollIntoView({ block: "nearest" });
}

// After a redraw: the suggestion highlighted before, wherever it is now, while it is still
// suggested; else the same place.
function refocus() {
  const i = suggestionNodes().findIndex((n) => suggestionKey(n) === reader.focusKey);
  setFocus(i >= 0 ? i : reader.focus);
}

function unfocus() { reader.focus = 0; reader.focusKey = null; }

// A PDF's lines end where its column did, so within a paragraph a line break is shown as a
// space (or as nothing after a hyphen: "fine-grained"). Each break becomes one character, so
// a selection's offsets are still the stored text's. A break stays after a sentence's end,
// after a short line (a heading, a paragraph's last line, a byline) and at a blank line.
function reflowed(text) {
  const lines = text.split("\n");
  const widest = Math.max(...lines.map((line) => line.length));
  return lines.map((line, i) => {
    const next = lines[i + 1];
    if (next === undefined) return line;
    const joins = line.trim() && next.trim() && !/[.:?!]["”’)]?\s*$/.test(line)
      && (/^\s*[a-z(]/.test(next) || line.length >= 0.6 * widest);
    return line + (!joins ? "\n" : /\w-$/.test(line) ? "\u200b" : " ");
  }).join("");
}

// The passage's text in runs, each knowing its offset in the passage: a selection maps back to
// the stored characters exactly. Markdown markup ("**", "<sup>", link addresses) is in runs the
// page hides, so it is not read but still counted.
function passageText(p, reflow) {
  const holder = el("div", undefined, "ptext");
  const shown = reflow ? reflowed(p.text) : p.text;
  let at = 0;
  const run = (end, cls) => {
    if (end <= at) return;
    const span = el("span", shown.slice(at, end), cls);
    span.dataset.at = String(at);
    holder.append(span);
    at = end;
  };
  for (const [start, end] of p.markup || []) {
    run(start);
    run(end, "markup");
  }
  run(p.text.length);
  return holder;
}

function renderPassages() {
  const container = $("passages");
  container.replaceChildren(...reader.passages.map((p) => {
    const role = p.role || "body";
    const box = el("div", undefined, "passage role-" + role.replace(/[^a-z]+/g, "-"));
    box.dataset.chunk = p.chunk_id;
    box.dataset.role = role;
    const body = el("div", undefined, "body");
    const stripes = el("div", undefined, "stripes");
    for (const c of p.codings) {
      const moved = c.changed !== null && c.changed !== undefined;
      const stripe = el("span", codeLabel(c.code) + " (" + c.status + ", " + c.coder + (moved ? ", moved: check it" : "") + ")", "stripe" + (moved ? " moved" : ""));
      stripe.title = moved
        ? c.code + ": carried to this text by its first and last words when the paper was read again; the words between are "
          + Math.round(c.changed * 100) + " % the same"
        : c.code;
      if (moved) {
        stripe.title += " (click once you have checked it)";
        stripe.addEventListener("click", () => checkedMove(c).catch((error) => { $("reader-status").textContent = error.message; }));
      }
      stripes.append(stripe);
    }
    const text = passageText(p, reader.kinds[reader.document] === "pdf");
    text.dataset.start = String(p.start);
    const memo = el("button", "memo…");
    memo.type = "button";
    memo.className = "memo";
    memo.addEventListener("click", () => writeMemo(p.chunk_id));
    const quote = el("button", "copy quote", "copy-quote");  // the whole passage, cited
    quote.type = "button";
    quote.addEventListener("click", () => copyQuote({ chunk: p.chunk_id }));
    const cited = el("div", p.citation + (role === "body" ? "" : " · " + role), "meta");
    if (reader.kinds[reader.document] === "pdf" && p.page_start) {
      // the page itself, in the browser's PDF viewer: to check a figure, a table, a layout
      const page = el("a", "PDF p. " + p.page_start, "source-page");
      page.href = "/api/documents/" + encodeURIComponent(reader.document) + "/file#page=" + p.page_start;
      page.target = "_blank";
      page.title = "the PDF at this passage's page (the file's own page count, not the printed number)";
      cited.append(" · ", page);
    }
    body.append(cited, stripes, text, memo, " ", quote);
    const side = el("div", undefined, "side");
    for (const s of p.suggestions) {
      const item = el("div", undefined, "suggestion" + (s.decision ? " " + s.decision : ""));
      item.dataset.chunk = p.chunk_id;
      item.dataset.code = s.code;
      const colour = (reader.codes.find((c) => c.id === s.code) || {}).color;
      if (colour) item.style.borderLeft = "6px solid " + colour;  // the code's colour, checked CSS
      item.title = s.code;
      item.append(el("strong", codeLabel(s.code)), el("span", " " + s.score.toFixed(2) + (s.score >= s.threshold ? "" : " (below threshold)")), el("div", s.evidence, "meta"));
      // the keys a / r act on the highlighted suggestion; these buttons on this one
      for (const [action, text] of [["accept", "accept"], ["reject", "reject"]]) {
        const button = el("button", text, "decide");
        button.type = "button";
        button.addEventListener("click", () => {
          setFocus(suggestionNodes().indexOf(item));
          decideSuggestion(action);
        });
        item.append(button);
      }
      item.addEventListener("click", (event) => {
        if (event.target.tagName !== "BUTTON") setFocus(suggestionNodes().indexOf(item));
      });
      side.append(item);
    }
    if (!p.suggestions.length) {  // say why the box is empty, rather than leave it blank
      const read = role === "body" || role === "abstract";
      side.append(el("p", read ? "No code suggested here." : "Not suggested on: " + role + ".", "meta none"));
    }
    box.append(body, side);
    return box;
  }));
  refocus();
}

async function writeMemo(target) {
  const text = window.prompt("Memo on passage " + target);
  if (!text || !text.trim()) return;
  try {
    await post("/api/memo", { target, text, coder: reviewer() });
    $("reader-status").textContent = "memo saved on " + target;
  } catch (error) { $("reader-status").textContent = error.message; }
}

// The review queue across documents: the suggestion whose decision teaches the model most.
async function nextToReview() {
  const data = await api("/api/coding/next?" + new URLSearchParams({ coder: reviewer() }));
  if (!data.item) { $("reader-status").textContent = "no undecided suggestion left"; return; }
  const it = data.item;
  $("document").value = it.document;
  reader.focusKey = it.chunk_id + " " + it.code;  // what the drawing highlights
  await loadDocument(it.document);
  const nodes = suggestionNodes();
  const i = nodes.findIndex((n) => n.dataset.chunk === it.chunk_id && n.dataset.code === it.code);
  if (i >= 0) setFocus(i);
  $("reader-status").textContent = data.remaining + " suggestions to review; this one is the most informative";
}

async function loadDocument(id) {
  const another = id !== reader.document;
  if (another) forgetSelection();  // offsets of another document
  reader.document = id;
  const data = await readerLoad(api("/api/documents/" + encodeURIComponent(id) + "?" + new URLSearchParams({ coder: reviewer() })));
  if (data === null) return false;  // a newer load paints instead
  reader.passages = data.passages;
  renderPassages();
  if (another) offerMarks(id).catch(() => { $("pdf-marks").hidden = true; });  // an offer, not a need
  return true;
}

// Each decision starts a suggest run on the server that learns from it (learning.py). The
// page waits for that run, then redraws the document's suggestions where the reviewer is:
// the highlighted suggestion stays highlighted while it is still suggested. Not while words
// are selected: redrawing would drop the selection the reviewer is about to code.
const learning = { runs: 0, watching: false };

function learningLine(s) {
  if (s.error) return "Suggestions not updated: " + s.error + (s.hint ? " (" + s.hint + ")" : "");
  if (s.running) return "Suggestions are learning from your latest decisions…";
  if (!s.runs) return "Suggestions learn from each decision you make here.";
  return "Suggestions updated at " + s.finished + " UTC from " + s.decisions
    + (s.decisions === 1 ? " coded passage (" : " coded passages (")
    + s.suggested + " suggested, " + s.seconds + " s).";
}

async function watchLearning() {
  if (learning.watching) return;
  learning.watching = true;
  try {
    let s = await api("/api/coding/learning");
    while (s.running) {
      $("learning-status").textContent = learningLine(s);
      await new Promise((done) => setTimeout(done, 700));
      s = await api("/api/coding/learning");
    }
    $("learning-status").textContent = learningLine(s);
    if (s.runs > learning.runs && reader.document && !reader.selection) {
      learning.runs = s.runs;
      await redrawKeepingFocus();
      await showCodeCounts();
    }
  } catch (error) {
    $("learning-status").textContent = error.message;
  } finally {
    learning.watching = false;
  }
}

// Each code's passages (the codebook tree's counts) beside its name in the Code list; again
// after a learning run, which moves them.
async function showCodeCounts() {
  let counts;
  try {
    counts = treeField((await api("/api/codebook")).tree, "passages");
  } catch (error) { return; /* counts are a help, not a need */ }
  for (const o of $("code-pick").options) {
    const c = reader.codes.find((code) => code.id === o.value);
    if (c) o.textContent = c.label + " (" + c.id + ")" + (c.id in counts ? " · " + counts[c.id] : "");
  }
}

// The page is redrawn in one go and not scrolled: the reviewer may be reading elsewhere than
// the highlighted suggestion, which stays highlighted while it is still suggested.
async function redrawKeepingFocus() {
  reader.quiet = true;
  try {
    // the drawing highlights the suggestion highlighted when it ends (refocus), which is the
    // reviewer's latest choice even if they moved while it loaded; a load they asked for
    // meanwhile (n, another document) supersedes it and places the page itself
    await loadDocument(reader.document);
  } finally {
    reader.quiet = false;
  }
}

async function decideSuggestion(action) {
  const node = suggestionNodes()[reader.focus];
  if (!node) return;
  // change: the code picked in the toolbar replaces the suggested one
  const newCode = action === "change" ? $("code-pick").value : "";
  if (action === "change" && newCode === node.dataset.code) {
    $("reader-status").textContent = "pick another code in the Code list to change to";
    return;
  }
  try {
    await post("/api/coding/decide", { chunk_id: node.dataset.chunk, code: node.dataset.code, action, new_code: newCode, coder: reviewer() });
    $("reader-status").textContent = action + " " + node.dataset.code + (newCode ? " to " + newCode : "") + " on " + node.dataset.chunk;
    const keep = reader.focus;
    await loadDocument(reader.document);
    setFocus(keep + 1);
    watchLearning();
  } catch (error) {
    $("reader-status").textContent = error.message;
    // gone since the page drew it (a learning run replaced it): show the current ones
    if (/no suggestion of/.test(error.message)) await loadDocument(reader.document);
  }
}

function forgetSelection() {
  reader.selection = null;
  $("code-selection").disabled = true;
  $("copy-quote").disabled = true;
  $("selection-info").textContent = "";
}

function onSelection() {
  const sel = window.getSelection();
  // A click that collapses the selection (on the code list, say) keeps the pending one:
  // select, pick a code, press "Code selection" must work whatever the browser does on focus.
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return;
  forgetSelection();
  const range = sel.getRangeAt(0);
  const first = range.startContainer.parentElement;
  const last = range.endContainer.parentElement;
  const holder = first && first.parentElement;
  const inOnePassage = holder && holder.classList.contains("ptext") && last && last.parentElement === holder
    && range.startContainer.nodeType === Node.TEXT_NODE && range.endContainer.nodeType === Node.TEXT_NODE;
  if (!inOnePassage) {
    // Across two passages, or from a citation line into the text: say why nothing happens.
    if ($("passages").contains(range.commonAncestorContainer)) {
      $("selection-info").textContent = "select text within one passage to code it";
    }
    return;
  }
  const base = Number(holder.dataset.start);
  reader.selection = {
    start: base + Number(first.dataset.at) + range.startOffset,
    end: base + Number(last.dataset.at) + range.endOffset,
    text: sel.toString(),
    chunk: holder.closest(".passage").dataset.chunk,
  };
  $("code-selection").disabled = false;
  $("copy-quote").disabled = false;
  $("selection-info").textContent = "selected " + (reader.selection.end - reader.selection.start) + " characters";
}

async function codeSelection() {
  if (!reader.selection) return;
  const code = $("code-pick").value;
  try {
    const body = { document: reader.document, start: reader.selection.start, end: reader.selection.end, code, coder: reviewer() };
    await post("/api/coding/add", body);
    $("reader-status").textContent = "coded " + codeLabel(code) + " at characters " + body.start + "–" + body.end;
    window.getSelection().removeAllRanges();
    forgetSelection();
    await loadDocument(reader.document);
    watchLearning();
  } catch (error) { $("reader-status").textContent = error.message; }
}

// The selected words (or a whole passage) as a writer quotes them, cited by the page they are
// on (a passage can run over two pages; the server narrows the citation to the selection's).
async function copyQuote(what) {
  const span = what || reader.selection;  // a passage ({chunk}), else the selected words
  if (!span) return;
  const { chunk, start, end } = span;
  const params = start === undefined ? { chunk } : { chunk, start, end };
  try {
    const quoted = await api("/api/quote?" + new URLSearchParams(params));
    const copied = await copyText(quoted.quote);
    $("reader-status").textContent = (copied ? "copied: " : "copy it from here: ") + quoted.quote;
  } catch (error) { $("reader-status").textContent = error.message; }
}

// The document list, from the store: each document by its citation and file.
function listDocuments(docs) {
  reader.kinds = Object.fromEntries(docs.map((d) => [d.id, d.kind]));
  $("document").replaceChildren(...docs.map((d) => { const o = el("option", d.label + " — " + d.path); o.value = d.id; return o; }));
  $("remove-document").disabled = !docs.length;
  offerDraft();
}

// "Draft codes" while the project has papers and no code yet.
function offerDraft() {
  $("draft-codes").hidden = (reader.codes || []).length > 0 || !$("document").options.length;
}

// The document list read again after papers came in, and a document shown: `wanted` where it
// is there, else the one on screen, else the first.
async function showDocuments(wanted) {
  const docs = await api("/api/documents");
  listDocuments(docs);
  const has = (id) => Boolean(id) && docs.some((d) => d.id === id);
  const shown = has(wanted) ? wanted : has(reader.document) ? reader.document : docs.length ? docs[0].id : null;
  if (!shown) return;
  if (shown !== reader.document) unfocus();
  $("document").value = shown;
  await loadDocument(shown);
}

// Papers chosen on this screen, each stored in corpus/, read and embedded in turn (`litsynth
// ingest FILE`); the last one read is then shown. One that cannot be read is said, not kept.
async function addDocuments(dropped) {
  const files = [...(dropped || $("add-documents").files)];
  if (!files.length) return;
  const failed = [];
  let shown = null;
  let linked = 0;  // matched to their records by DOI or title, as `litsynth link` matches
  $("add-documents").disabled = true;
  for (const [i, file] of files.entries()) {
    $("reader-status").textContent = "Reading " + (i + 1) + " of " + files.length + ": " + file.name + "…";
    try {
      const added = await sendFile("/api/documents/add", { name: file.name }, file);
      shown = added.document_id;
      linked += added.linked_records.length ? 1 : 0;
    } catch (error) {
      failed.push(error.message);
    }
  }
  $("add-documents").disabled = false;
  $("add-documents").value = "";
  await showDocuments(shown);
  if (shown && reader.codes.length) watchLearning();  // the new passages' suggestions
  $("reader-status").textContent = (files.length - failed.length) + " of " + files.length + " added"
    + (linked ? " (" + linked + " the full text of a record, matched by DOI or title)" : "")
    + (failed.length ? ". Not added: " + failed.join("; ") : ".");
}

// The files put in corpus/ by the file system, read from here as `litsynth ingest` reads them.
// It runs in the background (a second a page); the status line says how far it is.
async function readCorpus(reread) {
  $("read-corpus").disabled = $("reread-corpus").disabled = true;
  try {
    let s = await post("/api/ingest" + (reread ? "?reread=1" : ""), {});
    while (s.running) {
      $("reader-status").textContent = s.total
        ? "Reading corpus/: " + s.done + " of " + s.total + " files…" + (s.note ? " (" + s.note + ")" : "")
        : reread ? "Reading the files in corpus/ again…" : "Looking for new and changed files in corpus/…";
      await new Promise((done) => setTimeout(done, 700));
      s = await api("/api/ingest");
    }
    if (s.error) {
      $("reader-status").textContent = s.error + (s.hint ? " (" + s.hint + ")" : "");
      return;
    }
    await showDocuments(null);
    $("reader-status").textContent = "corpus/ read: " + s.last.summary
      + (s.last.linked ? "; " + s.last.linked + " records matched to their full texts" : "")
      + (s.last.carried ? "; " + plural(s.last.carried, "coding") + " moved with "
        + (s.last.carried === 1 ? "its" : "their") + " words to the new text" : "")
      + (s.last.left ? "; " + plural(s.last.left, "coding") + " not found in a new version, kept"
        + " on the old one (`litsynth ingest --carry` quotes them)" : "")
      + (s.last.same ? "; " + plural(s.last.same, "file") + " read the same as before" : "") + ".";
    offerReread(s);
    if (reader.codes.length && s.last.passages) watchLearning();
  } finally {
    $("read-corpus").disabled = $("reread-corpus").disabled = false;
  }
}

// The Code list, from the codebook: each code by its label and id, its definition on hover.
function fillCodes(codes) {
  reader.codes = codes;
  $("code-pick").replaceChildren(...codes.map((c) => {
    const o = el("option", c.label + " (" + c.id + ")");
    o.value = c.id; o.title = c.definition; return o;
  }));
  offerDraft();
}

// A coding carried by its ends, read by the reviewer and found right: no longer marked.
async function checkedMove(coding) {
  await post("/api/coding/checked", { id: coding.id });
  $("reader-status").textContent = codeLabel(coding.code) + " checked where it was carried.";
  await loadDocument(reader.document);
}

// A drafted or new code given its real label and definition (or deleted, unused), in the
// file litsynth wrote it to; a code of the reviewer's own files is refused with where it is.
async function editCode() {
  const code = reader.codes.find((c) => c.id === $("code-pick").value);
  if (!code) return;
  const label = prompt("Label of " + code.id + " (leave empty to delete the code):", code.label);
  if (label === null) return;
  let body = { id: code.id, delete: true };
  if (label.trim()) {
    const definition = prompt("What does “" + label.trim() + "” mean?", code.definition);
    if (definition === null) return;
    body = { id: code.id, label, definition };
  } else if (!confirm("Delete the code " + code.id + "? Only one nobody has coded with can go.")) {
    return;
  }
  const edited = await post("/api/codes/edit", body);
  fillCodes(await api("/api/codes"));
  if (!edited.deleted) $("code-pick").value = code.id;
  await showCodeCounts();
  $("reader-status").textContent = code.id + (edited.deleted ? " deleted from " : " now “" + edited.label + "” in ") + edited.file + ".";
  watchLearning();
}

// Open coding from the corpus: one draft code per cluster of passages (code discover).
async function draftCodes() {
  $("draft-codes").disabled = true;
  $("reader-status").textContent = "Drafting codes from the passages…";
  try {
    const drafted = await post("/api/codebook/draft", {});
    fillCodes(await api("/api/codes"));
    await showCodeCounts();
    $("reader-status").textContent = plural(drafted.codes, "code") + " drafted from "
      + plural(drafted.passages, "passage") + " in " + drafted.file + ", each with its key phrases"
      + " and quotes: rewrite their labels and definitions there, and delete those you do not want.";
    watchLearning();
  } finally {
    $("draft-codes").disabled = false;
  }
}

// Open coding: a code made when the text calls for one, and the selected words (if any)
// coded with it at once.
async function newCode() {
  const label = prompt("The new code's label:", "");
  if (!label || !label.trim()) return;
  const definition = prompt("What does “" + label.trim() + "” mean? One sentence:", "");
  if (definition === null) return;
  const made = await post("/api/codes/new", { label, definition });
  fillCodes(await api("/api/codes"));
  $("code-pick").value = made.id;
  await showCodeCounts();
  $("reader-status").textContent = "new code " + made.label + " (" + made.id + ") in " + made.file
    + (reader.selection ? "" : "; select words and press “Code selection” to code them");
  if (reader.selection) await codeSelection();
}

// The document on screen taken out of the project, once the reviewer says so: the wrong
// paper, a second download. One with codings or memos is refused, with why.
async function removeDocument() {
  const id = $("document").value;
  if (!id) return;
  const name = $("document").selectedOptions[0].textContent;
  if (!confirm("Remove " + name + " from the project?\nIts passages leave the store; its file"
    + " moves to corpus/.removed/ (move it back and read corpus/ to undo).")) return;
  const removed = await post("/api/documents/remove", { document_id: id });
  reader.document = null;
  await showDocuments(null);
  if (!$("document").options.length) $("passages").replaceChildren();
  const moved = removed.moved.map((m) => m.path + (m.to ? " (its file is now " + m.to + ")" : ""));
  $("reader-status").textContent = "Removed " + moved.join(", ") + ": "
    + plural(removed.passages, "passage") + " out of the store"
    + (removed.records.length ? "; no longer the full text of " + removed.records.join(", ") : "") + ". ";
  const back = removed.moved.find((m) => m.to);
  if (back) {
    const button = el("button", "put it back");
    button.type = "button";
    button.addEventListener("click", () => putBack(back.path).catch((error) => { $("reader-status").textContent = error.message; }));
    $("reader-status").append(button);
  }
}

// A removal undone: the file moved back from corpus/.removed/ and read again.
async function putBack(path) {
  $("reader-status").textContent = "Putting " + path + " back…";
  const back = await post("/api/documents/put-back", { path });
  await showDocuments(back.document_id);
  $("reader-status").textContent = path + " is back.";
}

// PDFs an older litsynth read: one button reads them again, their codings carried.
function offerReread(s) {
  $("reread-corpus").hidden = !s.read_by_older;
  $("reread-corpus").textContent = "Read " + plural(s.read_by_older, "PDF") + " again";
}

// Papers dragged from the desktop onto the reader are added as if chosen.
function onReaderDrop(event) {
  if (!event.dataTransfer || !event.dataTransfer.types.includes("Files")) return;
  event.preventDefault();
  if (event.type === "drop" && !$("add-documents").disabled) {
    addDocuments(event.dataTransfer.files).catch((error) => { $("reader-status").textContent = error.message; });
  }
}

async function startReader() {
  const [docs, codes] = await Promise.all([api("/api/documents"), api("/api/codes")]);
  reader.codes = codes;
  listDocuments(docs);
  $("add-documents").addEventListener("change", () => addDocuments().catch((error) => { $("reader-status").textContent = error.message; }));
  $("read-corpus").addEventListener("click", () => readCorpus(false).catch((error) => { $("reader-status").textContent = error.message; }));
  $("remove-document").addEventListener("click", () => removeDocument().catch((error) => { $("reader-status").textContent = error.message; }));
  $("reread-corpus").addEventListener("click", () => readCorpus(true).catch((error) => { $("reader-status").textContent = error.message; }));
  api("/api/ingest").then(offerReread).catch(() => { /* an offer, not a need */ });
  $("reader-view").addEventListener("dragover", onReaderDrop);
  $("reader-view").addEventListener("drop", onReaderDrop);
  fillCodes(codes);
  await showCodeCounts();
  api("/api/coding/learning").then((s) => {
    learning.runs = s.runs;
    $("learning-status").textContent = codes.length ? learningLine(s) : "";
    if (s.running) watchLearning();  // opened mid-run (another tab's decision): follow it
  }).catch(() => { /* the line is a help, not a need */ });
  if (!codes.length) {
    $("reader-status").textContent = "No codebook yet: make codes as you read with “New code…”"
      + " (select the words first to code them with it), let “Draft codes” propose some from"
      + " the passages, or write them in codebook/*.yaml (docs/coding.md).";
  }
  if (!docs.length) {
    $("reader-status").textContent = "No documents yet: add PDFs or text files with “Add documents”"
      + " above, or put them in corpus/ and press “Read corpus/”.";
  }
  $("pdf-marks-import").addEventListener("click", () => importMarks().catch((error) => { $("reader-status").textContent = error.message; }));
  $("draft-codes").addEventListener("click", () => draftCodes().catch((error) => { $("reader-status").textContent = error.message; }));
  $("edit-code").addEventListener("click", () => editCode().catch((error) => { $("reader-status").textContent = error.message; }));
  $("new-code").addEventListener("click", () => newCode().catch((error) => { $("reader-status").textContent = error.message; }));
  $("code-find").addEventListener("input", () => {
    const words = $("code-find").value.toLowerCase().trim();
    const options = [...$("code-pick").options];
    for (const o of options) o.hidden = Boolean(words) && !(o.textContent + " " + o.title).toLowerCase().includes(words);
    const first = options.find((o) => !o.hidden);
    if (first) $("code-pick").value = first.value;
  });
  $("document").addEventListener("change", () => { unfocus(); loadDocument($("document").value); });
  document.addEventListener("selectionchange", onSelection);
  $("code-selection").addEventListener("click", codeSelection);
  $("copy-quote").addEventListener("click", () => copyQuote());
  document.addEventListener("keydown", (event) => {
    if (event.target.tagName === "INPUT" || event.target.tagName === "SELECT") return;
    if (event.key === "a") decideSuggestion("accept");
    else if (event.key === "r") decideSuggestion("reject");
    else if (event.key === "c") decideSuggestion("change");
    else if (event.key === "j") setFocus(reader.focus + 1);
    else if (event.key === "k") setFocus(reader.focus - 1);
    else if (event.key === "n") nextToReview().catch((error) => { $("reader-status").textContent = error.message; });
    else return;
    event.preventDefault();
  });
  // A link from search opens a document at a passage: #doc=…&chunk=…
  const wanted = new URLSearchParams(location.hash.slice(1));
  const start = docs.find((d) => d.id === wanted.get("doc")) || docs[0];
  if (!start) return;
  $("document").value = start.id;
  await loadDocument(start.id);
  const target = wanted.get("chunk") && document.querySelector('.passage[data-chunk="' + CSS.escape(wanted.get("chunk")) + '"]');
  if (target) { target.classList.add("target"); target.scrollIntoView({ block: "center" }); }
  // …&from=…&to=…: the search hit's sentence (offsets into the passage), marked without
  // touching the text, so a selection for coding still maps to the stored characters
  if (target && wanted.has("from")) markRange(target.querySelector(".ptext"), Number(wanted.get("from")), Number(wanted.get("to")));
}

// The text node and offset of character `at` of a passage's shown runs (passageText).
function textPoint(holder, at) {
  for (const run of holder.children) {
    const start = Number(run.dataset.at);
    const node = run.firstChild;
    if (node && at >= start && at <= start + node.length) return [node, at - start];
  }
  return null;
}

function markRange(holder, from, to) {
  const a = textPoint(holder, from);
  const b = textPoint(holder, to);
  if (!a || !b || !(to > from) || !window.CSS || !CSS.highlights) return;  // an old browser: the passage stays marked
  const range = document.createRange();
  range.setStart(a[0], a[1]);
  range.setEnd(b[0], b[1]);
  CSS.highlights.set("search-focus", new Highlight(range));
}
