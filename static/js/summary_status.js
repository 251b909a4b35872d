// Keeps a summary report's PDF status up to date without a reload: while the PDF is queued
// or rendering, asks the status endpoint (data-status-url) every few seconds and shows the
// state, the error, the download link or the retry button that the server marks as
// data-status-when="done" / "retry" / "pending". All text comes from the server, translated.
// Without JavaScript the page shows the state it was rendered with and a refresh link.
// Once the PDF is no longer on its way, the flash message that said it was is brought up to
// date: the page marks those messages' texts with <template data-status-stale>, each with the
// words to say once the PDF is ready (data-done); a failed PDF's message is taken down (the
// box shows why it failed).
(function () {
  "use strict";
  var box = document.querySelector("[data-summary-status]");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-status-url");
  var label = box.querySelector("[data-status-label]");
  var error = box.querySelector("[data-status-error]");
  var delay = 2000;
  var maxDelay = 10000;
  var deadline = Date.now() + 15 * 60 * 1000;
  var stale = Array.prototype.map.call(
    box.querySelectorAll("template[data-status-stale]"),
    function (template) {
      return {
        text: template.content.textContent.trim(),
        done: template.getAttribute("data-done") || "",
      };
    }
  );

  function settleMessages(done) {
    document.querySelectorAll('.alert[role="alert"]').forEach(function (alert) {
      var text = alert.textContent.trim();
      stale.forEach(function (message) {
        if (message.text !== text) return;
        if (done && message.done) alert.textContent = message.done;
        else alert.remove();
      });
    });
  }

  function show(name, visible) {
    box.querySelectorAll('[data-status-when="' + name + '"]').forEach(function (element) {
      element.hidden = !visible;
    });
  }

  function apply(status) {
    box.setAttribute("data-state", status.state);
    if (label) {
      label.textContent = status.label;
      label.className = "badge " + status.badge;
    }
    if (error) {
      error.textContent = status.error || "";
      error.hidden = !status.error;
    }
    show("done", status.done);
    show("retry", status.retry);
    show("pending", false); // this script refreshes: the manual link is not needed
    if (!status.pending) settleMessages(status.done);
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (status) {
        apply(status);
        if (status.pending && Date.now() < deadline) schedule();
      })
      .catch(function () {
        show("pending", true); // keep the manual refresh link when polling fails
        if (Date.now() < deadline) schedule();
      });
  }

  function schedule() {
    window.setTimeout(poll, delay);
    delay = Math.min(maxDelay, Math.round(delay * 1.5));
  }

  if (box.hasAttribute("data-pending")) {
    show("pending", false);
    schedule();
  } else {
    // The PDF was done (or failed) before the page was served.
    settleMessages(box.getAttribute("data-state") === "done");
  }
})();
