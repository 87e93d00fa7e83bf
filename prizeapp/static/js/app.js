// Progressive enhancements only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    // Collapsible main menu on narrow screens.
    var toggle = document.querySelector(".site-nav__toggle");
    if (toggle) {
      toggle.hidden = false;
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") === "true";
        toggle.setAttribute("aria-expanded", open ? "false" : "true");
      });
    }
    // Move focus to the list of form errors so that screen readers announce it first.
    var summary = document.querySelector("[data-focus]");
    if (summary) {
      summary.focus();
    }
    // Buttons that ask before acting (e.g. re-send an email).
    document.querySelectorAll("[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.getAttribute("data-confirm"))) {
          event.preventDefault();
        }
      });
    });
  });
})();
