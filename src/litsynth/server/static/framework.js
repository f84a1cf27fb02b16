// The framework matrix on the Matrices screen: each source × theme cell summarised in the
// reviewer's words, written beside the cell's passages; a summary the cell has outgrown is
// said to be out of date, with its new passages marked; the next cell to write is one key away.
"use strict";

const frameworkLoad = newestOnly("matrix");  // the grid it paints
const CODE_ROWS = ["codes", "categories", "themes"];
let framework = null;  // the last /api/framework answer: the grid and the cell view read it
let openCell = null;  // [row, col] of the cell whose summary is in the editor

function frameworkParams() {
  const [rows, cols] = $("matrix-kind").value.split("|");
  return { rows, cols, source: $("matrix-source").value };
}

// a framework's rows are sources (or a study, an attribute): code × code has no summaries
function summarisable() { return !CODE_ROWS.includes(frameworkParams().rows); }

function showingSummaries() { return $("matrix-show").value === "summaries" && summarisable(); }

async function loadFramework() {
  const params = new URLSearchParams(frameworkParams());
  const data = await frameworkLoad(api("/api/framework?" + params));
  if (data === null) return null;  // a newer choice loads its own
  framework = { ...data, key: String(params) };
  for (const fmt of ["xlsx", "docx", "md"]) $("framework-" + fmt).href = "/api/framework/file?" + params + "&format=" + fmt;
  return data;
}

function frameworkCell(data, r, c) {
  return data.cells.find((x) => x.row === r && x.col === c)
    || { row: r, col: c, passages: 0, state: "empty", summary: "", links: [], new: [], gone: [] };
}

function countsSaid(n) {
  let said = n.written + " of " + n.cells + " cells with passages summarised; " + n.waiting + " waiting";
  if (n.out_of_date) said += "; " + n.out_of_date + " out of date (coded further since)";
  if (n.orphans) said += "; " + n.orphans + " whose source or theme left the matrix";
  return said + ".";
}

// The grid of summaries: a written cell shows its words, a waiting one how many passages wait.
async function drawFramework() {
  if (await loadFramework() === null) return false;  // a newer choice draws its own
  const data = framework;
  $("matrix-status").textContent = countsSaid(data.counts);
  const table = $("matrix");
  const corner = data.rows.startsWith("attr:") ? data.rows.slice(5) : data.rows;
  const head = el("tr"); head.append(el("th", corner), ...data.col_keys.map((c) => {
    const th = el("th", data.col_labels[c] + " ");
    const down = el("a", "read down", "read-down"); down.href = "#"; down.dataset.col = c;
    down.title = "every source's summary on this theme, to write the finding from";
    down.addEventListener("click", (event) => { event.preventDefault(); showColumn(data, c); });
    th.append(down);
    return th;
  }));
  const filled = new Set(data.cells.map((x) => x.row));
  const bodyRows = data.row_keys.filter((r) => filled.has(r)).map((r) => {
    const tr = el("tr"); tr.append(el("th", data.row_labels[r]));
    for (const c of data.col_keys) {
      const cell = frameworkCell(data, r, c);
      const td = el("td", undefined, "summary-cell " + cell.state.replace(/ /g, "-"));
      if (cell.state !== "empty") {
        const a = el("a", undefined); a.href = "#"; a.dataset.cell = r + "|" + c;
        if (cell.summary) {
          a.append(el("span", cell.summary, "summary-words"));
          if (cell.state === "out of date") a.append(el("span", "out of date", "badge stale"));
        } else {
          a.append(el("span", cell.passages + (cell.passages === 1 ? " passage" : " passages") + " · summarise", "summary-waiting"));
        }
        a.addEventListener("click", (event) => { event.preventDefault(); openFrameworkCell(r, c).catch((error) => { $("matrix-status").textContent = error.message; }); });
        td.append(a);
      }
      tr.append(td);
    }
    return tr;
  });
  table.replaceChildren(head, ...bodyRows);
  table.hidden = !bodyRows.length;
  if (!data.col_keys.length) {
    $("matrix-status").textContent = "No theme holds a coded passage (the codebook has no themes): pick Sources × codes to summarise by code.";
  } else if (!bodyRows.length) {
    $("matrix-status").textContent = "No passage is coded yet with these codings: nothing to summarise.";
  }
  return true;
}

