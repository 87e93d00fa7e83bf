// A follow-up report's draft saved as the team goes: after a change, the form is posted in the background
// (the same fields and CSRF token, with action=background) every 20 seconds at most, and when the page is left.
// The server answers {saved_at, version, message}; the page then says « Brouillon enregistré à 14 h 32 ». A
// refusal (someone else saved meanwhile, a value that cannot be read) is said in the same place; the buttons
// still save and submit the form without this file.
(function () {
  "use strict";

  var DELAY = 20000;

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-autosave]");
    var status = document.querySelector("[data-autosave-status]");
    if (!form || !window.fetch || !window.FormData) {
      return;
    }
    var version = form.querySelector("input[name='version']");
    var changed = false;
    var sending = false;
    var stopped = false;
    var timer = null;

    function say(text) {
      if (status && text) {
        status.textContent = text;
      }
    }

    function save(leaving) {
      if (!changed || sending || stopped) {
        return;
      }
      var data = new FormData(form);
      data.set("action", "background");
      changed = false;
      sending = true;
      // getAttribute: the buttons named "action" would shadow form.action.
      fetch(form.getAttribute("action"), {method: "POST", body: data, credentials: "same-origin", keepalive: !!leaving,
                          headers: {"Accept": "application/json"}})
        .then(function (response) {
          return response.json().then(function (body) { return {ok: response.ok, status: response.status, body: body}; });
        })
        .then(function (answer) {
          if (answer.ok) {
            if (version && answer.body.version !== undefined) {
              version.value = answer.body.version;
            }
            say(answer.body.message);
          } else {
            say(answer.body.message);
            // Someone else saved: stop saving over their version; the buttons still work, knowingly.
            if (answer.status === 409) {
              stopped = true;
            } else {
              changed = true;
            }
          }
        })
        .catch(function () { changed = true; })
        .then(function () { sending = false; });
    }

    function later() {
      changed = true;
      if (!timer) {
        timer = window.setTimeout(function () {
          timer = null;
          save(false);
        }, DELAY);
      }
    }

    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("submit", function () {
      // The button's own post saves everything: no background save after it.
      stopped = true;
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") {
        save(true);
      }
    });
    window.addEventListener("pagehide", function () { save(true); });
  });
})();
