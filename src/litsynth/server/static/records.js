// The Records screen: database exports in (one batch a file), duplicates found, an import
// taken back while no one has worked on its records. The command line's own functions answer
// (`litsynth import`, `litsynth dedupe`, `litsynth batches`), so both say the same.
"use strict";

async function loadBatches() {
  const data = await api("/api/records/batches");
  // an import, a dedupe or decisions change what "Find a record" lists: it asks again
  if (finder.started) findRecords(false).catch((error) => { $("find-summary").textContent = error.message; });
  $("records-lines").replaceChildren(...data.lines.map((line) => el("li", line)));
  $("import-sources").replaceChildren(...data.sources.map((s) => { const o = el("option"); o.value = s; return o; }));
  if (!data.batches.length) {
    $("batches").replaceChildren();
    $("batches-status").textContent = "No imports yet: import a database export above.";
    return;
  }
  $("batches-status").textContent = "";
  $("batches").replaceChildren(...data.batches.map((b) => {
    const tr = el("tr");
    tr.dataset.batch = b.id;
    tr.append(el("td", b.source), el("td", b.file_name), el("td", b.imported_at.slice(0, 16).replace("T", " ")),
      el("td", String(b.records)), el("td", String(b.rejected)), el("td", String(b.duplicates)), el("td", String(b.work)));
    const action = el("td");
    if (b.work) {
      action.append(el("span", "kept: the review's work rests on it", "meta"));
    } else {
      const remove = el("button", "Remove");
      remove.type = "button";
      remove.title = "take this import back: its " + b.records + " records leave the project";
      remove.addEventListener("click", () => removeBatch(b).catch((error) => { $("batches-status").textContent = error.message; }));
      action.append(remove);
    }
    tr.append(action);
    return tr;
  }));
}

async function removeBatch(b) {
  if (!window.confirm("Remove the import of " + b.file_name + " (" + b.source + ", " + b.records + " records)?")) return;
  const done = await post("/api/records/remove", { batch: b.id });
  await loadBatches();
  $("batches-status").textContent = "removed " + done.file_name + " (" + done.source + "): " + done.records
    + " records" + (done.unlinked ? "; find duplicates again: " + done.unlinked + " records lost the duplicate they pointed to" : "");
}

// One file's outcome, as `litsynth import` prints it.
function importLines(o, split) {
  if (o.error) return [o.file + ": not imported: " + o.error];
  if (o.already_imported) return [o.file + ": already imported from " + o.source + " (batch " + o.batch_id + "); nothing to do"];
  const out = [o.file + ": " + o.n_records + (o.n_records === 1 ? " record" : " records") + " imported, "
    + o.n_rejected + " skipped (" + [o.format, o.encoding].filter(Boolean).join(", ") + "; batch " + o.batch_id + ")"];
  if (split) out.push("  source: " + o.source + " (" + o.source_from + ")");
  else if (o.source_from) out.push("  source: " + o.source + ", as the file says (" + o.source_from
    + "); if it came from elsewhere, remove the import below and import it again with its source named");
  for (const r of o.rejected || []) out.push("  line " + r.line + ": " + r.reason);
  for (const w of o.warnings || []) out.push("  warning: " + w);
  return out;
}

async function importFiles(event) {
  event.preventDefault();
  const source = $("import-source").value.trim();
  const files = [...$("import-file").files];
  const shown = $("import-result");
  shown.replaceChildren();
  for (const file of files) {
    const line = el("pre", "importing " + file.name + "…", "import-outcome");
    shown.append(line);
    try {
      const split = $("import-by-database").checked;
      const params = new URLSearchParams({ ...(source ? { source } : {}), name: file.name,
        ...(split ? { by_database: "1" } : { searched: $("import-searched").value, query: $("import-query").value }) });
      const answer = await sendFile("/api/records/import", params, file);
      const outcome = split ? answer.outcomes.find((o) => o.error) || answer.outcomes[0] : answer;
      line.textContent = (split ? answer.outcomes.flatMap((o) => importLines(o, true)) : importLines(outcome, false)).join("\n");
      if (outcome.search) {
        const s = outcome.search;
        line.textContent += "\nsearch of " + s.source + " on " + s.searched_on
          + (s.recorded ? " recorded" : " already recorded") + (s.query ? ": " + s.query : "");
      }
      if (outcome.error) line.classList.add("failed");
    } catch (error) {
      line.textContent = file.name + ": not imported: " + error.message;
      line.classList.add("failed");
    }
  }
  $("import-file").value = "";
  await loadBatches();
}

