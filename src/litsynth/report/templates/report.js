// Small progressive enhancements; the report reads fine without JavaScript.
(function () {
  "use strict";
  // Filter rows of any table or list marked data-filter by the text typed into its input.
  document.querySelectorAll("input[data-filter-target]").forEach(function (input) {
    var target = document.getElementById(input.getAttribute("data-filter-target"));
    if (!target) { return; }
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLowerCase();
      target.querySelectorAll("[data-filter-item]").forEach(function (item) {
        var hay = item.textContent.toLowerCase();
        item.style.display = needle === "" || hay.indexOf(needle) !== -1 ? "" : "none";
      });
    });
  });
  // Each quoted passage can be copied as a manuscript quotes it: “…” (Phadnis, 2023, p. 4).
  // Opened from disk the clipboard API may be refused; a selected text area copies then.
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () { return true; }, function () { return fallback(text); });
    }
    return Promise.resolve(fallback(text));
  }
  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var done = document.execCommand("copy");
    area.remove();
    return done;
  }
  document.querySelectorAll(".passage[data-quote]").forEach(function (passage) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-quote";
    button.textContent = "copy quote";
    button.title = passage.getAttribute("data-quote");
    button.addEventListener("click", function () {
      copy(passage.getAttribute("data-quote")).then(function (done) {
        button.textContent = done ? "copied" : "copy failed: select the text";
      });
    });
    passage.appendChild(button);
  });
})();
