// Relations: the code pairs that occur together more than chance (`litsynth code relate`),
// each with the passages behind it, and a typed relation confirmed into the codebook.
"use strict";

const relationsLoad = newestOnly("relations");

function pairLabel(label, id) {
  const span = el("span", label);
  span.title = id;
  return span;
}

// The passages behind a pair: each citation opens the reader at that passage.
function evidenceList(pair) {
  const list = el("ul", undefined, "evidence");
  for (const e of pair.evidence) {
    const li = el("li");
    const a = el("a", e.citation);
    a.href = "/screens/reader#" + new URLSearchParams({ doc: e.document, chunk: e.chunk });
    li.append(a);
    list.append(li);
  }
  if (pair.n_evidence > pair.evidence.length) list.append(el("li", "… " + (pair.n_evidence - pair.evidence.length) + " more", "meta"));
  return list;
}

function relationRow(pair, types) {
  const tr = el("tr");
  tr.dataset.pair = pair.a + "|" + pair.b;
  const together = pair.n_ab + " (of " + pair.n_a + " and " + pair.n_b + ")";
  const q = pair.q_value < 0.001 ? "<0.001" : pair.q_value.toFixed(3);
  const cells = [pairLabel(pair.a_label, pair.a), pairLabel(pair.b_label, pair.b), together,
    pair.lift.toFixed(2), q + (pair.significant ? " *" : "")];
  for (const c of cells) { const td = el("td"); td.append(c); tr.append(td); }
  const evidence = el("td");
  const details = el("details");
  details.append(el("summary", pair.n_evidence + " passages"), evidenceList(pair));
  evidence.append(details);
  tr.append(evidence);
  const act = el("td");
  if (pair.existing.length) act.append(el("span", "in the codebook: " + pair.existing.join(", "), "meta"), " ");
  const type = el("select");
  type.setAttribute("aria-label", "relation type");
  for (const t of types) type.append(el("option", t));
  if (pair.existing.length) type.value = pair.existing[0];  // what the codebook says now
  const confirm = el("button", "Confirm");
  confirm.type = "button";
  confirm.addEventListener("click", () => confirmRelation(pair, type.value));
  act.append(type, " ", confirm);
  tr.append(act);
  return tr;
}

function drawConfirmed(confirmed) {
  const list = $("relations-confirmed");
  list.replaceChildren(...confirmed.map((r) => {
    const li = el("li", r.source_label + " — " + r.type + " → " + r.target_label);
    if (r.note) li.append(el("div", r.note, "meta"));
    return li;
  }));
  if (!confirmed.length) list.append(el("li", "None yet.", "meta"));
}

function drawCategories(categories) {
  const list = $("relations-categories");
  list.replaceChildren(...categories.map((c) => {
    const li = el("li", c.codes.join(" · "));
    li.append(el("div", c.reason + (c.codebook_category ? " (" + c.codebook_category + ")" : ""), "meta"));
    return li;
  }));
  if (!categories.length) list.append(el("li", "None: no codes read alike enough yet.", "meta"));
}

async function loadRelations() {
  const data = await relationsLoad(api("/api/relations"));
  if (data === null) return;
  drawConfirmed(data.confirmed);
  drawCategories(data.categories);
  $("relations").replaceChildren(...data.pairs.map((p) => relationRow(p, data.types)));
  $("relations-status").textContent = data.pairs.length
    ? ""
    : "No two codes share a passage yet: code more passages (Read & code), or run `litsynth code suggest`.";
}

async function confirmRelation(pair, type) {
  try {
    const done = await post("/api/relations/confirm", { source: pair.a, target: pair.b, type, coder: reviewer() });
    await loadRelations();  // the confirmed list from the codebook as it now reads
    $("relations-status").textContent = "confirmed: " + pair.a_label + " " + type + " " + pair.b_label + " (" + done.file + ")";
    $("relations-status").className = "status";
  } catch (error) {
    $("relations-status").textContent = error.message;
    $("relations-status").className = "status error";
  }
}
