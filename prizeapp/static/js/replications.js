// Progressive enhancement: a search box over a long select (the catalogue's innovations a project of a call
// for replication takes up). Typing narrows its options, accents and case aside; without this file the
// select works as it is.
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-filter-label]").forEach(function (select) {
      var box = document.createElement("div");
      box.className = "select-filter";
      var label = document.createElement("label");
      var input = document.createElement("input");
      input.type = "search";
      input.id = select.id + "-filter";
      input.autocomplete = "off";
      input.setAttribute("aria-controls", select.id);
      label.htmlFor = input.id;
      label.textContent = select.getAttribute("data-filter-label");
      box.appendChild(label);
      box.appendChild(input);
      select.parentNode.insertBefore(box, select);
      input.addEventListener("input", function () {
        var words = fold(input.value).split(/\s+/).filter(Boolean);
        Array.prototype.forEach.call(select.options, function (option) {
          if (!option.value) {
            return; // "choose an innovation" stays
          }
          var text = fold(option.textContent);
          var shown = words.every(function (word) { return text.indexOf(word) !== -1; });
          option.hidden = !shown;
          option.disabled = !shown && !option.selected;
        });
      });
    });
  });
})();
