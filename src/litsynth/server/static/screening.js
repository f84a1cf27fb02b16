// Screening: one record at a time, decided by key or button, with progress, the stopping
// curve and other reviewers' votes; and the conflicts between reviewers.
"use strict";

const screenLoad = newestOnly("record");
const conflictsLoad = newestOnly("conflicts");

// The screening terms the server marked in a text, [start, end, kind] in order: criteria
// words, include_terms and exclude_terms (biblio/highlight.py). Text nodes only.
function marked(text, marks) {
  return markSpans(text, marks, (kind) => "term-" + kind);
}

function showProgress(p) {
  const dl = $("progress");
  dl.replaceChildren();
  const rows = [["screened", p.screened + " of " + p.pool], ["included", p.included],
    ["excluded", p.excluded], ["maybe", p.maybe], ["remaining", p.remaining],
    ["irrelevant since last include", p.since_last_include]];
  // records a year/language rule excluded, a resolution settled or a stop set aside before
  // this reviewer came to them: not theirs to screen, so not "remaining" either
  if (p.settled) rows.splice(4, 0, ["settled by rules, resolutions or a stop", p.settled]);
  if (p.stage === "full-text") rows.splice(4, 0, ["not retrieved", p.not_retrieved]);
  for (const [k, v] of rows) {
    const dt = document.createElement("dt"); dt.textContent = k;
    const dd = document.createElement("dd"); dd.textContent = String(v);
    dl.append(dt, dd);
  }
  $("stopping").textContent = p.stopping.summary;
  $("stopping").className = p.stopping.stop ? "stopping stop" : "stopping";
  drawCurve(p.found || [], p.pool);
}

// When the rule says stop and records are left, a button ends title/abstract screening
// (`litsynth screen stop`); once stopped, the stop is said with a button that withdraws it.
function showStops(p, stopped) {
  const titleAbstract = stage() === "title-abstract";
  $("stop-box").hidden = !(titleAbstract && p.stopping.stop && p.remaining > 0);
  $("stopped-box").hidden = !(titleAbstract && stopped.length);
  $("stopped-line").textContent = stopped.map((s) => "Screening stopped by " + s.reviewer
    + " after " + s.screened + " of " + s.pool + " records (" + pText(s.p_value) + "): "
    + s.records + (s.records === 1 ? " record" : " records") + " nobody screened set aside.").join(" ");
}

function pText(p) { return p < 0.001 ? "p < 0.001" : "p = " + p.toFixed(3); }

