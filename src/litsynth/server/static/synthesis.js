// Search, the extraction table, and the matrices screen: matrices with their cells, themes
// and the codebook tree.
"use strict";

const searchLoad = newestOnly("hits");
const matrixLoad = newestOnly("matrix");
const themesLoad = newestOnly("themes");
const extractionLoad = newestOnly("extraction");

let shownHits = [];  // the hits on the page, for "copy all as quotes"

async function copyAllHits() {
  const done = await copyText(shownHits.map((h) => h.quote).join("\n\n"));
  const n = shownHits.length;
  $("copy-all").textContent = done ? "copied " + n + (n === 1 ? " quote" : " quotes") : "copy failed: select the text";
}

// text[from, to) as nodes, the words inside `marks` ([start, end) pairs) in bold
function boldWords(text, from, to, marks) {
  const nodes = [];
  let at = from;
  for (const [a, b] of marks) {
    if (b <= at || a >= to) continue;
    if (a > at) nodes.push(document.createTextNode(text.slice(at, a)));
    nodes.push(el("b", text.slice(Math.max(a, at), Math.min(b, to)), "query-word"));
    at = Math.min(b, to);
  }
  if (at < to) nodes.push(document.createTextNode(text.slice(at, to)));
  return nodes;
}

// The hit's shown text with the sentence closest to the query marked (`focus`) and the
// query's own words in bold (`marks`): offsets into `shown`, from the server.
function hitText(h) {
  const text = h.shown;
  const marks = h.marks || [];
  const holder = el("div", undefined, "hit-text");
  if (!h.focus) {
    holder.append(...boldWords(text, 0, text.length, marks));
    return holder;
  }
  const [start, end] = [h.focus.shown_start, h.focus.shown_end];
  const mark = el("mark", undefined, "focus");
  mark.append(...boldWords(text, start, end, marks));
  holder.append(...boldWords(text, 0, start, marks), mark, ...boldWords(text, end, text.length, marks));
  return holder;
}

function copyButton(label, quote) {
  const button = el("button", label, "copy-quote");
  button.type = "button";
  button.title = quote;
  button.addEventListener("click", async () => {
    button.textContent = (await copyText(quote)) ? "copied" : "copy failed: select the text";
  });
  return button;
}

// The codebook's codes and themes offered in the search filters (typing an id still works).
async function offerCodes() {
  const { tree } = await api("/api/codebook");
  const lists = { code: [], theme: [] };
  const walk = (nodes) => nodes.forEach((n) => {
    if (n.kind in lists) lists[n.kind].push(n);
    walk(n.children);
  });
  walk(tree);
  for (const [kind, nodes] of Object.entries(lists)) {
    $(kind + "-ids").replaceChildren(...nodes.map((n) => {
      const option = el("option", n.label + " (" + n.passages + ")");
      option.value = n.id;
      return option;
    }));
  }
}

