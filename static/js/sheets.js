// Sheets that keep your work: rows typed but not saved are marked, "Lưu tất cả" sends them in
// one request, leaving the page with unsaved rows asks first, and Enter saves the row in focus.
// No inline handlers: the CSP allows only our own static files.
(function () {
  "use strict";

  function rowForms() {
    return Array.prototype.slice.call(document.querySelectorAll(".score-row form.score-form"));
  }

  function dirtyForms() {
    return rowForms().filter(function (form) { return form.closest(".score-row").hasAttribute("data-unsaved"); });
  }

  function refreshCount() {
    var count = dirtyForms().length;
    document.querySelectorAll("[data-dirty-count]").forEach(function (badge) { badge.textContent = String(count); });
    document.querySelectorAll("[data-save-all-button]").forEach(function (button) { button.disabled = count === 0; });
  }

  function markDirty(event) {
    var form = event.target.closest && event.target.closest("form.score-form");
    if (!form) { return; }
    form.closest(".score-row").setAttribute("data-unsaved", "");
    refreshCount();
  }

  document.addEventListener("input", markDirty);
  document.addEventListener("change", markDirty);

  // The rows' own saves and the sheet's swap rows in: count again.
  document.addEventListener("htmx:afterSettle", refreshCount);
  document.addEventListener("DOMContentLoaded", refreshCount);

  // "Lưu tất cả": every unsaved row's fields, named row-<id>-<field>.
  document.addEventListener("htmx:configRequest", function (event) {
    if (!event.detail.elt.matches || !event.detail.elt.matches("form[data-save-all]")) { return; }
    dirtyForms().forEach(function (form) {
      var id = form.closest(".score-row").id.replace("score-", "");
      new FormData(form).forEach(function (value, name) {
        if (name !== "csrfmiddlewaretoken") { event.detail.parameters["row-" + id + "-" + name] = value; }
      });
    });
  });

  // A refused sheet answers 400 with its refused rows, drawn out of band: swap them in.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 400 && event.detail.elt.matches && event.detail.elt.matches("form[data-save-all]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Leaving with unsaved rows: the browser asks (the text is the browser's own).
  window.addEventListener("beforeunload", function (event) {
    if (dirtyForms().length) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  // Enter in a row's value saves that row (a select does not submit on Enter by itself).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) { return; }
    var target = event.target;
    if (!target.closest || target.tagName === "TEXTAREA") { return; }
    var form = target.closest("form.score-form");
    if (form && target.tagName === "SELECT") {
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();