const cellLoad = newestOnly("cell-summary");
let fetchedCell = null;  // the cell openFrameworkCell fetched for the editor it opens

// One cell with its passages (the grid carries only their count).
async function fetchCell(r, c) {
  const params = new URLSearchParams({ ...frameworkParams(), row: r, col: c });
  const answer = await cellLoad(api("/api/framework?" + params));
  return answer === null ? null : answer.cell;
}

// A cell of the grid opened: its passages, under the editor of its summary.
async function openFrameworkCell(r, c) {
  const cell = await fetchCell(r, c);
  if (cell === null) return;  // another cell was asked for meanwhile
  fetchedCell = cell;
  showCell({ row_labels: framework.row_labels, col_labels: framework.col_labels, cells: [cell] }, r, c);
}

// One theme read down its column: each source's summary with where its passages are, as the
// finding is written from them (`litsynth framework table --column THEME`).
function showColumn(data, c) {
  const written = data.row_keys.map((r) => [r, frameworkCell(data, r, c)]).filter(([, x]) => x.summary);
  const waiting = data.row_keys.filter((r) => frameworkCell(data, r, c).state === "waiting");
  $("cell-title").textContent = data.col_labels[c] + ": what each source says";
  $("cell-summary").hidden = true;
  const lines = written.map(([r, x]) => "- " + data.row_labels[r] + ": " + x.summary + (x.where ? " [" + x.where + "]" : ""));
  const items = written.map(([r, x]) => {
    const li = el("li");
    li.append(el("div", data.row_labels[r], "cite"), el("div", x.summary),
      el("div", (x.where ? x.where + " · " : "") + x.state, "meta"));
    return li;
  });
  if (!written.length) items.push(el("li", "No source is summarised on this theme yet.", "meta"));
  if (waiting.length) items.push(el("li", "Not summarised yet: " + waiting.map((r) => data.row_labels[r]).join("; ") + ".", "meta"));
  if (written.length) {
    const all = el("li");
    all.append(copyButton("copy them all", lines.join("\n")));
    items.push(all);
  }
  $("cell-passages").replaceChildren(...items);
  $("cell").hidden = false;
  $("matrix").hidden = true;
}

// The editor under a cell's title (showCell calls it): its summary, who wrote it when, what
// changed since, and its earlier wordings.
async function summaryEditor(r, c) {
  $("cell-summary").hidden = !summarisable();
  if (!summarisable()) return;
  openCell = [r, c];
  const ready = fetchedCell && fetchedCell.row === r && fetchedCell.col === c;
  $("summary-text").disabled = !ready;  // nothing typed is lost to the summary arriving
  const cell = ready ? fetchedCell : await fetchCell(r, c);
  fetchedCell = null;
  if (cell === null) return;
  $("summary-text").disabled = false;
  $("summary-text").value = cell.summary;
  $("summary-status").textContent = "";
  saidAbout(cell);
  markNew(cell);
  summaryHistory(r, c).catch(() => { $("summary-history").hidden = true; });
  keySentences(r, c, cell.passages);
}

const sentencesLoad = newestOnly("summary-sentences");

// The cell's most typical sentences, with their citations (the first of a session loads the
// model: seconds). Only a cell of several passages needs them.
async function keySentences(r, c, passages) {
  const list = $("key-sentences");
  $("summary-sentences").hidden = passages < 2;
  if (passages < 2) return;
  list.replaceChildren(el("li", "Finding them… (the first time loads the model)", "meta"));
  const params = new URLSearchParams({ ...frameworkParams(), row: r, col: c });
  try {
    const found = await sentencesLoad(api("/api/framework/sentences?" + params));
    if (found === null) return;  // another cell was opened meanwhile
    list.replaceChildren(...found.map((s) => {
      const li = el("li");
      li.append(el("div", s.citation, "cite"), el("div", s.text), copyButton("copy quote", s.quote));
      return li;
    }));
  } catch (error) {
    list.replaceChildren(el("li", error.message, "meta"));
  }
}

