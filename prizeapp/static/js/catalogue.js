// The catalogue's filters: open by default (so that they work without JavaScript), folded on a phone when
// the page loads, unless a filter has an error to show.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var panel = document.querySelector("[data-catalogue-filters]");
    if (panel && !panel.hasAttribute("data-keep-open") && window.matchMedia("(max-width: 47.99rem)").matches) {
      panel.open = false;
    }
  });
})();