async function runSearch(event) {
  event.preventDefault();
  const params = new URLSearchParams({ q: $("q").value, k: "10" });
  if ($("code").value.trim()) params.set("code", $("code").value.trim());
  for (const [id, name] of [["year-min", "year_min"], ["year-max", "year_max"], ["attribute", "attribute"], ["role", "role"], ["per-document", "per_document"]]) {
    if ($(id).value.trim()) params.set(name, $(id).value.trim());
  }
  if ($("theme").value.trim()) params.set("theme", $("theme").value.trim());
  // the same search, as a sheet to download
  for (const format of ["xlsx", "csv"]) $("hits-" + format).href = "/api/search/sheet?" + params + "&format=" + format;
  const list = $("hits");
  // The first search of a session loads the embedding model (seconds): say what is going on.
  list.replaceChildren(el("li", "Searching… (the first search loads the model)", "meta"));
  $("hits-actions").hidden = true;
  try {
    const hits = await searchLoad(api("/api/search?" + params));
    if (hits === null) return;  // a newer search shows its hits
    shownHits = hits;
    $("hits-actions").hidden = !hits.length;
    $("copy-all").textContent = hits.length === 1 ? "copy it as a quote" : "copy all " + hits.length + " as quotes";
    if (!hits.length) {
      list.replaceChildren(el("li", "No passage found: no passage is allowed by these filters"
        + " (code, theme, years, attribute, kind of passage).", "meta"));
      return;
    }
    list.replaceChildren(...hits.map((h) => {
      const li = document.createElement("li");
      const cite = document.createElement("div"); cite.className = "cite"; cite.textContent = h.citation + " — " + h.title;
      const text = hitText(h);
      const meta = document.createElement("div"); meta.className = "meta"; meta.textContent = "score " + h.score.toFixed(3) + " · passage " + h.chunk_id + " · ";
      const open = document.createElement("a");
      open.textContent = "open in the reader";
      open.className = "open-reader";
      const at = h.focus ? { from: h.focus.start, to: h.focus.end } : {};
      open.href = "/screens/reader#" + new URLSearchParams({ doc: h.document_id, chunk: h.chunk_id, ...at });
      // the passage as a writer pastes it: “…” (Author, Year, p. N); and the marked
      // sentence alone, cited by the page it is on
      meta.append(open, " · ", copyButton("copy quote", h.quote));
      if (h.focus) meta.append(" · ", copyButton("copy the marked sentence", h.focus.quote));
      li.append(cite, text, meta);
      return li;
    }));
  } catch (error) {
    const li = document.createElement("li"); li.textContent = error.message; list.replaceChildren(li);
  }
}

// The Words panel: what the search filters pick, counted (`litsynth words`), and a word's
// uses in context, each opening the reader at its words.
function wordFilters() {
  const params = new URLSearchParams();
  if (wordsSource) params.set("source", wordsSource);
  const code = $("code").value.trim() || $("theme").value.trim();
  if (code) params.set("code", code);
  if ($("attribute").value.trim()) params.set("attribute", $("attribute").value.trim());
  return params;
}

// Opened from a theme on the Matrices screen (#theme=…&words=keyness): that theme's words.
function wordsFromAddress() {
  const asked = new URLSearchParams(location.hash.slice(1));
  if (!asked.get("words")) return;
  if (asked.get("theme")) $("theme").value = asked.get("theme");
  if (asked.get("code")) $("code").value = asked.get("code");
  if (["frequency", "keyness"].includes(asked.get("words"))) $("words-by").value = asked.get("words");
  wordsSource = asked.get("source") || "";
  countWords();
  $("words-form").scrollIntoView();
}

let wordsSource = "";  // the codings the Matrices screen counted, when it sent us here

async function countWords(event) {
  if (event) event.preventDefault();
  const params = wordFilters();
  params.set("by", $("words-by").value);
  if ($("words-phrases").checked) params.set("phrases", "1");
  if ($("words-against").value.trim()) params.set("against", $("words-against").value.trim());
  $("words-status").textContent = "Counting… (the first count loads spaCy)";
  $("words-sheet").hidden = true;
  $("word-uses").replaceChildren();
  $("uses-title").hidden = true;
  try {
    const table = await api("/api/words?" + params);
    const weighed = table.rest_tokens > 0;
    $("words-status").textContent = (table.kind === "phrases" ? "Phrases of " : "Words of ") + table.selection + ": " + table.tokens.toLocaleString()
      + " counted" + (weighed ? ", against " + table.rest_tokens.toLocaleString() + " in " + table.reference
      + (table.reference.startsWith("the rest") ? " (" + table.rest_units + " passages)" : "") + "; * p < 0.01" : "")
      + ". Click a word for its uses.";
    const rows = table.words.map((w) => {
      const tr = el("tr");
      const pick = el("button", w.word, "linklike");
      pick.type = "button";
      pick.title = "forms counted: " + w.forms.join(", ");
      pick.addEventListener("click", () => showUses(w.word));
      const word = el("td"); word.append(pick);
      tr.append(word, el("td", String(w.count)), el("td", (100 * w.share).toFixed(2) + "%"),
        el("td", String(w.units)), el("td", String(w.documents)),
        el("td", weighed ? String(w.rest) : "–"),
        el("td", weighed ? (w.g2 >= 0 ? "+" : "") + w.g2.toFixed(1) + (w.significant ? " *" : "") : "–"),
        el("td", weighed ? (w.log_ratio >= 0 ? "+" : "") + w.log_ratio.toFixed(2) : "–"));
      return tr;
    });
    $("words").querySelector("tbody").replaceChildren(...rows);
    $("words").hidden = !rows.length;
    // the same count as a sheet to download
    for (const format of ["xlsx", "csv"]) $("words-" + format).href = "/api/words/sheet?" + params + "&format=" + format;
    $("words-sheet").hidden = !rows.length;
  } catch (error) {
    $("words-status").textContent = error.message;
    $("words").hidden = true;
  }
}

