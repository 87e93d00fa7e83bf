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
    // Evaluation grid editor: the running total of the weights (the server still checks it on saving).
    var grid = document.querySelector("[data-grid]");
    var total = document.querySelector("[data-weight-total]");
    if (grid && total) {
      var updateTotal = function () {
        var sum = 0;
        grid.querySelectorAll("[data-weight]").forEach(function (input) {
          var row = input.closest("fieldset");
          var remove = row && row.querySelector("input[type=checkbox][name$='-remove']");
          var value = parseInt(input.value, 10);
          if (!(remove && remove.checked) && !isNaN(value)) {
            sum += value;
          }
        });
        total.textContent = String(sum);
        total.closest(".weight-total").classList.toggle("weight-total--off", sum !== 100);
      };
      grid.addEventListener("input", updateTotal);
      grid.addEventListener("change", updateTotal);
    }
    // Print buttons (hidden without JavaScript: the page says how to print).
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
    // Buttons that ask before acting (e.g. re-send an email). A form the browser validates and would refuse
    // (a required field left empty) is not confirmed: the browser says what is missing first.
    document.querySelectorAll("[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        var form = button.form;
        if (form && !form.noValidate && !button.formNoValidate && !form.checkValidity()) {
          return;
        }
        if (!window.confirm(button.getAttribute("data-confirm"))) {
          event.preventDefault();
        }
      });
    });
  });
})();

// Applicants' pages.
(function () {
  "use strict";

  // "Closes in 3 days": the server writes it; this keeps it true while the page stays open. Whole days from two
  // days on, then hours, then minutes, always rounded down (as the server does).
  function startCountdowns() {
    var items = document.querySelectorAll("[data-countdown]");
    if (!items.length || !window.Intl || !Intl.NumberFormat) {
      return;
    }
    var lang = document.documentElement.lang || "fr";
    var formats = {};
    function format(value, unit) {
      try {
        formats[unit] = formats[unit] || new Intl.NumberFormat(lang, {style: "unit", unit: unit, unitDisplay: "long"});
        return formats[unit].format(value);
      } catch (error) {
        return null; // an old browser without unit formatting: keep the server's text
      }
    }
    function update() {
      items.forEach(function (item) {
        var left = Date.parse(item.getAttribute("data-countdown")) - Date.now();
        var value = item.querySelector(".countdown__value");
        if (isNaN(left) || !value) {
          return;
        }
        if (left <= 0) {
          item.textContent = item.getAttribute("data-closed");
          return;
        }
        var minute = 60000, hour = 60 * minute, day = 24 * hour, text;
        if (left >= 2 * day) {
          text = format(Math.floor(left / day), "day");
        } else if (left >= hour) {
          text = format(Math.floor(left / hour), "hour");
        } else {
          text = format(Math.max(1, Math.floor(left / minute)), "minute");
        }
        if (text && value.textContent !== text) {
          value.textContent = text;
        }
      });
    }
    update();
    window.setInterval(update, 30000);
  }

  // Forms marked data-once are sent once: a double click or a second press while the page loads sends nothing
  // more (the server also recognises repeats). Coming back to the page with "Back" allows sending again.
  function sendOnce() {
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("data-sending") === "true") {
          event.preventDefault();
          return;
        }
        if (!event.defaultPrevented) {
          form.setAttribute("data-sending", "true");
        }
      });
    });
    window.addEventListener("pageshow", function () {
      document.querySelectorAll("form[data-sending]").forEach(function (form) {
        form.removeAttribute("data-sending");
      });
    });
  }

  // The submission form: the file, team and withdraw buttons send their own small forms, which would leave
  // what was typed in the big one unsaved. Ask first.
  function warnAboutUnsavedChanges() {
    var form = document.querySelector("form[data-unsaved]");
    if (!form) {
      return;
    }
    var changed = false;
    form.addEventListener("input", function (event) {
      if (!event.target.form || event.target.form === form) {
        changed = true;
      }
    });
    form.addEventListener("change", function (event) {
      if (event.target.form === form) {
        changed = true;
      }
    });
    document.addEventListener("submit", function (event) {
      if (changed && event.target !== form && !event.defaultPrevented &&
          !window.confirm(form.getAttribute("data-unsaved"))) {
        event.preventDefault();
      }
    }, true);
  }

  document.addEventListener("DOMContentLoaded", function () {
    startCountdowns();
    sendOnce();
    warnAboutUnsavedChanges();
  });
})();

// Organisers' assignment pages: the progress of a computation, polled every second; when it ends, the page
// reloads to show the preview or the reasons. Without JavaScript the page has a "Refresh" link.
(function () {
  "use strict";

  function followRun() {
    var box = document.querySelector("[data-run-status]");
    if (!box || !window.fetch) {
      return;
    }
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-run-text]");
    var stalled = box.querySelector("[data-run-stalled]");
    var refresh = box.querySelector("[data-run-refresh]");
    if (refresh) {
      refresh.hidden = true;
    }
    function poll() {
      fetch(box.getAttribute("data-run-status"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (run) {
          if (run.finished) {
            window.location.reload();
            return;
          }
          bar.value = run.progress;
          bar.textContent = run.progress + " %";
          if (text.textContent !== run.text) {
            text.textContent = run.text;
          }
          stalled.hidden = !run.stalled;
          window.setTimeout(poll, 1000);
        })
        .catch(function () {
          if (refresh) {
            refresh.hidden = false; // the server did not answer: leave it to the person
          }
        });
    }
    window.setTimeout(poll, 1000);
  }

  document.addEventListener("DOMContentLoaded", followRun);
})();
