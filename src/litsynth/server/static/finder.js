// The Records screen's "Find a record": every record by a few of its words and where it
// stands, and one record opened with its decisions in the order they were made, to decide
// again (`biblio/record_finder.py`; the decision goes where the Screening screen's go).
"use strict";

const finder = { offset: 0, started: false };  // offset: the records listed so far
const STATUS_WORDS = {
  all: "every record", undecided: "not decided yet", include: "included", exclude: "excluded",
  maybe: "maybe", conflict: "reviewers disagree", "not-retrieved": "not retrieved",
  duplicate: "duplicates", "not-sought": "not sought",  // at full text: not included at title/abstract
};
const findLoad = newestOnly("found-area");

function statusText(s) {
  return (STATUS_WORDS[s.decision] || s.decision) + (s.reason ? ": " + s.reason : "");
}

function findQuery() {
  const q = new URLSearchParams({ stage: $("find-stage").value, status: $("find-status").value || "all", offset: String(finder.offset) });
  const words = $("find-words").value.trim();
  if (words) q.set("words", words);
  if ($("find-source").value) q.set("source", $("find-source").value);
  return q;
}

// Every status is offered, with how many of the records with these words have it
function showCounts(data) {
  const chosen = $("find-status").value || "all";
  $("find-status").replaceChildren(...Object.keys(STATUS_WORDS).map((s) => {
    const option = el("option", STATUS_WORDS[s] + " (" + (data.counts[s] || 0) + ")");
    option.value = s;
    option.selected = s === chosen;
    return option;
  }));
  const sources = ["", ...data.sources];
  if ($("find-source").options.length !== sources.length) {  // a new source was imported
    const chosenSource = $("find-source").value;
    $("find-source").replaceChildren(...sources.map((s) => {
      const o = el("option", s || "every source"); o.value = s; o.selected = s === chosenSource; return o;
    }));
  }
}

async function findRecords(more) {
  finder.offset = more ? finder.offset : 0;
  const data = await findLoad(api("/api/records/find?" + findQuery()));
  if (data === null) return;
  showCounts(data);
  const rows = data.records.map(foundRow);
  if (more) $("found").append(...rows); else $("found").replaceChildren(...rows);
  finder.offset = data.offset + data.records.length;
  $("found-table").hidden = data.total === 0;
  $("find-more").hidden = finder.offset >= data.total;
  const words = $("find-words").value.trim();
  const none = !data.sources.length ? "No records yet: import a database export below."
    : "No record " + (words ? "holds “" + words + "” " : "") + "with that status.";
  $("find-summary").textContent = data.total === 0
    ? none
    : "Records 1–" + finder.offset + " of " + data.total + " in import order; open one to see its decisions and decide again.";
  // all of them, not the page, as a file: a sheet with the decisions, or RIS
  const links = data.total === 0 ? [] : [["xlsx", "Excel"], ["ris", "RIS"]].map(([fmt, label]) => {
    const q = findQuery();
    q.delete("offset");
    q.set("format", fmt);
    const a = el("a", label);
    a.href = "/api/records/found?" + q;
    a.setAttribute("download", "");
    return a;
  });
  $("find-download").replaceChildren(...(links.length ? ["Download these " + data.total + ": ", links[0], " · ", links[1]] : []));
}

function foundRow(r) {
  const tr = el("tr");
  tr.dataset.record = r.id;
  const open = el("button", r.title || "(no title)", "linkish");
  open.type = "button";
  open.setAttribute("aria-expanded", "false");
  open.addEventListener("click", () => toggleRecord(r.id, tr, open).catch((error) => { $("find-summary").textContent = error.message; }));
  const first = el("td");
  first.append(open, el("div", r.authors.join("; ") + (r.journal ? " · " + r.journal : ""), "meta"));
  tr.append(first, el("td", String(r.year || "")), el("td", r.source),
    el("td", statusText(r.title_abstract), "ta-status"), el("td", statusText(r.full_text), "ft-status"));
  return tr;
}

async function toggleRecord(id, tr, button) {
  const next = tr.nextElementSibling;
  if (next && next.classList.contains("found-detail")) {
    next.remove();
    button.setAttribute("aria-expanded", "false");
    return;
  }
  const data = await api("/api/records/record?id=" + encodeURIComponent(id));
  const detail = el("tr", undefined, "found-detail");
  const cell = el("td");
  cell.colSpan = 5;
  drawRecord(cell, data, tr);
  detail.append(cell);
  tr.after(detail);
  button.setAttribute("aria-expanded", "true");
}

