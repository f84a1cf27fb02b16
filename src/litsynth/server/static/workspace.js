// The litsynth workspace: our own script, no libraries. Every value from the corpus or the
// records is put into the page with textContent (never innerHTML), so markup in a title or
// an abstract shows as text and never runs.
"use strict";

const TOKEN = document.querySelector('meta[name="litsynth-token"]').content;
const SCREEN = document.querySelector('meta[name="litsynth-screen"]').content;
const $ = (id) => document.getElementById(id);

const state = { record: null, reasons: [], busy: false };

function reviewer() { return $("reviewer").value.trim(); }
function stage() { return $("stage").value; }

function say(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "status error" : "status";
}

// Overlapping loads (a reviewer typed, then the stage changed; two documents picked in a row)
// may answer out of order: only the newest may paint, or the page shows what was left.
function newestOnly() {
  let asked = 0;
  return async (promise) => {
    const mine = ++asked;
    try {
      const data = await promise;
      return mine === asked ? data : null;
    } catch (error) {
      if (mine === asked) throw error;
      return null;  // the failure of a load nobody waits for any more is not news
    }
  };
}
const screenLoad = newestOnly();
const readerLoad = newestOnly();
const searchLoad = newestOnly();
const matrixLoad = newestOnly();

async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error + (body.hint ? " (" + body.hint + ")" : ""));
  return body;
}

// Terms of the inclusion criteria, marked in the abstract (text nodes only).
function highlighted(text, terms) {
  const out = document.createDocumentFragment();
  if (!terms.length) { out.append(text); return out; }
  const escaped = terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp("\\b(" + escaped.join("|") + ")\\b", "gi");
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    out.append(text.slice(last, match.index));
    const mark = document.createElement("mark");
    mark.textContent = match[0];
    out.append(mark);
    last = match.index + match[0].length;
  }
  out.append(text.slice(last));
  return out;
}

const STOP = new Set(["and", "the", "for", "with", "from", "that", "this", "into", "published", "studies", "english"]);
function criteriaTerms(criteria) {
  return [...new Set((criteria || "").toLowerCase().match(/[a-z][a-z-]{3,}/g) || [])].filter((w) => !STOP.has(w));
}

function showProgress(p) {
  const dl = $("progress");
  dl.replaceChildren();
  const rows = [["screened", p.screened + " of " + p.pool], ["included", p.included],
    ["excluded", p.excluded], ["maybe", p.maybe], ["remaining", p.remaining],
    ["irrelevant since last include", p.since_last_include]];
  // records a year/language rule excluded, or a resolution settled, before this reviewer
  // came to them: not theirs to screen, so not "remaining" either
  if (p.settled) rows.splice(4, 0, ["settled by rules or resolutions", p.settled]);
  for (const [k, v] of rows) {
    const dt = document.createElement("dt"); dt.textContent = k;
    const dd = document.createElement("dd"); dd.textContent = String(v);
    dl.append(dt, dd);
  }
  $("stopping").textContent = p.stopping.summary;
  $("stopping").className = p.stopping.stop ? "stopping stop" : "stopping";
  drawCurve(p.found || [], p.pool);
}

