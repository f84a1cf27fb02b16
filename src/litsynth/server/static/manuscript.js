// The Matrices screen's last block: the report and the manuscript draft, drawn from the
// store as it is (`litsynth report`) in the background, then offered from the report folder
// (/report/index.html, /report/manuscript.docx, /report/prisma.png).
"use strict";

const REPORT_FILES = {
  "/report/index.html": "Open the report",
  "/report/manuscript.docx": "manuscript.docx (the Word draft)",
  "/report/prisma.png": "prisma.png (the flow diagram for Word)",
};

function showReport(s) {
  const list = $("report-files");
  list.replaceChildren(...s.files.map((href) => {
    const link = el("a", REPORT_FILES[href] || href);
    link.href = href;
    if (href.endsWith(".html")) link.target = "_blank";
    else link.download = href.split("/").pop();
    const li = el("li");
    li.append(link);
    return li;
  }));
  if (s.error) {
    $("report-status").textContent = s.error + (s.hint ? " (" + s.hint + ")" : "");
  } else if (s.drawn) {
    const when = new Date(s.drawn).toLocaleString();
    $("report-status").textContent = "Drawn " + when + (s.runs ? " in " + s.seconds + " s." : ".");
  } else {
    $("report-status").textContent = "Not drawn yet.";
  }
}

async function drawReport() {
  $("draw-report").disabled = true;
  try {
    let s = await post("/api/report", {});
    while (s.running) {
      $("report-status").textContent = "Drawing" + (s.step ? ": " + s.step : "") + "…";
      await new Promise((done) => setTimeout(done, 700));
      s = await api("/api/report");
    }
    showReport(s);
  } catch (error) {
    $("report-status").textContent = error.message;
  } finally {
    $("draw-report").disabled = false;
  }
}

function loadReport() {
  $("draw-report").addEventListener("click", drawReport);
  $("ref-style").addEventListener("change", chooseStyle);
  api("/api/report").then((s) => {
    $("ref-style").placeholder = s.citation_style;
    return s.running ? drawReport() : showReport(s);
  }).catch((error) => { $("report-status").textContent = error.message; });
}

// The reference list's links in the style named (the project's when the box is empty),
// checked on the server first: a style it cannot find is said here, with close names,
// rather than downloaded as an error.
async function chooseStyle() {
  const style = $("ref-style").value.trim();
  const query = (format) => new URLSearchParams(
    { stage: "included", format, ...(style ? { style } : {}) });
  $("ref-style-status").textContent = "";
  if (style) {
    const response = await fetch("/api/export/references?" + query("txt"));
    if (!response.ok) {
      const body = await response.json();
      $("ref-style-status").textContent = body.error + (body.hint ? " (" + body.hint + ")" : "");
      return;
    }
    const n = (await response.text()).split("\n\n").filter((r) => r.trim()).length;
    $("ref-style-status").textContent = plural(n, "reference") + " in " + style + ".";
  }
  $("ref-word").href = "/api/export/references?" + query("docx");
  $("ref-md").href = "/api/export/references?" + query("md");
}
