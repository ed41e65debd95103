// An upload form (form[data-upload-progress]) is sent by XMLHttpRequest so that its <progress> shows how much of
// the file has gone. The answer replaces the page as a normal submit would have: the report it went to (and the
// address becomes that page's), or the same form with the problems listed. Without this script the form posts as is.
// submit-once.js (loaded first) disables the buttons; this script enables them again only if the upload failed.
(function () {
  "use strict";
  var BUTTONS = "button:not([type]), button[type=submit], input[type=submit]";

  function setBusy(form, busy) {
    if (busy) {
      form.setAttribute("data-submitted", "");
    } else {
      form.removeAttribute("data-submitted");
    }
    form.querySelectorAll(BUTTONS).forEach(function (button) {
      button.disabled = busy;
    });
  }

  function showAnswer(xhr) {
    var answer = new DOMParser().parseFromString(xhr.responseText, "text/html");
    document.title = answer.title;
    document.body.replaceWith(document.adoptNode(answer.body));
    if (xhr.responseURL && xhr.responseURL !== window.location.href) {
      window.history.replaceState(null, "", xhr.responseURL);
    }
    var focus = document.querySelector(".app-error-summary") || document.getElementById("main");
    if (focus) {
      focus.focus();
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    // A form already under way (submit-once.js stopped this submit) is not sent again.
    if (event.defaultPrevented || !(form instanceof HTMLFormElement) || !form.hasAttribute("data-upload-progress")) {
      return;
    }
    if (!window.FormData || !window.DOMParser) {
      return;
    }
    event.preventDefault();
    var box = form.querySelector(".app-upload-progress");
    var bar = form.querySelector("progress");
    var data = new FormData(form);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "text/html");
    xhr.upload.addEventListener("progress", function (progress) {
      if (progress.lengthComputable && bar) {
        bar.value = Math.round((progress.loaded / progress.total) * 100);
      }
    });
    xhr.addEventListener("load", function () {
      showAnswer(xhr);
    });
    xhr.addEventListener("error", function () {
      // The connection broke: nothing was answered, so the form may be sent again.
      setBusy(form, false);
      if (box) {
        box.hidden = true;
      }
    });
    setBusy(form, true);
    if (box) {
      box.hidden = false;
    }
    xhr.send(data);
  });
})();