async function showUses(word) {
  const params = wordFilters();
  params.set("word", word);
  const list = $("word-uses");
  list.replaceChildren(el("li", "Finding “" + word + "”…", "meta"));
  try {
    const found = await api("/api/words/context?" + params);
    $("uses-title").hidden = false;
    $("uses-title").textContent = "“" + word + "” in " + found.selection + ": " + found.total
      + (found.total === 1 ? " use" : " uses")
      + (found.total > found.uses.length ? " (the first " + found.uses.length + " shown; `litsynth words --context` lists all)" : "");
    list.replaceChildren(...found.uses.map((u) => {
      const li = el("li", "", "word-use");
      const line = el("div");
      line.append(u.left, el("mark", u.word), u.right);
      const open = el("a", "open in the reader");
      open.href = "/screens/reader#" + new URLSearchParams({ doc: u.document_id, chunk: u.chunk_id, from: u.start, to: u.end });
      const meta = el("div", u.citation + " · ", "meta");
      meta.append(open);
      li.append(line, meta);
      return li;
    }));
  } catch (error) {
    list.replaceChildren(el("li", error.message, "meta"));
  }
}

function extractionInput(field, value) {
  let input;
  if (field.type === "choice" || field.type === "boolean") {
    input = el("select");
    const options = field.type === "boolean" ? ["yes", "no"] : field.values;
    input.append(el("option", ""), ...options.map((v) => el("option", v)));
    input.value = value;
  } else {
    input = el("input");
    input.value = value;
    input.size = field.type === "text" || field.type === "multi" ? 22 : 6;
    if (field.type === "multi") input.placeholder = field.values.join("; ");
  }
  input.title = field.help || field.label;
  input.dataset.field = field.id;
  return input;
}

// Which form the Extraction screen shows: data extraction, or critical appraisal
// (?form=appraisal, so the choice can be linked to and survives a reload).
const FORMS = {
  extraction: { title: "Data extraction", starter: "extraction.yaml with one field of every kind, each explained: edit it in a text editor, then reload this page." },
  appraisal: { title: "Critical appraisal", starter: "appraisal.yaml: ten questions on qualitative and case-study research and an overall judgement, each explained; swap in your protocol's checklist in a text editor, then reload this page." },
};

function formShown() {
  const asked = new URLSearchParams(location.search).get("form");
  return asked in FORMS ? asked : "extraction";
}

function chooseForm() {
  const url = new URL(location.href);
  if ($("extraction-form").value === "extraction") url.searchParams.delete("form");
  else url.searchParams.set("form", $("extraction-form").value);
  history.replaceState(null, "", url);
  $("extraction-status").textContent = "";
  loadExtraction().catch((error) => { $("extraction-status").textContent = error.message; });
}

// An appraisal answer's tone (the form lists answers best first; the server says which is
// which), as the report colours it: the word stays, colour is a second cue.
function toneCell(td, field, value) {
  td.dataset.tone = (field.tones && field.tones[value]) || "";
}

// A project with no form yet: the page offers to write the starter one (`extract init`).
async function startForm() {
  try {
    const written = await post("/api/extraction/form", { form: formShown() });
    $("extraction-start").hidden = true;
    await loadExtraction();
    const after = $("extraction-status").textContent;  // "No study is included…", if so
    $("extraction-status").textContent = "Wrote " + written.form + ": edit its fields in a text editor, then reload this page. " + after;
  } catch (error) {
    $("extraction-status").textContent = error.message;
  }
}