async function stopScreening(undo) {
  try {
    const done = await post("/api/screen/stop", { reviewer: reviewer(), undo });
    say(undo ? done.returned + " records returned to the queue" : "stopped: " + done.excluded + " records nobody screened set aside");
    await loadNext();
  } catch (error) { say(error.message, true); }
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
  // The first ranking of a few thousand records takes seconds: the record shown is dimmed
  // while the next one is being chosen (screenLoad marks it aria-busy).
  const data = await screenLoad(api("/api/screen/next?" + params));
  if (data === null) return;  // a newer load paints instead, and ends the busy state
  $("rec-loading").hidden = true;
  state.record = data.record;
  state.reasons = data.reasons;
  $("reviewer").placeholder = data.reviewer;  // the project's reviewer when the field is empty
  $("criteria").textContent = data.criteria || "(no criteria in litsynth.toml)";
  fillCriteriaForm(data);
  // the terms marked in green and red, each shown in its own colour
  $("terms").replaceChildren();
  for (const kind of ["include", "exclude"]) {
    const terms = (data.terms || {})[kind] || [];
    if (!terms.length) continue;
    $("terms").append(kind + "_terms: ");
    terms.forEach((t, i) => $("terms").append(...(i ? [", "] : []), el("mark", t, "term-" + kind)));
    $("terms").append(document.createElement("br"));
  }
  const list = $("reasons");
  list.replaceChildren(...data.reasons.slice(0, 9).map((r) => {
    const li = document.createElement("li"); li.textContent = r; return li;
  }));
  const chosen = $("do-reason").value;
  $("do-reason").replaceChildren(el("option", "(no reason)"), ...data.reasons.map((r) => el("option", r)));
  $("do-reason").options[0].value = "";
  if (data.reasons.includes(chosen)) $("do-reason").value = chosen;
  showProgress(data.progress);
  showStops(data.progress, data.stopped || []);
  showVotes(data.votes);
  const rec = data.record;
  $("rec-done").hidden = rec !== null;
  $("rec-pilot").hidden = !(rec && rec.pilot);
  if (rec && rec.pilot) $("rec-pilot").textContent = "Pilot record " + rec.pilot.position + " of " + rec.pilot.size + ": every reviewer screens these first, then the team compares";
  // Nothing left: the decision buttons go, Undo stays (it takes back the last decision and
  // puts its record back), unless there is nothing to undo either.
  for (const id of ["do-include", "do-exclude", "do-reason", "do-maybe", "do-note"]) $(id).hidden = rec === null;
  // a report is sought only at full text, so only there can it be not retrieved (PRISMA's box)
  const fullText = stage() === "full-text";
  $("do-not-retrieved").hidden = rec === null || !fullText;
  $("key-not-retrieved").hidden = !fullText;
  $("actions").hidden = rec === null && !data.progress.screened;
  $("rec-done").textContent = data.progress.candidates > 0
    ? (stage() === "full-text"
      ? "Nothing left to assess at full text for this reviewer. The flow is on Matrices & PRISMA;"
        + " the included studies' data go on Extraction."
      : "Nothing left to screen at title/abstract for this reviewer. Next: full text (the Stage"
        + " menu above); disagreements wait on Conflicts.")
    : stage() === "full-text"
      ? "No records at full text yet: records included at title/abstract come here."
      : "No records yet: import a database export on the Records screen (or with"
        + " `litsynth import FILE --source NAME`; the source may be left out when the file names it), then reload.";
  for (const id of ["rec-title", "rec-meta", "rec-keywords", "rec-abstract", "rec-doi", "rec-fulltext", "rec-study", "rec-why", "attach-status"]) $(id).textContent = "";
  $("rec-doi").removeAttribute("href");
  $("rec-attach").hidden = !(rec && fullText && !rec.full_texts.length);
  if (!rec) return;
  $("record").dataset.recordId = rec.id;
  $("rec-title").append(marked(rec.title || "(no title)", rec.title ? rec.title_marks : []));
  $("rec-meta").textContent = [rec.authors.slice(0, 4).join("; "), rec.year || "", rec.journal, rec.type].filter(Boolean).join(" · ");
  // an export that had mangled its characters (mojibake): say the text shown was repaired
  if (rec.repaired) {
    const note = el("span", "characters repaired in its " + rec.repaired, "repaired");
    note.title = "The export had them mangled (mojibake: \u201cdon\u00e2\u20ac\u2122t\u201d for \u201cdon\u2019t\u201d). The text as exported is kept with the record.";
    $("rec-meta").append(" · ", note);
  }
  if (rec.doi) {
    $("rec-doi").textContent = "doi:" + rec.doi;
    $("rec-doi").href = "https://doi.org/" + encodeURIComponent(rec.doi).replace(/%2F/g, "/");
  }
  // the full text linked to the record (`litsynth link`), to read in the reader
  showFullTexts(rec.full_texts);
  if (fullText && !rec.full_texts.length) {
    $("rec-fulltext").textContent = "Full text: none linked. Attach the file below (or put it in "
      + "corpus/, then run `litsynth ingest` and `litsynth link " + rec.id + " FILE`); "
      + "if it cannot be had, mark it Not retrieved (r). All still to find: ";
    const list = el("a", "RIS for a reference manager");
    list.href = "/api/export/records?stage=to-retrieve&format=ris";
    list.setAttribute("download", "");
    $("rec-fulltext").append(list, ".");
  }
  if (rec.study) showStudy(rec.id, rec.study);
  // why the queue shows it now: the words the model weighs for inclusion, strongest first
  if (rec.ranked_for && rec.ranked_for.length) $("rec-why").textContent = "Ranked here for: " + rec.ranked_for.join(", ");
  if (rec.keywords.length) {
    $("rec-keywords").append("Keywords: ");
    rec.keywords.forEach((k, i) => $("rec-keywords").append(...(i ? ["; "] : []), marked(k, rec.keyword_marks[i])));
  }
  showAbstract(rec);
}

// At full text, where reports are collated (`litsynth studies`): the other reports of the
// record's study, or the records sought that may report it too, each with "Same study".
function showStudy(id, study) {
  const others = study.reports.filter((r) => r.id !== id);
  if (others.length) {
    $("rec-study").textContent = "One study with: " + others.map((r) => r.label + " " + r.id).join("; ");
    return;
  }
  study.candidates.forEach((c, i) => {
    $("rec-study").append(i ? " · " : "May report the same study as ", c.label + " " + c.id + " (" + c.why + ") ");
    const same = el("button", "Same study");
    same.type = "button";
    same.addEventListener("click", async () => {
      try {
        await post("/api/studies/group", { main: id, others: [c.id], reviewer: reviewer() });
        $("rec-study").textContent = "One study with: " + c.label + " " + c.id;
        // Drawn again from the store: a load begun before the grouping (the reviewer field's
        // change fires when the click takes its focus) would otherwise paint the proposal back.
        await loadNext(id);
      } catch (error) {
        $("rec-study").textContent = error.message;
      }
    });
    $("rec-study").append(same);
  });
}

