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
  api("/api/report").then((s) => (s.running ? drawReport() : showReport(s)))
    .catch((error) => { $("report-status").textContent = error.message; });
}