const SVGNS = "http://www.w3.org/2000/svg";
function svgEl(tag, attrs) {
  const node = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

// Includes found after each screened record; random order finds them at a constant rate, so
// its expectation is the straight line to where the reviewer is now.
function drawCurve(found, pool) {
  const svg = $("curve");
  svg.replaceChildren();
  const w = 260, h = 130, pad = 22;
  const n = found.length, top = Math.max(1, found[n - 1] || 0);
  const x = (i) => pad + (w - pad - 6) * i / Math.max(1, n);
  const y = (k) => h - pad - (h - pad - 8) * k / top;
  svg.append(svgEl("line", { x1: pad, y1: h - pad, x2: w - 6, y2: h - pad, stroke: "#99a" }));
  svg.append(svgEl("line", { x1: pad, y1: 8, x2: pad, y2: h - pad, stroke: "#99a" }));
  const label = (text, attrs) => { const t = svgEl("text", { "font-size": 10, fill: "#556", ...attrs }); t.textContent = text; svg.append(t); };
  label(n + " screened of " + pool, { x: pad, y: h - 6 });
  label(String(top), { x: 2, y: 14 });
  if (!n) return;
  svg.append(svgEl("line", { x1: x(0), y1: y(0), x2: x(n), y2: y(found[n - 1]), stroke: "#d97706", "stroke-dasharray": "4,3" }));
  const points = [[0, 0], ...found.map((k, i) => [i + 1, k])]
    .map(([i, k]) => x(i).toFixed(1) + "," + y(k).toFixed(1));
  svg.append(svgEl("polyline", { points: points.join(" "), fill: "none", stroke: "#1f3b5c", "stroke-width": 2 }));
}

function showVotes(votes) {
  const shown = $("unblind").checked && votes && Object.keys(votes).length;
  $("votes").textContent = shown
    ? Object.entries(votes).map(([who, d]) => who + ": " + d).join("; ")
    : ($("unblind").checked ? "no other reviewer has decided this record" : "");
}

async function loadNext(first) {
  const params = new URLSearchParams({ stage: stage(), reviewer: reviewer() });
  if (first) params.set("first", first);
  if ($("unblind").checked) params.set("blind", "0");
  if ($("random-sample").checked) params.set("random", "1");
  // The first ranking of a few thousand records takes seconds: say so, and dim the record
  // shown while the next one is being chosen.
  $("record").classList.add("loading"); $("record").setAttribute("aria-busy", "true");
  const idle = () => { $("record").classList.remove("loading"); $("record").removeAttribute("aria-busy"); };
  let data;
  try {
    data = await screenLoad(api("/api/screen/next?" + params));
  } catch (error) { idle(); throw error; }
  if (data === null) return;  // a newer load paints instead, and ends the busy state
  idle();
  $("rec-loading").hidden = true;
  state.record = data.record;
  state.reasons = data.reasons;
  $("reviewer").placeholder = data.reviewer;  // the project's reviewer when the field is empty
  $("criteria").textContent = data.criteria || "(no criteria in litsynth.toml)";
  const list = $("reasons");
  list.replaceChildren(...data.reasons.slice(0, 9).map((r) => {
    const li = document.createElement("li"); li.textContent = r; return li;
  }));
  const chosen = $("do-reason").value;
  $("do-reason").replaceChildren(el("option", "(no reason)"), ...data.reasons.map((r) => el("option", r)));
  $("do-reason").options[0].value = "";
  if (data.reasons.includes(chosen)) $("do-reason").value = chosen;
  showProgress(data.progress);
  showVotes(data.votes);
  const rec = data.record;
  $("rec-done").hidden = rec !== null;
  // Nothing left: the decision buttons go, Undo stays (it takes back the last decision and
  // puts its record back), unless there is nothing to undo either.
  for (const id of ["do-include", "do-exclude", "do-reason", "do-maybe"]) $(id).hidden = rec === null;
  $("actions").hidden = rec === null && !data.progress.screened;
  $("rec-done").textContent = data.progress.candidates > 0
    ? "Nothing left to screen at this stage for this reviewer."
    : stage() === "full-text"
      ? "No records at full text yet: records included at title/abstract come here."
      : "No records yet: import a database export with `litsynth import FILE --source NAME`, then reload.";
  for (const id of ["rec-title", "rec-meta", "rec-keywords", "rec-abstract", "rec-doi"]) $(id).textContent = "";
  $("rec-doi").removeAttribute("href");
  if (!rec) return;
  $("record").dataset.recordId = rec.id;
  $("rec-title").textContent = rec.title || "(no title)";
  $("rec-meta").textContent = [rec.authors.slice(0, 4).join("; "), rec.year || "", rec.journal].filter(Boolean).join(" · ");
  if (rec.doi) {
    $("rec-doi").textContent = "doi:" + rec.doi;
    $("rec-doi").href = "https://doi.org/" + encodeURIComponent(rec.doi).replace(/%2F/g, "/");
  }
  $("rec-keywords").textContent = rec.keywords.length ? "Keywords: " + rec.keywords.join("; ") : "";
  $("rec-abstract").append(highlighted(rec.abstract || "(no abstract)", criteriaTerms(data.criteria)));
}

async function decide(decision, reason) {
  if (!state.record || state.busy) return;
  state.busy = true;
  try {
    const body = { record_id: state.record.id, decision, reason: reason || "", stage: stage(), reviewer: reviewer(), random: $("random-sample").checked };
    await api("/api/screen/decide", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Litsynth-Token": TOKEN },
      body: JSON.stringify(body),
    });
    say(decision + (reason ? " (" + reason + ")" : "") + ": " + state.record.id, false);
    await loadNext();
  } catch (error) {
    say(error.message, true);
  } finally {
    state.busy = false;
  }
}