// The documents linked to the record (`litsynth link`, or attached here), to read in the reader;
// at full text each with "unlink" for a wrong one (`litsynth link --unlink`).
function showFullTexts(documents) {
  documents.forEach((d, i) => {
    $("rec-fulltext").append(i ? ", " : "Full text: ", readerLink(d.label, d.id));
    if (stage() !== "full-text") return;
    const unlink = el("button", "unlink", "unlink");
    unlink.type = "button";
    unlink.title = "Not this record's full text: unlink it (the file stays in corpus/)";
    unlink.addEventListener("click", () => unlinkFullText(d.id));
    $("rec-fulltext").append(" ", unlink);
  });
}

// A file dropped on the record while it asks for its full text is attached as if chosen.
function onRecordDrop(event) {
  // while dragging only the kinds are known ("Files"), not the files themselves
  if ($("rec-attach").hidden || !event.dataTransfer || !event.dataTransfer.types.includes("Files")) return;
  event.preventDefault();
  if (event.type === "drop" && event.dataTransfer.files.length) attachFullText(event.dataTransfer.files[0]);
}

async function unlinkFullText(documentId) {
  const id = $("record").dataset.recordId;
  try {
    await post("/api/records/unlink", { record_id: id, document_id: documentId });
    if ($("record").dataset.recordId === id) await loadNext(id);  // drawn again, attach offered
  } catch (error) {
    $("attach-status").textContent = error.message;
  }
}

// The file the reviewer found for the record on screen: stored in corpus/, read and linked by
// the server (`litsynth ingest`, `litsynth link`), then shown as the record's full text.
async function attachFullText(dropped) {
  const input = $("attach-file");
  const file = dropped instanceof File ? dropped : input.files[0];
  const id = $("record").dataset.recordId;
  if (!file || !id) return;
  $("attach-status").textContent = "Reading " + file.name + "…";
  input.disabled = true;
  try {
    const done = await sendFile("/api/records/fulltext", { record: id, name: file.name }, file);
    if ($("record").dataset.recordId !== id) return;  // the reviewer moved on meanwhile
    $("rec-fulltext").replaceChildren();
    showFullTexts(done.full_texts);
    $("rec-attach").hidden = true;
    $("rec-fulltext").append(done.file ? " (" + done.file + ", " + done.passages + " passages)" : "");
  } catch (error) {
    $("attach-status").textContent = error.message;
  } finally {
    input.disabled = false;
    input.value = "";
  }
}

// A structured abstract as the journal printed it: each section a paragraph under its label.
function showAbstract(rec) {
  const sections = rec.sections || [];
  if (!sections.length) {
    $("rec-abstract").append("(no abstract)");
    return;
  }
  if (!sections.some((s) => s.label)) {
    $("rec-abstract").append(marked(sections[0].text, sections[0].marks));
    return;
  }
  for (const s of sections) {
    const p = document.createElement("p");
    if (s.label) {
      const label = document.createElement("strong");
      label.className = "section-label";
      label.textContent = s.label;
      p.append(label, " ");
    }
    p.append(marked(s.text, s.marks));
    $("rec-abstract").append(p);
  }
}

async function decide(decision, reason) {
  if (!state.record || state.busy) return;
  // PRISMA 2020 counts excluded reports by reason: at full text an exclusion without one is
  // asked about once, and recorded as "no reason given" only when asked for again
  if (decision === "exclude" && !reason && stage() === "full-text" && state.askedReason !== state.record.id) {
    state.askedReason = state.record.id;
    say("At full text each excluded report needs a reason (PRISMA counts them by reason): press 1–9, or pick one beside Exclude. Exclude again to record it without one.", true);
    return;  // the keys stay with the page, so 1–9 work at once
  }
  state.busy = true;
  try {
    const note = $("do-note").value.trim();  // why, in the reviewer's words, kept in the log
    const body = { record_id: state.record.id, decision, reason: reason || "", note, stage: stage(), reviewer: reviewer(), random: $("random-sample").checked };
    await api("/api/screen/decide", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Litsynth-Token": TOKEN },
      body: JSON.stringify(body),
    });
    say(decision + (reason ? " (" + reason + ")" : "") + (note ? " · note kept" : "") + ": " + state.record.id, false);
    $("do-note").value = "";
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
  if (SCREEN !== "screen" || ["INPUT", "SELECT", "TEXTAREA"].includes(event.target.tagName)) return;
  if (event.key === "u" || event.key === "Backspace") undo();
  else if (event.key === "i") decide("include");
  else if (event.key === "e") decide("exclude");
  else if (event.key === "m") decide("maybe");
  else if (event.key === "r" && stage() === "full-text") decide("not-retrieved");
  else if (event.key === "n") $("do-note").focus();
  else if (/^[1-9]$/.test(event.key) && state.reasons[Number(event.key) - 1]) decide("exclude", state.reasons[Number(event.key) - 1]);
  else return;
  event.preventDefault();
}

