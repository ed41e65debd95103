// A form is sent once: after its first submit its buttons are disabled and another submit is ignored.
// (The server refuses a second copy too: each form carries a one-time form_token.)
(function () {
  "use strict";
  var BUTTONS = "button:not([type]), button[type=submit], input[type=submit]";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement) || form.method !== "post") {
      return;
    }
    if (form.hasAttribute("data-submitted")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitted", "");
    // Disabled once the submit is under way, so that the pressed button's name and value are still sent.
    window.setTimeout(function () {
      form.querySelectorAll(BUTTONS).forEach(function (button) {
        button.disabled = true;
      });
    }, 0);
  });

  // A page shown again by the browser's back button was answered already: its forms may be used again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    document.querySelectorAll("form[data-submitted]").forEach(function (form) {
      form.removeAttribute("data-submitted");
      form.querySelectorAll(BUTTONS).forEach(function (button) {
        button.disabled = false;
      });
    });
  });
})();
