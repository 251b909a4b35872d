// A form sent after the session had ended was not saved; once its user has logged in again,
// its page puts back every value that was sent (config.middleware.KeepInputAcrossLogin) into
// the fields of the same name in the page's forms: texts, figures, dates and choices. Hidden
// fields (the page's own token and version), passwords and files are left as drawn.
(function () {
  "use strict";

  var data = document.getElementById("kept-fields");
  if (!data) return;
  // No prototype: a field named "__proto__" is a name like any other.
  var sent = Object.create(null);
  JSON.parse(data.textContent).forEach(function (pair) {
    (sent[pair[0]] = sent[pair[0]] || []).push(pair[1]);
  });
  var SKIPPED = ["hidden", "password", "file", "submit", "button", "reset", "image"];

  document.querySelectorAll("main form[method=post], main form[method=POST]").forEach(
    function (form) {
      var seen = {};
      Array.prototype.forEach.call(form.elements, function (field) {
        var values = field.name && Object.prototype.hasOwnProperty.call(sent, field.name)
          ? sent[field.name]
          : null;
        if (!values || SKIPPED.indexOf(field.type) !== -1 || field.disabled) return;
        if (field.type === "checkbox" || field.type === "radio") {
          field.checked = values.indexOf(field.value) !== -1;
        } else if (field.multiple) {
          Array.prototype.forEach.call(field.options, function (option) {
            option.selected = values.indexOf(option.value) !== -1;
          });
        } else {
          // Fields sharing a name take the values in the order they were sent.
          var index = seen[field.name] || 0;
          seen[field.name] = index + 1;
          if (index >= values.length) return;
          field.value = values[index];
        }
        field.dispatchEvent(new Event("input", { bubbles: true }));
        field.dispatchEvent(new Event("change", { bubbles: true }));
      });
    }
  );
})();