async function undo() {
  if (state.busy) return;
  state.busy = true;
  try {
    const data = await post("/api/screen/undo", { stage: stage(), reviewer: reviewer() });
    if (data.undone) { say("undone: " + data.undone + " is back to decide", false); await loadNext(data.undone); }
    else say("nothing to undo at this stage", false);
  } catch (error) {
    say(error.message, true);
  } finally {
    state.busy = false;
  }
}

function onKey(event) {
  if (SCREEN !== "screen" || event.target.tagName === "INPUT" || event.target.tagName === "SELECT") return;
  if (event.key === "u" || event.key === "Backspace") undo();
  else if (event.key === "i") decide("include");
  else if (event.key === "e") decide("exclude");
  else if (event.key === "m") decide("maybe");
  else if (/^[1-9]$/.test(event.key) && state.reasons[Number(event.key) - 1]) decide("exclude", state.reasons[Number(event.key) - 1]);
  else return;
  event.preventDefault();
}

async function runSearch(event) {
  event.preventDefault();
  const params = new URLSearchParams({ q: $("q").value, k: "10" });
  if ($("code").value.trim()) params.set("code", $("code").value.trim());
  for (const [id, name] of [["year-min", "year_min"], ["year-max", "year_max"], ["attribute", "attribute"], ["role", "role"]]) {
    if ($(id).value.trim()) params.set(name, $(id).value.trim());
  }
  if ($("theme").value.trim()) params.set("theme", $("theme").value.trim());
  const list = $("hits");
  // The first search of a session loads the embedding model (seconds): say what is going on.
  list.replaceChildren(el("li", "Searching… (the first search loads the model)", "meta"));
  try {
    const hits = await searchLoad(api("/api/search?" + params));
    if (hits === null) return;  // a newer search shows its hits
    if (!hits.length) {
      list.replaceChildren(el("li", "No passage found: no passage is allowed by these filters"
        + " (code, theme, years, attribute, kind of passage).", "meta"));
      return;
    }
    list.replaceChildren(...hits.map((h) => {
      const li = document.createElement("li");
      const cite = document.createElement("div"); cite.className = "cite"; cite.textContent = h.citation + " — " + h.title;
      const text = document.createElement("div"); text.textContent = h.shown;
      const meta = document.createElement("div"); meta.className = "meta"; meta.textContent = "score " + h.score.toFixed(3) + " · passage " + h.chunk_id + " · ";
      const open = document.createElement("a");
      open.textContent = "open in the reader";
      open.className = "open-reader";
      open.href = "/screens/reader#" + new URLSearchParams({ doc: h.document_id, chunk: h.chunk_id });
      meta.append(open);
      li.append(cite, text, meta);
      return li;
    }));
  } catch (error) {
    const li = document.createElement("li"); li.textContent = error.message; list.replaceChildren(li);
  }
}

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

async function post(path, body) {
  return api(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Litsynth-Token": TOKEN },
    body: JSON.stringify(body),
  });
}

