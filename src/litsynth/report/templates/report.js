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
})();
