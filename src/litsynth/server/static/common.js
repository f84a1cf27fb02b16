// The litsynth workspace: our own scripts, no libraries. Every value from the corpus or the
// records is put into the page with textContent (never innerHTML), so markup in a title or
// an abstract shows as text and never runs.
//
// The page loads, in order: common.js (this file: the page's token and screen, fetching,
// building elements), records.js, finder.js, screening.js, duplicates.js, synthesis.js, reader.js,
// relations.js, findings.js, then workspace.js, which starts
// the screen the page is for. They are classic scripts sharing one global scope.
"use strict";

const TOKEN = document.querySelector('meta[name="litsynth-token"]').content;
const SCREEN = document.querySelector('meta[name="litsynth-screen"]').content;
const $ = (id) => document.getElementById(id);

const state = { record: null, reasons: [], busy: false };

function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

function reviewer() { return $("reviewer").value.trim(); }
function stage() { return $("stage").value; }

function say(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "status error" : "status";
}

// Overlapping loads (a reviewer typed, then the stage changed; two documents picked in a row)
// may answer out of order: only the newest may paint, or the page shows what was left. The
// area `id` is aria-busy while its newest load is out (dimmed, and what tests wait on); an
// answer overtaken by a newer one is dropped and counted in the area's data-dropped.
function newestOnly(id) {
  let asked = 0;
  return async (promise) => {
    const mine = ++asked;
    const area = $(id);
    area.setAttribute("aria-busy", "true");
    let data;
    try {
      data = await promise;
    } catch (error) {
      if (mine === asked) { area.removeAttribute("aria-busy"); throw error; }
      data = null;  // the failure of a load nobody waits for any more is not news
    }
    if (mine !== asked) {
      area.dataset.dropped = String(Number(area.dataset.dropped || 0) + 1);
      return null;
    }
    area.removeAttribute("aria-busy");
    return data;
  };
}

async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json();
  if (!response.ok) {
    const error = new Error(body.error + (body.hint ? " (" + body.hint + ")" : ""));
    error.body = body;  // what the answer says beyond the message (form_missing…)
    throw error;
  }
  return body;
}

// One field of every node of the codebook tree (/api/codebook), by node id: themes,
// categories and codes alike.
function treeField(tree, field) {
  const out = {};
  const walk = (n) => { out[n.id] = n[field]; n.children.forEach(walk); };
  tree.forEach(walk);
  return out;
}

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

// A link that opens a document in the reader, in a tab of its own (the screen stays put).
function readerLink(text, documentId) {
  const link = el("a", text);
  link.href = "/screens/reader#doc=" + encodeURIComponent(documentId);
  link.target = "_blank";
  return link;
}

// A file from the reviewer's disk as a request's body, its name and the rest in the query:
// a database export, a record's full text, a paper for the corpus.
async function sendFile(path, params, file) {
  return api(path + "?" + new URLSearchParams(params), {
    method: "POST",
    headers: { "Content-Type": "application/octet-stream", "X-Litsynth-Token": TOKEN },
    body: await file.arrayBuffer(),
  });
}

async function post(path, body) {
  return api(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Litsynth-Token": TOKEN },
    body: JSON.stringify(body),
  });
}

// Put a text on the clipboard: the Clipboard API where the page may use it (a workspace on
// 127.0.0.1 is a secure context), else a selected hidden text area copied the old way (one
// served on another address, where the API is not offered). True when it was copied.
async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try { await navigator.clipboard.writeText(text); return true; } catch { /* the old way */ }
  }
  const area = el("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed"; area.style.opacity = "0";
  document.body.append(area);
  area.select();
  const done = document.execCommand("copy");
  area.remove();
  return done;
}

// A text with some of its spans marked: [start, end, kind] in order (character offsets from
// the server), each a <mark> whose class `classOf(kind)` gives. Text nodes only.
function markSpans(text, spans, classOf) {
  const out = document.createDocumentFragment();
  let last = 0;
  for (const [start, end, kind] of spans || []) {
    out.append(text.slice(last, start), el("mark", text.slice(start, end), classOf(kind)));
    last = end;
  }
  out.append(text.slice(last));
  return out;
}
