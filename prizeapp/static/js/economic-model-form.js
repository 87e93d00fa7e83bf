// Progressive enhancement: the total of the economic-model grid's shares kept current as people type them.
// The server says whether the shares add up to 100 % when the form is saved; without this file the total
// shown is the one of the last page.
(function () {
  "use strict";

  function share(input) {
    var text = input.value.replace(/[%\s\u00a0\u202f]/g, "");
    return /^\d+$/.test(text) ? parseInt(text, 10) : 0;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-shares]").forEach(function (table) {
      var inputs = table.querySelectorAll("input[data-share]");
      var total = table.querySelector("[data-shares-total]");
      if (!total) {
        return;
      }
      function update() {
        var sum = 0;
        inputs.forEach(function (input) { sum += share(input); });
        // The page wrote the total in the reader's language ("90 %", "90%"): only its number changes.
        total.textContent = total.textContent.replace(/\d+/, String(sum));
        total.classList.toggle("economic-form__total--off", sum !== 100);
      }
      inputs.forEach(function (input) { input.addEventListener("input", update); });
    });
  });
})();