async function loadExtraction() {
  const form = formShown();
  $("extraction-form").value = form;
  $("extraction-title").textContent = FORMS[form].title;
  $("extraction-start-about").textContent = FORMS[form].starter;
  $("extraction-tool").textContent = "";
  const asked = "/api/extraction?" + new URLSearchParams({ form, coder: reviewer() });
  let data;
  try {
    // the reviewer field's change and the form's both load: only the newest may paint, or
    // one appraiser could be shown the other's answers
    data = await extractionLoad(api(asked));
    if (data === null) return;
  } catch (error) {
    $("extraction-head").replaceChildren();
    $("extraction").replaceChildren();
    $("extraction-start").hidden = !(error.body && error.body.form_missing);
    showAppraisalSaid({});
    throw error;
  }
  $("extraction-start").hidden = true;
  if (data.tool) $("extraction-tool").textContent = "the checklist: " + data.tool + ".";
  // each appraiser sees their own answers: two appraise a study independently
  if (data.reviewer) $("extraction-tool").textContent += " Showing " + data.reviewer + "'s answers only, so each reviewer " + (form === "appraisal" ? "appraises" : "extracts") + " independently.";
  const head = el("tr");
  head.append(el("th", "study"), ...data.fields.map((f) => {
    const th = el("th", f.label); th.title = f.help || ""; return th;
  }));
  $("extraction-head").replaceChildren(head);
  $("extraction").replaceChildren(...data.studies.map((s) => {
    const tr = el("tr");
    tr.dataset.recordId = s.record_id;
    const who = el("th"); who.append(el("div", s.label), el("div", s.title, "meta"));
    // a study reported in more than one paper (`litsynth studies`): one row, all its reports
    if (s.reports && s.reports.length) who.append(el("div", "also reported in " + s.reports.join("; "), "meta"));
    if (s.earlier) who.append(el("div", "a new report of " + s.earlier, "meta"));
    // an updated review: the previous version's data, shown to check and correct
    if (s.carried && s.carried.length) who.append(el("div", "shaded: as the previous version recorded it", "meta"));
    // the paper the values are read from, in the reader (`litsynth link` made the link)
    s.full_texts.forEach((document, i) => {
      const line = el("div", undefined, "meta");
      line.append(readerLink(s.full_texts.length > 1 ? "full text " + (i + 1) : "full text", document));
      who.append(line);
    });
    tr.append(who);
    for (const f of data.fields) {
      const td = el("td");
      const input = extractionInput(f, s.values[f.id] || "");
      toneCell(td, f, input.value);
      if ((s.carried || []).includes(f.id)) {
        td.classList.add("carried");
        td.title = "the previous version's value: change it to correct it in this update";
      }
      input.addEventListener("change", async () => {
        try {
          const saved = await post("/api/extraction/value", { form, record_id: s.record_id, field: f.id, value: input.value, coder: reviewer() });
          input.value = saved.value;
          td.className = "saved";
          toneCell(td, f, saved.value);
          if (data.reviewer) api(asked).then(showAppraisalSaid).catch(() => {});  // the counts move
          $("extraction-status").textContent = "saved " + f.label + " of " + s.label;
        } catch (error) {
          td.className = "invalid";
          $("extraction-status").textContent = error.message;
        }
      });
      td.append(input);
      tr.append(td);
    }
    return tr;
  }));
  if (!data.studies.length) $("extraction-status").textContent = "No study is included at full text yet.";
  showAppraisalSaid(data);
}

