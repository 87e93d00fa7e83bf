// Progressive enhancement of the impact follow-up's set-up page. Without this file the page works: five rows of
// indicators (blank ones ignored), and saving fills in what the library says in the fields left empty.
// With it: picking an indicator from the library fills in its name, unit, source and method at once (what the
// team typed itself is kept), and the unused rows are hidden behind an "Add an indicator" button.
(function () {
  "use strict";

  var FILLED = ["name", "unit", "source", "method"];

  function input(row, name) {
    return row.querySelector("[name$='-" + name + "']");
  }

  function isBlank(row) {
    var select = input(row, "library_key");
    if (select && select.value) {
      return false;
    }
    return ["name", "unit", "baseline", "target", "source", "method"].every(function (name) {
      var field = input(row, name);
      return !field || !field.value.trim();
    });
  }

  function fillFromLibrary(row, select) {
    var option = select.options[select.selectedIndex];
    var previous = select.getAttribute("data-filled") ? JSON.parse(select.getAttribute("data-filled")) : {};
    var filled = {};
    if (!option || !option.value) {
      select.removeAttribute("data-filled");
      return;
    }
    FILLED.forEach(function (name) {
      var field = input(row, name);
      var value = option.getAttribute("data-" + name) || "";
      // Replace only what is empty or what the previous pick filled in: the team's own words stay.
      if (field && (!field.value.trim() || field.value === previous[name])) {
        field.value = value;
        filled[name] = value;
      }
    });
    var dimension = input(row, "dimension");
    if (dimension && option.getAttribute("data-dimension")) {
      dimension.value = option.getAttribute("data-dimension");
    }
    select.setAttribute("data-filled", JSON.stringify(filled));
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.querySelector("[data-impact-rows]");
    if (!section) {
      return;
    }
    var rows = Array.prototype.slice.call(section.querySelectorAll("[data-indicator-row]"));
    rows.forEach(function (row) {
      var select = input(row, "library_key");
      if (select) {
        select.addEventListener("change", function () { fillFromLibrary(row, select); });
      }
    });
    // Rows with an error stay visible, and at least the minimum number of rows.
    var minimum = parseInt(section.getAttribute("data-min-rows"), 10) || 3;
    var lastUsed = -1;
    rows.forEach(function (row, index) {
      if (!isBlank(row) || row.querySelector(".field--error")) {
        lastUsed = index;
      }
    });
    var shown = Math.max(lastUsed + 1, minimum);
    var hidden = rows.slice(shown);
    if (!hidden.length) {
      return;
    }
    hidden.forEach(function (row) { row.hidden = true; });
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary impact-setup__add";
    button.textContent = section.getAttribute("data-add-label");
    button.addEventListener("click", function () {
      var next = hidden.shift();
      if (next) {
        next.hidden = false;
        var first = next.querySelector("select, input:not([type=hidden])");
        if (first) {
          first.focus();
        }
      }
      if (!hidden.length) {
        button.remove();
      }
    });
    rows[rows.length - 1].parentNode.insertBefore(button, rows[rows.length - 1].nextSibling);
  });
})();