function saidAbout(cell) {
  let said = cell.summary ? "Written by " + cell.author + ", " + cell.at.replace("T", " ").slice(0, 16) + " UTC." : "Not summarised yet.";
  if (cell.state === "out of date") {
    const parts = [];
    if (cell.new.length) parts.push(cell.new.length + " passage(s) coded since (marked new below)");
    if (cell.gone.length) parts.push(cell.gone.length + " no longer coded");
    said += " Out of date: " + parts.join(", ") + ". Save again once it says what they add.";
  }
  $("summary-said").textContent = said;
}

function markNew(cell) {
  const fresh = new Set(cell.new);
  [...$("cell-passages").children].forEach((li, i) => {
    const link = cell.links[i];
    li.querySelectorAll(".badge.new").forEach((b) => b.remove());
    if (link && fresh.has(link.key)) li.prepend(el("span", "new", "badge new"));
  });
}

async function summaryHistory(r, c) {
  const params = new URLSearchParams({ ...frameworkParams(), row: r, col: c });
  params.delete("source");
  const versions = await api("/api/framework/history?" + params);
  const earlier = versions.slice(1);  // the first is the cell's standing summary
  $("summary-history").hidden = !earlier.length;
  $("summary-versions").replaceChildren(...earlier.map((v) => {
    const li = el("li");
    li.append(el("div", v.author + ", " + v.at.replace("T", " ").slice(0, 16) + (v.summary ? "" : " (cleared)"), "meta"), el("div", v.summary));
    return li;
  }));
}

async function saveSummary(next) {
  if (!openCell) return;
  const [r, c] = openCell;
  $("summary-status").textContent = "saving…";
  try {
    const answer = await post("/api/framework/summary", {
      ...frameworkParams(), source: $("matrix-source").value || null,
      row: r, col: c, text: $("summary-text").value, coder: reviewer() || null,
    });
    keepCell(answer.cell);  // the grid and "next" see the new summary
    if (next) { await nextCell(r, c); return; }
    saidAbout(answer.cell); markNew(answer.cell);
    await summaryHistory(r, c).catch(() => { $("summary-history").hidden = true; });
    $("summary-status").textContent = answer.written ? "saved" : "unchanged";  // last: the rest is drawn
  } catch (error) {
    $("summary-status").textContent = error.message;  // the words stay in the box
  }
}

// A cell as the server now has it, into the framework the page holds (no reload: a save
// answers with the cell; the counts follow its change of state).
function keepCell(cell) {
  if (!framework) return;  // opened from the counts: the grid loads when it is wanted
  const at = framework.cells.findIndex((x) => x.row === cell.row && x.col === cell.col);
  const before = at >= 0 ? framework.cells[at].state : "empty";
  if (at >= 0) framework.cells[at] = cell; else framework.cells.push(cell);
  const n = framework.counts;  // the cell's old state out, its new one in
  const tally = (state, d) => {
    if (state === "written" || state === "out of date") n.written += d;
    if (state === "out of date") n.out_of_date += d;
    if (state === "waiting") n.waiting += d;
  };
  tally(before, -1);
  tally(cell.state, 1);
}

// The next cell, in reading order after this one, that waits for a summary or has outgrown it.
async function nextCell(r, c) {
  const current = framework && framework.key === String(new URLSearchParams(frameworkParams()));
  if (!current && await loadFramework() === null) return;
  const order = [];
  for (const row of framework.row_keys) for (const col of framework.col_keys) order.push([row, col]);
  const at = order.findIndex(([row, col]) => row === r && col === c);
  const after = [...order.slice(at + 1), ...order.slice(0, at + 1)];
  const found = after.find(([row, col]) => ["waiting", "out of date"].includes(frameworkCell(framework, row, col).state));
  if (!found) {
    $("summary-status").textContent = "saved; every cell with passages is summarised";
    return;
  }
  openFrameworkCell(found[0], found[1]).then(() => $("summary-text").focus(),
    (error) => { $("summary-status").textContent = error.message; });
}

function startFramework() {
  $("summary-save").addEventListener("click", () => saveSummary(false));
  $("summary-next").addEventListener("click", () => saveSummary(true));
  $("summary-text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); saveSummary(true); }
  });
}
