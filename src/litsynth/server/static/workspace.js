// Starts the screen this page is for (common.js says which); loaded last.
"use strict";

// The header's reviewer and stage, changed: reload what depends on them on this screen. The
// reader shows the document with that reviewer's decisions, Conflicts the stage's conflicts,
// Screening that reviewer's queue at that stage; the other screens do not depend on them.
function reloadForHeader() {
  if (SCREEN === "reader") {
    if (reader.document) loadDocument(reader.document).catch((error) => { $("reader-status").textContent = error.message; });
  } else if (SCREEN === "conflicts") {
    loadConflicts().catch((error) => { $("conflict-status").textContent = error.message; });
  } else if (SCREEN === "screen") {
    loadNext().catch((error) => say(error.message, true));
  } else if (SCREEN === "extraction") {  // an appraiser sees their own answers
    loadExtraction().catch((error) => { $("extraction-status").textContent = error.message; });
  }
}

function start() {
  $("reviewer").value = localStorage.getItem("litsynth-reviewer") || "";
  $("reviewer").addEventListener("change", () => { localStorage.setItem("litsynth-reviewer", reviewer()); reloadForHeader(); });
  $("stage").addEventListener("change", reloadForHeader);
  const screeningFailed = (error) => say(error.message, true);
  $("unblind").addEventListener("change", () => loadNext(state.record && state.record.id).catch(screeningFailed));
  $("random-sample").addEventListener("change", () => loadNext().catch(screeningFailed));
  $("nav-" + SCREEN).classList.add("current");
  // the stage matters only where a record or its conflicts are decided (the reader reads
  // passages, whatever stage their record is at: a Stage choice there changed nothing)
  $("stage").closest("label").hidden = !["screen", "conflicts"].includes(SCREEN);
  // an appraisal figure that cannot be drawn yet (no study appraised) is not shown broken
  for (const id of ["appraisal-summary-figure", "appraisal-traffic-figure"]) {
    $(id).addEventListener("error", () => { $("appraisal-figures").hidden = true; });
  }
  $("cell-back").addEventListener("click", (event) => {
    event.preventDefault(); $("cell").hidden = true; $("matrix").hidden = false;
    if (showingSummaries()) drawFramework().catch((error) => { $("matrix-status").textContent = error.message; });
  });
  if (SCREEN === "reader") {
    $("reader-view").hidden = false;
    startReader().catch((error) => { $("reader-status").textContent = error.message; });
  } else if (SCREEN === "duplicates") {
    $("duplicates-view").hidden = false;
    document.addEventListener("keydown", onPairKey);
    $("do-same").addEventListener("click", () => settle(true));
    $("do-different").addEventListener("click", () => settle(false));
    $("do-flip").addEventListener("click", flipLast);
    $("pair-sheet-form").addEventListener("submit", importPairSheet);
    loadPair().catch((error) => { $("pair-status").textContent = error.message; });
  } else if (SCREEN === "conflicts") {
    $("conflicts-view").hidden = false;
    $("pilot-form").addEventListener("submit", (event) => pilotRound(event, false));
    $("end-pilot").addEventListener("click", () => pilotRound(null, true));
    loadConflicts().catch((error) => { $("conflict-status").textContent = error.message; });
  } else if (SCREEN === "extraction") {
    $("extraction-view").hidden = false;
    $("do-start-form").addEventListener("click", startForm);
    $("extraction-form").addEventListener("change", chooseForm);
    loadExtraction().catch((error) => { $("extraction-status").textContent = error.message; });
  } else if (SCREEN === "relations") {
    $("relations-view").hidden = false;
    loadRelations().catch((error) => { $("relations-status").textContent = error.message; });
  } else if (SCREEN === "matrices") {
    $("matrices-view").hidden = false;
    // the flow is the records' and does not need a codebook: drawn whatever the matrix says.
    // A flow that does not add up is no picture (the <img> cannot show a 400): then, and only
    // then, the page asks why and says it where the diagram would be
    $("prisma").addEventListener("error", () => {
      api("/api/prisma").catch((error) => {
        $("prisma").hidden = true; $("prisma-status").textContent = error.message;
      });
    }, { once: true });
    // the flow in words once the diagram is there: a flow that is no picture has no words
    $("prisma").addEventListener("load", () => {
      loadPrismaWords().catch((error) => { $("prisma-status").textContent = error.message; });
    }, { once: true });
    $("prisma").src = "/prisma.svg";
    const fail = (error) => {
      $("matrix-status").textContent = error.message; $("matrix").hidden = true; $("cell").hidden = true;
    };
    loadMatrix().catch(fail);
    $("matrix-kind").addEventListener("change", () => loadMatrix().catch(fail));
    $("matrix-show").addEventListener("change", () => loadMatrix().catch(fail));
    startFramework();
    $("matrix-source").addEventListener("change", () => {
      loadMatrix().catch(fail);
      loadThemes().catch((error) => { $("core").textContent = error.message; });
      loadFindings();
    });
    loadCodebook().catch((error) => { $("codebook-status").textContent = error.message; });
    loadThemes().catch((error) => { $("core").textContent = error.message; });
    loadFindings();
    loadReport();
    $("code-filter").addEventListener("input", filterCodebook);
  } else if (SCREEN === "records") {
    $("records-view").hidden = false;
    startRecords().catch((error) => { $("batches-status").textContent = error.message; });
    startFinder().catch((error) => { $("find-summary").textContent = error.message; });
  } else if (SCREEN === "search") {
    $("search-view").hidden = false;
    $("search-form").addEventListener("submit", runSearch);
    $("copy-all").addEventListener("click", copyAllHits);
    $("words-form").addEventListener("submit", countWords);
    wordsFromAddress();
    $("q").focus();  // the screen is for typing a query
    // a codebook that does not load: said, and the filters stay free text
    offerCodes().catch((error) => $("hits").replaceChildren(el("li", "codes and themes are not offered: " + error.message, "meta")));
  } else {
    $("screen-view").hidden = false;
    document.addEventListener("keydown", onKey);
    // the same decisions for a mouse or a touch screen as the keys give
    $("do-include").addEventListener("click", () => decide("include"));
    $("do-exclude").addEventListener("click", () => decide("exclude", $("do-reason").value));
    $("do-maybe").addEventListener("click", () => decide("maybe"));
    $("do-not-retrieved").addEventListener("click", () => decide("not-retrieved"));
    $("do-undo").addEventListener("click", () => undo());
    $("attach-file").addEventListener("change", attachFullText);
    $("record").addEventListener("dragover", onRecordDrop);  // a PDF dragged from the desktop
    $("record").addEventListener("drop", onRecordDrop);
    $("stop-screening").addEventListener("click", () => stopScreening(false));
    $("resume-screening").addEventListener("click", () => stopScreening(true));
    $("criteria-form").addEventListener("submit", saveCriteria);
    // Enter (or Escape) in the note gives the keys back: then i, e or m decides with it
    $("do-note").addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === "Escape") { event.preventDefault(); $("do-note").blur(); }
    });
    loadNext().catch((error) => say(error.message, true));
  }
}
start();
