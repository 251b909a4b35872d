// Adds a blank activity to a Django formset: clones the <template> of the empty form,
// numbers it (its fields and its legend), and raises TOTAL_FORMS. Without JavaScript one blank form is always offered.
(function () {
  document.querySelectorAll("[data-formset]").forEach(function (fieldset) {
    var prefix = fieldset.dataset.prefix;
    var total = fieldset.querySelector("#id_" + prefix + "-TOTAL_FORMS");
    var max = fieldset.querySelector("#id_" + prefix + "-MAX_NUM_FORMS");
    var list = fieldset.querySelector("[data-formset-forms]");
    var template = fieldset.querySelector("template[data-formset-empty]");
    var button = fieldset.querySelector("[data-formset-add]");
    if (!total || !list || !template || !button) return;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) return;
      var html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(index + 1));
      list.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var added = list.lastElementChild;
      var first = added && added.querySelector("select, input:not([type=hidden]), textarea");
      if (first) first.focus();
    });
  });
})();