function drawRecord(cell, data, tr) {
  const rec = data.record;
  const facts = [rec.authors.join("; "), rec.journal, rec.year, rec.type, rec.doi && "doi:" + rec.doi, rec.source + " · " + rec.id];
  cell.replaceChildren(el("p", facts.filter(Boolean).join(" · "), "meta"));
  cell.append(el("p", rec.abstract || "(no abstract)", "abstract-short"));
  for (const doc of rec.full_texts) {
    const p = el("p", "Full text: ", "meta");
    p.append(readerLink(doc.path || doc.id, doc.id));
    cell.append(p);
  }
  if (data.status.duplicate_of) {
    cell.append(el("p", "A duplicate of " + data.status.duplicate_of + ": it is screened as that record, and its decisions are that record's.", "meta"));
  } else if (data.group.length) {
    cell.append(el("p", "Its duplicates: " + data.group.map((g) => g.source + " " + g.id).join(", "), "meta"));
  }
  if (data.study) cell.append(studyControls(rec.id, data.study, cell, tr));
  const history = el("ol", undefined, "record-history");
  for (const d of data.history) {
    const said = [d.at.slice(0, 16).replace("T", " "), d.reviewer, d.stage, d.decision + (d.reason ? ": " + d.reason : "")];
    if (d.note) said.push("“" + d.note + "”");
    if (d.origin === "resolution") said.push("(resolution)");
    else if (d.origin === "automation") said.push("(automation)");
    if (d.made_in) said.push("(in " + d.made_in + ")");
    history.append(el("li", said.join(" · ")));
  }
  cell.append(el("h3", data.history.length ? "Decisions, oldest first" : "No decision yet"));
  if (data.history.length) cell.append(history);
  if (!data.status.duplicate_of) cell.append(decideControls(rec.id, data, cell, tr));
}

// A button that records a grouping or takes one back (`litsynth studies`), then draws again
// what counts studies: `then` the caller's own part, the records lines (the found rows stay
// as they are) and the list of studies.
function studyButton(label, path, body, then, failed) {
  const b = el("button", label);
  b.type = "button";
  b.addEventListener("click", async () => {
    try {
      await then(await post(path, { ...body(), reviewer: reviewer() }));
      const fresh = await api("/api/records/batches");
      $("records-lines").replaceChildren(...fresh.lines.map((line) => el("li", line)));
      await loadStudies();
    } catch (error) {
      failed(error);
    }
  });
  return b;
}

// Reports of one study (`litsynth studies`): PRISMA counts the study once, its reports apart.
function studyControls(id, study, cell, tr) {
  const box = el("div", undefined, "study-box");
  const said = el("span", "", "status");
  said.setAttribute("role", "status");
  const redraw = async (message) => {
    drawRecord(cell, await api("/api/records/record?id=" + encodeURIComponent(id)), tr);
    const status = cell.querySelector(".study-box .status");
    if (status) status.textContent = message;
  };
  const act = (label, path, body, message) => studyButton(label, path, body,
    (done) => redraw(done.recorded.length ? message : "nothing to record: it stands so already"),
    (error) => { said.textContent = error.message; said.className = "status error"; });
  // a study the previous version of an updated review included: this record is a new report of it
  const earlier = study.main.startsWith("previous:");
  if (study.reports.length) {
    const p = el("p", earlier
      ? "A new report of a study the previous version included (PRISMA counts it in the total reports): "
      : "One study, reported in " + study.reports.length + " records: ", "meta");
    p.append(study.reports.map((r) => (r.id === study.main && !earlier ? r.label + " (main report)" : r.label) + " " + r.id).join("; "));
    p.append(" ", act("Not the same study", "/api/studies/split", () => ({ record_id: id }), "taken out of the study"));
    box.append(p);
  }
  for (const c of study.candidates) {
    const p = el("p", "Maybe the same study: " + c.label + " " + c.id + " (" + c.why + ") ", "meta");
    p.append(act("Same study", "/api/studies/group", () => ({ main: id, others: [c.id] }), "grouped with " + c.label));
    box.append(p);
  }
  const form = el("p", undefined, "toolbar");
  const other = el("input");
  other.type = "text";
  other.placeholder = "record id";
  other.setAttribute("aria-label", "another report of this study: its record id");
  form.append(el("span", "Another report of this study: "), other,
    act("Group", "/api/studies/group", () => ({ main: id, others: [other.value.trim()] }), "grouped"), said);
  box.append(form);
  return box;
}

