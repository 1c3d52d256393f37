// Behaviours of the scoring pages. No inline scripts: the Content-Security-Policy allows only
// our own static files.

// A score row answers 400 when the change is refused (the reason shows on the row) and 409 when
// someone saved the row first (the row shows the current value). Swap those rows in instead of
// the generic error alert of app.js.
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  var target = event.detail.target;
  if ((status === 400 || status === 409) && target && target.closest && target.closest("[data-swap-errors]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
