// A form sent twice by a double tap (a slow connection, an impatient thumb) would raise two
// obstacles or record two visits: once a button has sent its form by POST, the same button
// sends nothing more for a few seconds (the next page normally replaces this one before;
// a download leaves it, and the button works again after). Runs after data_confirm.js,
// whose "no" stops the submission before it gets here.
// Without JavaScript the form is sent as it is, so nothing depends on this script.
(function () {
  "use strict";
  var HOLD_MS = 8000;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || (form.method || "").toLowerCase() !== "post") return;
    // Held per button: another button of the same form (the reminder letter's download,
    // then "send") is another request, and goes.
    var sender = event.submitter || form;
    var sentAt = Number(sender.getAttribute("data-sent-at") || 0);
    if (sentAt && Date.now() - sentAt < HOLD_MS) {
      event.preventDefault();
      return;
    }
    sender.setAttribute("data-sent-at", String(Date.now()));
  });
  // Back to a page kept in the browser's memory: its forms can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("[data-sent-at]").forEach(function (sender) {
      sender.removeAttribute("data-sent-at");
    });
  });
})();