function decideControls(id, data, cell, tr) {
  const stageNow = $("find-stage").value;
  const form = el("p", undefined, "toolbar");
  const said = el("span", "", "status");
  said.setAttribute("role", "status");
  const reasons = el("select");
  reasons.setAttribute("aria-label", "exclusion reason");
  reasons.append(el("option", "(no reason)"), ...data.reasons.map((r) => el("option", r)));
  reasons.options[0].value = "";
  const button = (label, decision, withReason) => {
    const b = el("button", label);
    b.type = "button";
    b.addEventListener("click", async () => {
      try {
        await post("/api/screen/decide", { record_id: id, stage: stageNow, decision, reviewer: reviewer(), reason: withReason ? reasons.value : "" });
        const fresh = await api("/api/records/record?id=" + encodeURIComponent(id));
        // the counts move with the decision; the rows stay where the reviewer is reading
        showCounts(await api("/api/records/find?" + new URLSearchParams({ ...Object.fromEntries(findQuery()), limit: "1" })));
        drawRecord(cell, fresh, tr);
        tr.querySelector(".ta-status").textContent = statusText(fresh.status.title_abstract);
        tr.querySelector(".ft-status").textContent = statusText(fresh.status.full_text);
        cell.querySelector(".toolbar .status").textContent = "recorded: " + decision + " at " + stageNow.replace("-", "/") + " by " + (reviewer() || "the project's reviewer");
      } catch (error) {
        said.textContent = error.message;
        said.className = "status error";
      }
    });
    return b;
  };
  form.append(el("span", "Decide at " + stageNow.replace("-", "/") + ": "), button("Include", "include"), button("Maybe", "maybe"),
    button("Exclude", "exclude", true), reasons);
  if (stageNow === "full-text") form.append(button("Not retrieved", "not-retrieved"));
  form.append(said);
  return form;
}

// The Records screen's "Studies reported more than once": the studies grouped so far, and the
// pairs that may report one study (`litsynth studies`, `studies candidates`).
async function loadStudies() {
  const data = await api("/api/studies");
  $("studies-summary").textContent = "Included: " + data.included_studies + (data.included_studies === 1 ? " study" : " studies")
    + " in " + data.included_reports + (data.included_reports === 1 ? " report" : " reports")
    + (data.previous_version_reports
      ? "; and " + data.previous_version_reports + (data.previous_version_reports === 1 ? " new report" : " new reports")
        + " of " + data.previous_version_studies + (data.previous_version_studies === 1 ? " study" : " studies") + " the previous version included."
      : ".")
    + (data.candidates.length ? "" : " No pair of the records sought for full text looks like one study's reports.");
  const act = (label, path, body) => studyButton(label, path, () => body, async () => {},
    (error) => { $("studies-summary").textContent = error.message; });
  $("studies-grouped").replaceChildren(...data.studies.map((study) => {
    const li = el("li", study.reports.map((r) => r.label + " " + r.record_id).join(" · ") + " ");
    for (const r of study.reports.slice(1)) li.append(act("Not the same study: " + r.label, "/api/studies/split", { record_id: r.record_id }), " ");
    return li;
  }));
  $("studies-candidates").replaceChildren(...data.candidates.map((c) => {
    const li = el("li", "Maybe one study: " + c.labels[0] + " " + c.records[0] + " · " + c.labels[1] + " " + c.records[1] + " (" + c.why + ") ");
    li.append(act("Same study", "/api/studies/group", { main: c.records[0], others: [c.records[1]] }));
    return li;
  }));
}

function startFinder() {
  finder.started = true;
  loadStudies().catch((error) => { $("studies-summary").textContent = error.message; });
  $("find-form").addEventListener("submit", (event) => {
    event.preventDefault();
    findRecords(false).catch((error) => { $("find-summary").textContent = error.message; });
  });
  for (const id of ["find-stage", "find-status", "find-source"]) {
    $(id).addEventListener("change", () => findRecords(false).catch((error) => { $("find-summary").textContent = error.message; }));
  }
  $("find-more").addEventListener("click", () => findRecords(true).catch((error) => { $("find-summary").textContent = error.message; }));
  return findRecords(false);
}
