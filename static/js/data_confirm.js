// Asks before a step that is not simply undone (sending for review, removing a file): a
// submit button, or a form, carrying data-confirm="question" sends the form only once the
// user agrees. The question comes translated from the template. Without JavaScript the form
// is sent as it is, so nothing depends on this script.
(function () {
  "use strict";
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var button = event.submitter;
      var source = null;
      if (button && button.hasAttribute("data-confirm")) source = button;
      else if (form.hasAttribute && form.hasAttribute("data-confirm")) source = form;
      if (!source) return;
      if (!window.confirm(source.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );
})();
