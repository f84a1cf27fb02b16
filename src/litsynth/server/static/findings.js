// The Matrices screen's findings: the summary of qualitative findings (a theme each), with
// the documents coded under it, how their studies were appraised, and the team's
// GRADE-CERQual ratings, which are set here: each choice is checked by the server and
// written to findings.yaml at once (`litsynth findings table` reads the same file).
"use strict";

const COMPONENT_HINT = "no or very minor … serious concerns";

async function loadFindings() {
  let data;
  try {
    data = await api("/api/findings?" + new URLSearchParams({ source: $("matrix-source").value }));
  } catch (error) {
    $("findings").replaceChildren();
    $("findings-status").textContent = error.message;  // no themes: said, with what to do
    return;
  }
  $("findings-status").textContent = data.exists ? "" : "Nothing rated yet: a first rating writes " + data.file + ".";
  const head = el("tr");
  head.append(...["Finding", "Studies contributing", "Their appraisal",
    ...Object.values(data.components), "Confidence", "Explanation"].map((h) => el("th", h)));
  $("findings").replaceChildren(head, ...data.findings.map((f) => findingRow(f, data)));
}

function findingRow(f, data) {
  const tr = el("tr");
  tr.dataset.theme = f.theme;
  const what = el("th");
  const down = el("a", "what each source says", "read-down");
  down.href = "#";
  down.title = "the framework matrix read down this theme: each source's summary, to write the finding from";
  down.addEventListener("click", (event) => { event.preventDefault(); readFindingDown(f.theme); });
  what.append(el("div", f.label), el("div", f.summary, "meta"), down);
  const studies = el("td");
  studies.append(...f.studies.map((s) => el("div", s.study + " (" + s.passages + ")")));
  if (!f.studies.length) studies.textContent = "none coded yet";
  const appraised = el("td", Object.entries(f.appraisal).map(([j, n]) => j + " " + n).join(", "));
  tr.append(what, studies, appraised);
  for (const [key, name] of Object.entries(data.components)) tr.append(ratingCell(f, key, name, data.concerns, f.components[key] || ""));
  tr.append(ratingCell(f, "confidence", "Confidence", data.confidence, f.confidence));
  const why = el("td");
  const text = el("textarea");
  text.rows = 3; text.cols = 30; text.value = f.explanation; text.dataset.field = "explanation";
  text.setAttribute("aria-label", "Explanation of the confidence in " + f.label);
  text.addEventListener("change", () => rate(f, "explanation", text.value, why));
  why.append(text);
  tr.append(why);
  return tr;
}

function ratingCell(f, field, name, words, value) {
  const td = el("td");
  const select = el("select");
  select.dataset.field = field;
  select.setAttribute("aria-label", name + ": " + f.label);
  select.title = field === "confidence" ? "high, moderate, low, very low" : COMPONENT_HINT;
  select.append(el("option", ""), ...words.map((w) => el("option", w)));
  select.value = value;
  select.addEventListener("change", () => rate(f, field, select.value, td));
  td.append(select);
  return td;
}

async function rate(f, field, value, td) {
  try {
    await post("/api/findings/rate", { theme: f.theme, field, value, source: $("matrix-source").value || null });
    td.className = "saved";
    $("findings-status").textContent = "saved " + field.replaceAll("_", " ") + " of " + f.label;
  } catch (error) {
    td.className = "invalid";
    $("findings-status").textContent = error.message;
  }
}

// A finding's theme read down the framework matrix above: each source's summary on it.
async function readFindingDown(theme) {
  $("matrix-kind").value = "documents|themes";
  $("matrix-show").value = "summaries";
  try {
    await loadMatrix();
    showColumn(framework, theme);
    $("matrix-title").scrollIntoView({ block: "start" });
  } catch (error) {
    $("findings-status").textContent = error.message;
  }
}
