// PDF annotations on the Read & code screen: the offer of the marks made in a PDF (server:
// /api/annotations, `litsynth code import-annotations` for one document), and the link to
// the PDF with its codings drawn on it. Uses reader.js's state and helpers.
"use strict";

// Highlights and notes made in the PDF itself (Acrobat, Preview, Zotero, a browser) that the
// project does not hold yet: offered once per document shown, with a code to pick for each
// colour whose marks name none (those are kept as memos otherwise).
const SWATCHES = { yellow: "#ffd400", orange: "#f19837", red: "#ff6666", pink: "#ff80a0", green: "#5fb236",
  blue: "#2ea8e5", purple: "#a28ae5", magenta: "#e56eee", grey: "#aaaaaa" };

function counted(counts) {
  return Object.entries(counts).map(([k, n]) => (n > 1 ? codeLabel(k) + " ×" + n : codeLabel(k))).join(", ");
}

async function offerMarks(id) {
  $("pdf-marks").hidden = true;
  const link = $("annotated-pdf");
  link.hidden = reader.kinds[id] !== "pdf";
  link.href = "/api/documents/" + encodeURIComponent(id) + "/annotated";
  const word = reader.kinds[id] === "docx";
  if (reader.kinds[id] !== "pdf" && !word) return;
  const m = await api("/api/annotations?" + new URLSearchParams({ document: id }));
  if (reader.document !== id || !m.pdf || !(m.codings + m.memos)) return;
  $("pdf-marks-title").textContent = word ? "Comments made in this Word document" : "Marks made in this PDF";
  const colours = Object.entries(m.uncoded).filter(([c]) => c in SWATCHES);
  $("pdf-marks-colours").replaceChildren(...colours.map(([colour, n]) => {
    const label = el("label");
    const swatch = el("span", "", "swatch");
    swatch.style.background = SWATCHES[colour];
    const pick = el("select");
    pick.dataset.colour = colour;
    const keep = el("option", "keep as memos");
    keep.value = "";
    pick.append(keep, ...reader.codes.map((c) => { const o = el("option", c.label + " (" + c.id + ")"); o.value = c.id; return o; }));
    pick.addEventListener("change", () => describeMarks(m, word));
    label.append(swatch, colour + " (" + n + "): ", pick);
    return label;
  }));
  describeMarks(m, word);
  const notes = [];
  if (m.unknown_tags.length) notes.push("#" + m.unknown_tags.join(", #") + " names no code (kept in the memo)");
  if (m.not_found.length) notes.push(plural(m.not_found.length, "mark") + " not found in the text: " + m.not_found.join("; "));
  $("pdf-marks-notes").textContent = notes.join(". ");
  $("pdf-marks").hidden = false;
}

// What the marks make, with the codes picked so far for the colours that name none.
function describeMarks(m, word) {
  const codes = { ...m.codes };
  let codings = m.codings;
  let memos = m.memos;
  for (const pick of $("pdf-marks-colours").querySelectorAll("select")) {
    if (!pick.value) continue;
    const n = m.uncoded[pick.dataset.colour];
    codings += n;
    memos -= n;
    codes[pick.value] = (codes[pick.value] || 0) + n;
  }
  const who = m.authors.length ? " (by " + m.authors.join(", ") + ")" : "";
  const parts = [];
  if (codings) parts.push(plural(codings, "coding") + " (" + counted(codes) + ")");
  if (memos) parts.push(plural(memos, "memo"));
  $("pdf-marks-what").textContent = (word ? "This document holds " + plural(m.marks, "comment") + who + " made in Word"
    : "This PDF holds " + plural(m.marks, "mark") + who + " made in a PDF reader")
    + "; the project does not have " + (m.already ? "all of them" : "them") + " yet. They make "
    + parts.join(" and ") + ": a comment naming a code codes the words under it, a mark naming none is kept as a memo on its passage.";
}

async function importMarks() {
  const id = reader.document;
  const colours = {};
  for (const pick of $("pdf-marks-colours").querySelectorAll("select")) if (pick.value) colours[pick.dataset.colour] = pick.value;
  $("pdf-marks-import").disabled = true;
  try {
    const done = await post("/api/annotations/import", { document: id, colours });
    $("pdf-marks").hidden = true;
    const from = reader.kinds[id] === "docx" ? "the document's comments" : "the PDF";
    $("reader-status").textContent = "Brought in from " + from + ": " + plural(done.codings, "coding") + " and " + plural(done.memos, "memo") + ".";
    await loadDocument(id);
    await showCodeCounts();
    if (done.codings) watchLearning();
  } finally {
    $("pdf-marks-import").disabled = false;
  }
}
