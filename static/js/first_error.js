// A form sent back with errors reloads at the top of the page, with the focus nowhere: a
// screen reader says nothing failed, and on a phone the field to fix may be a screen or
// more below. Take the reader to the first field the form refused (its label and, through
// aria-describedby, its error are read out), or, when only the form as a whole was refused,
// to its message. A field the page itself chose for its error (data-error-focus) comes
// first. Other alerts outside a form keep their place, except an error about what the reader
// has just done (data-error-message: an error message after a redirect, a list's "tick at
// least one" above its form), which is otherwise silent to a screen reader: an alert already
// in a page as it loads is not read out.
(function () {
  "use strict";

  var INVALID = "[aria-invalid='true'], .is-invalid";

  function visible(element) {
    return element.offsetParent !== null || element.getClientRects().length > 0;
  }

  function firstError() {
    // Chosen by the page (autofocus is applied only after this script runs).
    var chosen = document.querySelector("main [data-error-focus]");
    if (chosen && visible(chosen)) return chosen;
    var fields = document.querySelectorAll(
      "main form :is(input, select, textarea):not([type=hidden]):is(" + INVALID + ")"
    );
    for (var i = 0; i < fields.length; i++) {
      if (visible(fields[i]) && !fields[i].disabled) return fields[i];
    }
    var messages = ["main form .alert-danger", "main [data-error-message]"];
    for (var j = 0; j < messages.length; j++) {
      var message = document.querySelector(messages[j]);
      if (message && visible(message)) {
        if (!message.hasAttribute("tabindex")) message.setAttribute("tabindex", "-1");
        return message;
      }
    }
    return null;
  }

  function go() {
    var active = document.activeElement;
    if (active && active !== document.body && active.matches(INVALID)) return;
    var target = firstError();
    if (!target) return;
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "center" });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", go);
  } else {
    go();
  }
})();