// A file from a form's picker sent to `path`, and what the command line would print shown
// in `result` (or why nothing was recorded); the Records lines are drawn again after.
async function sendFromForm(form, path, params) {
  const file = $(form + "-file").files[0];
  const shown = $(form + "-result");
  shown.hidden = false;
  shown.classList.remove("failed");
  shown.textContent = "reading " + file.name + "…";
  try {
    const outcome = await sendFile(path, new URLSearchParams({ name: file.name, ...params }), file);
    shown.textContent = outcome.lines.join("\n");
  } catch (error) {
    shown.textContent = file.name + ": nothing recorded: " + error.message;
    shown.classList.add("failed");
  }
  $(form + "-file").value = "";
  await loadBatches();
}

// Another tool's decisions (or a sheet), as `litsynth screen import` prints them.
async function importDecisions(event) {
  event.preventDefault();
  await sendFromForm("decisions", "/api/screen/import", { stage: $("decisions-stage").value,
    reviewer: reviewer(), all: $("decisions-all").value, reason: $("decisions-reason").value.trim() });
}

// An updated review's previous version, as `litsynth previous FILE` says it.
async function tellPrevious(event) {
  event.preventDefault();
  await sendFromForm("previous", "/api/records/previous", { study_column: $("previous-study").value.trim(),
    remove_found: $("previous-remove").checked ? "1" : "" });
}

async function forgetPrevious() {
  if (!window.confirm("Forget the previous version's list? Records removed for repeating it return to screening.")) return;
  const done = await post("/api/records/previous-clear", {});
  const shown = $("previous-result");
  shown.hidden = false;
  shown.classList.remove("failed");
  shown.textContent = "Forgot the previous version's list; " + done.returned + (done.returned === 1 ? " record" : " records") + " returned to screening.";
  await loadBatches();
}

async function findDuplicates() {
  const button = $("find-duplicates");
  button.disabled = true;
  $("dedupe-result").textContent = "Looking for duplicates…";
  try {
    const r = await post("/api/records/dedupe", {});
    const sources = Object.entries(r.by_source || {}).filter(([, n]) => n.duplicates).map(([s, n]) => s + " " + n.duplicates);
    $("dedupe-result").textContent = r.n_duplicates + (r.n_duplicates === 1 ? " duplicate" : " duplicates")
      + " linked in " + r.groups.length + (r.groups.length === 1 ? " group" : " groups")
      + (sources.length ? " (" + sources.join(", ") + ")" : "")
      + (r.uncertain.length ? "; " + r.uncertain.length + " uncertain pairs to settle on the Duplicates screen" : "")
      + (r.warnings.length ? "; " + r.warnings.join("; ") : "");
  } finally {
    button.disabled = false;
  }
  await loadBatches();
}

async function startRecords() {
  $("import-form").addEventListener("submit", (event) => importFiles(event).catch((error) => { $("batches-status").textContent = error.message; }));
  $("decisions-form").addEventListener("submit", (event) => importDecisions(event).catch((error) => { $("decisions-result").textContent = error.message; }));
  $("previous-form").addEventListener("submit", (event) => tellPrevious(event).catch((error) => { $("previous-result").textContent = error.message; }));
  $("previous-clear").addEventListener("click", () => forgetPrevious().catch((error) => { $("previous-result").textContent = error.message; }));
  $("find-duplicates").addEventListener("click", () => findDuplicates().catch((error) => { $("dedupe-result").textContent = error.message; }));
  await loadBatches();
}