// The appraisal so far in words (the Methods' sentence and the judgements counted) and the
// answers two reviewers gave differently, each a link to its study's row.
function showAppraisalSaid(data) {
  $("appraisal-said").hidden = !data.summary;
  $("appraisal-summary").textContent = data.summary || "";
  // the figures of the answers as they now stand (a 400 before any study is appraised)
  $("appraisal-figures").hidden = !data.summary;
  if (data.summary) {
    const now = Date.now();
    $("appraisal-summary-figure").src = "/api/appraisal/figure?kind=summary&at=" + now;
    $("appraisal-traffic-figure").src = "/api/appraisal/figure?kind=traffic-light&at=" + now;
  }
  const differ = data.disagreements || [];
  $("appraisal-differ-box").hidden = !differ.length;
  $("appraisal-differ").replaceChildren(...differ.map((d) => {
    const li = el("li");
    const a = el("a", d.study + ", " + d.question); a.href = "#";
    a.addEventListener("click", (event) => {
      event.preventDefault();
      const row = document.querySelector('#extraction tr[data-record-id="' + CSS.escape(d.record_id) + '"]');
      if (row) { row.scrollIntoView({ block: "center" }); row.querySelector('[data-field="' + CSS.escape(d.field) + '"]').focus(); }
    });
    li.append(a, ": " + Object.entries(d.answers).map(([who, answer]) => who + " " + answer).join("; "));
    return li;
  }));
}

async function loadMatrix() {
  const [rows, cols] = $("matrix-kind").value.split("|");
  const params = new URLSearchParams({ rows, cols, source: $("matrix-source").value });
  for (const fmt of ["md", "docx", "csv"]) {  // the quotes behind the same codings
    $("quotes-" + fmt).href = "/api/export/quotes?" + new URLSearchParams({ format: fmt, source: $("matrix-source").value });
  }
  $("matrix-show").disabled = !summarisable();  // code × code has no summaries
  $("framework-about").hidden = !showingSummaries();
  $("counts-about").hidden = showingSummaries();
  if (showingSummaries()) {
    $("cell").hidden = true; $("matrix").hidden = false;
    if (await drawFramework()) $("matrix-title").textContent = $("matrix-kind").selectedOptions[0].textContent + ": summaries";
    return;
  }
  const m = await matrixLoad(api("/api/matrix?" + params));
  if (m === null) return;  // a newer choice draws its matrix
  // the title changes with the table it names, once it is drawn (what a reader, and a test, waits for)
  $("matrix-title").textContent = $("matrix-kind").selectedOptions[0].textContent;
  $("cell").hidden = true; $("matrix").hidden = false; $("matrix-status").textContent = "";
  const table = $("matrix");
  const head = el("tr"); head.append(el("th", rows.startsWith("attr:") ? rows.slice(5) : rows), ...m.col_keys.map((c) => el("th", m.col_labels[c])));
  const bodyRows = m.row_keys.map((r, i) => {
    const tr = el("tr"); tr.append(el("th", m.row_labels[r]));
    m.col_keys.forEach((c, j) => {
      const n = m.passages[i][j];
      const td = el("td", undefined, "n");
      if (n > 0) {
        const a = el("a", String(n)); a.href = "#"; a.dataset.cell = r + "|" + c;
        a.addEventListener("click", (event) => { event.preventDefault(); showCell(m, r, c); });
        td.append(a);
      }
      tr.append(td);
    });
    return tr;
  });
  table.replaceChildren(head, ...bodyRows);
  if (!m.passages.some((row) => row.some((n) => n > 0))) {
    table.hidden = true;  // a grid of empty cells says nothing the note does not
    $("matrix-status").textContent = emptyMatrixNote(m.source, m.suggestions);
  }
}

// Why a matrix is empty, and what fills it: people's codings count only once someone has
// coded or accepted a passage, though the machine may have suggested many.
function emptyMatrixNote(source, suggestions) {
  if (!suggestions) {
    return "No passage is coded yet: run `litsynth code suggest`, or code passages in Read & code.";
  }
  if (source === "human") {
    return "Nothing counted yet: these are people's codings (accepted suggestions included), and none"
      + " stand yet. " + suggestions + " machine suggestions wait in Read & code (a accepts, r rejects);"
      + " or pick \"human and machine\" under Codings to count them unreviewed.";
  }
  return "No passage is coded yet with these codings.";
}