async function loadConflicts() {
  const data = await conflictsLoad(api("/api/screen/conflicts?" + new URLSearchParams({ stage: stage() })));
  if (data === null) return;  // the stage changed again: its own load shows its conflicts
  const kappa = data.kappa === null ? "not defined" : data.kappa.toFixed(2);
  $("agreement").textContent = "Reviewers: " + (data.reviewers.join(", ") || "none") + " · Cohen's kappa " + kappa + " · " + data.conflicts.length + " unresolved";
  const p = data.pilot;  // the pilot round (litsynth screen pilot): its own agreement
  $("draw-pilot").hidden = !!p;
  $("end-pilot").hidden = !p;
  if (p) {
    const done = Object.entries(p.done).map(([who, n]) => who + " " + n).join(", ") || "nobody yet";
    $("agreement").textContent += " · pilot of " + p.size + ": screened by " + done
      + (p.n_both ? ", " + p.n_agree + " of " + p.n_both + " agree (kappa " + (p.kappa === null ? "not defined" : p.kappa.toFixed(2)) + ")" : "");
  }
  const body = $("conflicts");
  $("conflict-table").hidden = !data.conflicts.length;
  $("no-conflicts").hidden = data.conflicts.length > 0;
  body.replaceChildren(...data.conflicts.map((c) => {
    const tr = el("tr");
    tr.dataset.recordId = c.record_id;
    const rec = el("td"); rec.append(el("div", c.title || "(no title)"), el("div", c.record_id, "meta"));
    // each vote on its line, and under it the note its reviewer left: their why, in their words
    const votes = el("td");
    for (const [who, d] of Object.entries(c.votes)) {
      votes.append(el("div", who + ": " + d + (c.reasons[who] ? " (" + c.reasons[who] + ")" : "")));
      if ((c.notes || {})[who]) votes.append(el("div", who + "'s note: " + c.notes[who], "meta note"));
    }
    const act = el("td");
    const why = el("input"); why.size = 24; why.placeholder = "reason (for an exclusion)"; why.className = "reason";
    act.append(why, el("br"));
    // at full text a report may have been found by one reviewer and not by the other
    const choices = data.stage === "full-text" ? ["include", "exclude", "maybe", "not-retrieved"] : ["include", "exclude", "maybe"];
    for (const decision of choices) {
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

// The side panel's criteria and marked words, edited in place: saved into litsynth.toml
// (`[screening]`), then the record is drawn again with the new marks.
function fillCriteriaForm(data) {
  if ($("edit-criteria").open) return;  // never over what the reviewer is typing
  $("criteria-text").value = data.criteria || "";
  $("include-terms").value = ((data.terms || {}).include || []).join(", ");
  $("exclude-terms").value = ((data.terms || {}).exclude || []).join(", ");
}

async function saveCriteria(event) {
  event.preventDefault();
  const status = $("criteria-status");
  try {
    const saved = await post("/api/settings/screening", {
      criteria: $("criteria-text").value, include_terms: $("include-terms").value.split(","),
      exclude_terms: $("exclude-terms").value.split(","), reason: $("new-reason").value,
    });
    status.textContent = "saved to litsynth.toml" + (saved.reason_added ? "; reason added: " + saved.reason_added : "");
    $("new-reason").value = "";
    $("edit-criteria").open = false;
    await loadNext(state.record && state.record.id);
  } catch (error) {
    status.textContent = error.message;
  }
}

// The pilot round drawn or ended from the Conflicts screen (`litsynth screen pilot`).
async function pilotRound(event, end) {
  if (event) event.preventDefault();
  if (end && !window.confirm("End the pilot? Its decisions stay; its records are no longer shown first.")) return;
  try {
    const body = end ? { stage: stage(), end: true } : { stage: stage(), size: Number($("pilot-size").value) };
    const r = await post("/api/screen/pilot", body);
    $("pilot-status").textContent = end ? "pilot ended (" + r.ended + " records; decisions kept)"
      : r.drawn + " records drawn: every reviewer's queue shows them first";
    await loadConflicts();
  } catch (error) {
    $("pilot-status").textContent = error.message;
  }
}
