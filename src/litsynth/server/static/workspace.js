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
  const rows = [["screened", p.screened + " of " + p.candidates], ["included", p.included],
    ["excluded", p.excluded], ["maybe", p.maybe], ["remaining", p.remaining],
    ["irrelevant since last include", p.since_last_include]];
  for (const [k, v] of rows) {
    const dt = document.createElement("dt"); dt.textContent = k;
    const dd = document.createElement("dd"); dd.textContent = String(v);
    dl.append(dt, dd);
  }
}

async function loadNext() {
  const params = new URLSearchParams({ stage: stage(), reviewer: reviewer() });
  const data = await api("/api/screen/next?" + params);
  state.record = data.record;
  state.reasons = data.reasons;
  $("reviewer").placeholder = data.reviewer;  // the project's reviewer when the field is empty
  $("criteria").textContent = data.criteria || "(no criteria in litsynth.toml)";
  const list = $("reasons");
  list.replaceChildren(...data.reasons.slice(0, 9).map((r) => {
    const li = document.createElement("li"); li.textContent = r; return li;
  }));
  showProgress(data.progress);
  const rec = data.record;
  $("rec-done").hidden = rec !== null;
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
    const body = { record_id: state.record.id, decision, reason: reason || "", stage: stage(), reviewer: reviewer() };
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

function onKey(event) {
  if (SCREEN !== "screen" || event.target.tagName === "INPUT" || event.target.tagName === "SELECT") return;
  if (event.key === "i") decide("include");
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
  const list = $("hits");
  try {
    const hits = await api("/api/search?" + params);
    list.replaceChildren(...hits.map((h) => {
      const li = document.createElement("li");
      const cite = document.createElement("div"); cite.className = "cite"; cite.textContent = h.citation + " — " + h.title;
      const text = document.createElement("div"); text.textContent = h.text;
      const meta = document.createElement("div"); meta.className = "meta"; meta.textContent = "score " + h.score.toFixed(3) + " · passage " + h.chunk_id;
      li.append(cite, text, meta);
      return li;
    }));
  } catch (error) {
    const li = document.createElement("li"); li.textContent = error.message; list.replaceChildren(li);
  }
}

function start() {
  $("reviewer").value = localStorage.getItem("litsynth-reviewer") || "";
  $("reviewer").addEventListener("change", () => { localStorage.setItem("litsynth-reviewer", reviewer()); loadNext(); });
  $("stage").addEventListener("change", loadNext);
  $("nav-" + SCREEN).classList.add("current");
  if (SCREEN === "search") {
    $("search-view").hidden = false;
    $("search-form").addEventListener("submit", runSearch);
  } else {
    $("screen-view").hidden = false;
    document.addEventListener("keydown", onKey);
    loadNext().catch((error) => say(error.message, true));
  }
}
start();