async function loadConflicts() {
  const data = await api("/api/screen/conflicts?" + new URLSearchParams({ stage: stage() }));
  const kappa = data.kappa === null ? "not defined" : data.kappa.toFixed(2);
  $("agreement").textContent = "Reviewers: " + (data.reviewers.join(", ") || "none") + " · Cohen's kappa " + kappa + " · " + data.conflicts.length + " unresolved";
  const body = $("conflicts");
  $("conflict-table").hidden = !data.conflicts.length;
  $("no-conflicts").hidden = data.conflicts.length > 0;
  body.replaceChildren(...data.conflicts.map((c) => {
    const tr = el("tr");
    tr.dataset.recordId = c.record_id;
    const rec = el("td"); rec.append(el("div", c.title || "(no title)"), el("div", c.record_id, "meta"));
    const votes = el("td", Object.entries(c.votes).map(([who, d]) => who + ": " + d + (c.reasons[who] ? " (" + c.reasons[who] + ")" : "")).join("; "));
    const act = el("td");
    const why = el("input"); why.size = 24; why.placeholder = "reason (for an exclusion)"; why.className = "reason";
    act.append(why, el("br"));
    for (const decision of ["include", "exclude", "maybe"]) {
      const button = el("button", decision);
      button.type = "button";
      button.dataset.decision = decision;
      button.addEventListener("click", async () => {
        try {
          const reason = decision === "exclude" ? why.value.trim() : "";
          await post("/api/screen/resolve", { record_id: c.record_id, decision, stage: stage(), reviewer: reviewer(), reason, note: why.value.trim() });
          $("conflict-status").textContent = "resolved " + c.record_id + " as " + decision + (reason ? " (" + reason + ")" : "");
          await loadConflicts();
        } catch (error) { $("conflict-status").textContent = error.message; }
      });
      act.append(button);
    }
    tr.append(rec, votes, act);
    return tr;
  }));
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

async function loadExtraction() {
  const data = await api("/api/extraction");
  const head = el("tr");
  head.append(el("th", "study"), ...data.fields.map((f) => {
    const th = el("th", f.label); th.title = f.help || ""; return th;
  }));
  $("extraction-head").replaceChildren(head);
  $("extraction").replaceChildren(...data.studies.map((s) => {
    const tr = el("tr");
    tr.dataset.recordId = s.record_id;
    const who = el("th"); who.append(el("div", s.label), el("div", s.title, "meta"));
    tr.append(who);
    for (const f of data.fields) {
      const td = el("td");
      const input = extractionInput(f, s.values[f.id] || "");
      input.addEventListener("change", async () => {
        try {
          const saved = await post("/api/extraction/value", { record_id: s.record_id, field: f.id, value: input.value, coder: reviewer() });
          input.value = saved.value;
          td.className = "saved";
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
}

async function loadMatrix() {
  const [rows, cols] = $("matrix-kind").value.split("|");
  const params = new URLSearchParams({ rows, cols, source: $("matrix-source").value });
  $("matrix").setAttribute("aria-busy", "true");
  let m;
  try {
    m = await matrixLoad(api("/api/matrix?" + params));
  } catch (error) { $("matrix").removeAttribute("aria-busy"); throw error; }
  if (m === null) return;  // a newer choice draws its matrix
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
  table.removeAttribute("aria-busy");
  if (!m.passages.some((row) => row.some((n) => n > 0))) {
    $("matrix-status").textContent = "No passage is coded yet (with these codings): run `litsynth code suggest`,"
      + " or code passages in Read & code.";
  }
}

async function loadThemes() {
  const data = await api("/api/themes");
  const labels = {};
  for (const t of data.themes) labels[t.id] = t.label;
  $("core").textContent = data.core
    ? "Core category (most central in the code graph): " + data.core
    : "No core category yet: code more passages.";
  $("themes").replaceChildren(...data.themes.map((t) => {
    const box = el("section", undefined, "theme");
    box.append(el("h2", t.label + (t.core ? " (core in the codebook)" : "")));
    box.append(el("p", t.n_passages + " passages in " + t.n_documents + " documents · top codes: "
      + t.code_counts.slice(0, 4).map(([c, n]) => c + " " + n).join(", "), "meta"));
    const ol = el("ol");
    for (const [, cite, text] of t.quotes) { const li = el("li"); li.append(el("div", cite, "cite"), el("div", text)); ol.append(li); }
    box.append(ol);
    return box;
  }));
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
  const cell = m.cells.find((x) => x.row === r && x.col === c);
  $("cell-title").textContent = m.row_labels[r] + " × " + m.col_labels[c] + ": " + cell.passages + " passage(s)";
  $("cell-passages").replaceChildren(...cell.links.map((link) => {
    const li = el("li");
    li.append(el("div", link.citation, "cite"), el("div", link.shown), el("div", "codes: " + link.codes.join(", ") + " · " + link.origin, "meta"));
    return li;
  }));
  $("cell").hidden = false;
  $("matrix").hidden = true;
}

const reader = { document: null, passages: [], focus: 0, codes: [], selection: null };

// A code's label as the codebook writes it ("Platform-based coordination"), its id in the tooltip.
function codeLabel(id) { return (reader.codes.find((c) => c.id === id) || {}).label || id; }

function suggestionNodes() { return [...document.querySelectorAll("#passages .suggestion")]; }

function setFocus(i) {
  const nodes = suggestionNodes();
  if (!nodes.length) return;
  reader.focus = Math.max(0, Math.min(i, nodes.length - 1));
  nodes.forEach((n, j) => n.classList.toggle("focused", j === reader.focus));
  nodes[reader.focus].scrollIntoView({ block: "nearest" });
}

// The passage's text in runs, each knowing its offset in the passage: a selection maps back to
// the stored characters exactly. Markdown markup ("**", "<sup>", link addresses) is in runs the
// page hides, so it is not read but still counted.
function passageText(p) {
  const holder = el("div", undefined, "ptext");
  let at = 0;
  const run = (end, cls) => {
    if (end <= at) return;
    const span = el("span", p.text.slice(at, end), cls);
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
      const stripe = el("span", codeLabel(c.code) + " (" + c.status + ", " + c.coder + ")", "stripe");
      stripe.title = c.code;
      stripes.append(stripe);
    }
    const text = passageText(p);
    text.dataset.start = String(p.start);
    const memo = el("button", "memo…");
    memo.type = "button";
    memo.className = "memo";
    memo.addEventListener("click", () => writeMemo(p.chunk_id));
    body.append(el("div", p.citation + (role === "body" ? "" : " · " + role), "meta"), stripes, text, memo);
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
    box.append(body, side);
    return box;
  }));
  setFocus(reader.focus);
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
  await loadDocument(it.document);
  const nodes = suggestionNodes();
  const i = nodes.findIndex((n) => n.dataset.chunk === it.chunk_id && n.dataset.code === it.code);
  if (i >= 0) setFocus(i);
  $("reader-status").textContent = data.remaining + " suggestions to review; this one is the most informative";
}

async function loadDocument(id) {
  if (id !== reader.document) forgetSelection();  // offsets of another document
  reader.document = id;
  $("passages").setAttribute("aria-busy", "true");
  let data;
  try {
    data = await readerLoad(api("/api/documents/" + encodeURIComponent(id) + "?" + new URLSearchParams({ coder: reviewer() })));
  } catch (error) { $("passages").removeAttribute("aria-busy"); throw error; }
  if (data === null) return;  // a newer load paints instead
  reader.passages = data.passages;
  renderPassages();
  $("passages").removeAttribute("aria-busy");
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
  } catch (error) { $("reader-status").textContent = error.message; }
}

function forgetSelection() {
  reader.selection = null;
  $("code-selection").disabled = true;
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
  };
  $("code-selection").disabled = false;
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
  } catch (error) { $("reader-status").textContent = error.message; }
}

async function startReader() {
  const [docs, codes] = await Promise.all([api("/api/documents"), api("/api/codes")]);
  reader.codes = codes;
  $("document").replaceChildren(...docs.map((d) => { const o = el("option", d.label + " — " + d.path); o.value = d.id; return o; }));
  const counts = {};
  try {
    const tree = (await api("/api/codebook")).tree;
    const walk = (n) => { counts[n.id] = n.passages; n.children.forEach(walk); };
    tree.forEach(walk);
  } catch (error) { /* counts are a help, not a need */ }
  const options = codes.map((c) => {
    const o = el("option", c.label + " (" + c.id + ")" + (c.id in counts ? " · " + counts[c.id] : ""));
    o.value = c.id; o.title = c.definition; return o;
  });
  $("code-pick").replaceChildren(...options);
  if (!codes.length) {
    $("reader-status").textContent = "No codebook yet: write codes in codebook/*.yaml (docs/coding.md)"
      + " or draft them with `litsynth code discover --write codebook/draft.yaml`, then reload.";
  }
  if (!docs.length) {
    $("reader-status").textContent = "No documents yet: put PDFs or text files in corpus/ and run"
      + " `litsynth ingest`, then reload.";
  }
  $("code-find").addEventListener("input", () => {
    const words = $("code-find").value.toLowerCase().trim();
    for (const o of options) o.hidden = Boolean(words) && !(o.textContent + " " + o.title).toLowerCase().includes(words);
    const first = options.find((o) => !o.hidden);
    if (first) $("code-pick").value = first.value;
  });
  $("document").addEventListener("change", () => { reader.focus = 0; loadDocument($("document").value); });
  document.addEventListener("selectionchange", onSelection);
  $("code-selection").addEventListener("click", codeSelection);
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
}

function start() {
  $("reviewer").value = localStorage.getItem("litsynth-reviewer") || "";
  $("reviewer").addEventListener("change", () => { localStorage.setItem("litsynth-reviewer", reviewer()); loadNext(); });
  $("stage").addEventListener("change", () => loadNext());
  $("unblind").addEventListener("change", () => loadNext(state.record && state.record.id));
  $("random-sample").addEventListener("change", () => loadNext());
  $("nav-" + SCREEN).classList.add("current");
  $("cell-back").addEventListener("click", (event) => { event.preventDefault(); $("cell").hidden = true; $("matrix").hidden = false; });
  if (SCREEN === "reader") {
    $("reader-view").hidden = false;
    startReader().catch((error) => { $("reader-status").textContent = error.message; });
  } else if (SCREEN === "conflicts") {
    $("conflicts-view").hidden = false;
    loadConflicts().catch((error) => { $("conflict-status").textContent = error.message; });
  } else if (SCREEN === "extraction") {
    $("extraction-view").hidden = false;
    loadExtraction().catch((error) => { $("extraction-status").textContent = error.message; });
  } else if (SCREEN === "matrices") {
    $("matrices-view").hidden = false;
    // the flow is the records' and does not need a codebook: drawn whatever the matrix says
    $("prisma").src = "/prisma.svg";
    const fail = (error) => {
      $("matrix-status").textContent = error.message; $("matrix").hidden = true; $("cell").hidden = true;
    };
    loadMatrix().catch(fail);
    $("matrix-kind").addEventListener("change", () => loadMatrix().catch(fail));
    $("matrix-source").addEventListener("change", () => loadMatrix().catch(fail));
    loadCodebook().catch((error) => { $("codebook-status").textContent = error.message; });
    loadThemes().catch((error) => { $("core").textContent = error.message; });
    $("code-filter").addEventListener("input", filterCodebook);
  } else if (SCREEN === "search") {
    $("search-view").hidden = false;
    $("search-form").addEventListener("submit", runSearch);
  } else {
    $("screen-view").hidden = false;
    document.addEventListener("keydown", onKey);
    // the same decisions for a mouse or a touch screen as the keys give
    $("do-include").addEventListener("click", () => decide("include"));
    $("do-exclude").addEventListener("click", () => decide("exclude", $("do-reason").value));
    $("do-maybe").addEventListener("click", () => decide("maybe"));
    $("do-undo").addEventListener("click", () => undo());
    loadNext().catch((error) => say(error.message, true));
  }
}
start();