// The themes count the codings the matrix above them counts (the Codings switch).
async function loadThemes() {
  const loaded = await themesLoad(Promise.all([
    api("/api/themes?" + new URLSearchParams({ source: $("matrix-source").value })),
    api("/api/codebook"),
  ]));
  if (loaded === null) return;  // the switch moved on: a newer load paints
  const [data, book] = loaded;
  const labels = treeField(book.tree, "label");  // every node's: the core may be a category
  $("core").textContent = data.core
    ? "Core category (most central in the code graph): " + (labels[data.core] || data.core)
    : "No core category yet: code more passages.";
  $("themes").replaceChildren(...data.themes.map((t) => {
    const box = el("section", undefined, "theme");
    box.append(el("h2", t.label + (t.core ? " (core in the codebook)" : "")));
    const meta = el("p", t.n_passages + " passages in " + t.n_documents + " documents · top codes: "
      + t.code_counts.slice(0, 4).map(([c, n]) => (labels[c] || c) + " " + n).join(", ") + " · ", "meta");
    // the words its passages use more than the rest of the corpus, on the Search screen
    const words = el("a", "its words", "theme-words");
    words.href = "/screens/search#" + new URLSearchParams({ theme: t.id, words: "keyness", source: $("matrix-source").value });
    meta.append(words);
    box.append(meta);
    const ol = el("ol");
    for (const [, cite, text] of t.quotes) { const li = el("li"); li.append(el("div", cite, "cite"), el("div", text)); ol.append(li); }
    box.append(ol);
    return box;
  }));
}

// The PRISMA flow in words, to paste into the Methods and the Results: the same log and
// counts as the diagram.
async function loadPrismaWords() {
  const data = await api("/api/prisma/paragraph");
  for (const [box, button, text] of [["prisma-methods", "copy-prisma-methods", data.methods],
                                     ["prisma-words", "copy-prisma-words", data.paragraph]]) {
    $(box).textContent = text;
    $(button).addEventListener("click", async () => {
      $(button).textContent = (await copyText(text)) ? "copied" : "copy failed: select the text";
    });
  }
  $("prisma-words-box").hidden = false;
}

async function loadCodebook() {
  const data = await api("/api/codebook");
  const list = $("codebook");
  const node = (n) => {
    const li = el("li", undefined, "node-" + n.kind);
    li.dataset.text = (n.label + " " + n.id + " " + (n.definition || "")).toLowerCase();
    const head = el("div");
    const label = el("span", n.label, "label");
    if (n.color) label.style.borderLeft = "6px solid " + n.color;  // a checked CSS colour
    head.append(label, el("span", " " + n.kind + " · " + n.passages + " passages", "meta"));
    const memo = el("button", "memo", "memo"); memo.type = "button";
    memo.addEventListener("click", async () => {
      const text = window.prompt("Memo on " + n.label);
      if (!text || !text.trim()) return;
      try {
        await post("/api/memo", { target: n.id, text, coder: reviewer() });
        $("codebook-status").textContent = "memo saved on " + n.label;
      } catch (error) { $("codebook-status").textContent = error.message; }
    });
    head.append(memo);
    li.append(head);
    if (n.definition) li.append(el("div", n.definition, "definition"));
    if (n.children.length) { const ul = el("ul"); ul.append(...n.children.map(node)); li.append(ul); }
    return li;
  };
  list.replaceChildren(...data.tree.map(node));
  if (!data.tree.length) $("codebook-status").textContent = "no codebook in this project yet";
}

function filterCodebook() {
  const words = $("code-filter").value.toLowerCase().trim();
  for (const li of document.querySelectorAll("#codebook li")) {
    const inside = [li, ...li.querySelectorAll("li")].some((x) => !words || x.dataset.text.includes(words));
    li.hidden = !inside;
  }
}

function showCell(m, r, c) {
  const cell = m.cells.find((x) => x.row === r && x.col === c) || { passages: 0, links: [] };
  $("cell-title").textContent = m.row_labels[r] + " × " + m.col_labels[c] + ": " + cell.passages + " passage(s)";
  $("cell-passages").replaceChildren(...cell.links.map((link) => {
    const li = el("li");
    li.append(el("div", link.citation, "cite"), el("div", link.shown), el("div", "codes: " + link.codes.join(", ") + " · " + link.origin, "meta"));
    return li;
  }));
  $("cell").hidden = false;
  $("matrix").hidden = true;
  summaryEditor(r, c).catch((error) => { $("summary-status").textContent = error.message; });
}
