// The one way every page asks before a destructive or irreversible action.
//
// The Content-Security-Policy forbids inline handlers: onsubmit="return confirm(…)" is dropped
// silently and the action runs without asking. So an element says what it will do in
// data-confirm, and this file asks with window.confirm (which the policy allows):
//
//   <form data-confirm="…">               before the form is sent, normally or by htmx (hx-post);
//   <button type="submit" data-confirm>   when that button sends its form (a form whose buttons
//                                         do different things, e.g. with formaction); it wins
//                                         over the form's message;
//   <option data-confirm="…">             the chosen option's message wins over its form's, when
//                                         what is lost depends on the choice (reopen to a phase);
//   <button hx-post data-confirm="…">     before htmx sends the request;
//   <a data-confirm="…">, other buttons   before the link is followed or the click goes on.
//
// Each action asks once: an event confirmed here is remembered, and the htmx:confirm that the
// same submit or click raises next does not ask again. hx-confirm is not used: htmx would ask a
// second time, in a second way.
(function () {
  "use strict";

  var confirmed = new WeakSet();
  var HTMX_REQUEST = ["hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete"];

  function message(element) {
    return element && element.getAttribute ? element.getAttribute("data-confirm") || "" : "";
  }

  function chosenOption(form) {
    var selects = form.querySelectorAll("select");
    for (var i = 0; i < selects.length; i++) {
      var option = selects[i].options[selects[i].selectedIndex];
      if (message(option)) { return option; }
    }
    return null;
  }

  function messageForForm(form, submitter) {
    return message(submitter) || message(chosenOption(form)) || message(form);
  }

  function isHtmxRequest(element) {
    return HTMX_REQUEST.some(function (name) {
      return element.hasAttribute(name) || element.hasAttribute("data-" + name);
    });
  }

  function sendsItsForm(element) {
    return Boolean(element.form) && (element.type === "submit" || element.type === "image");
  }

  function ask(text, event) {
    if (window.confirm(text)) {
      confirmed.add(event);
      return true;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    return false;
  }

  // Capture phase: this runs before htmx's own submit listener on the form, so a refusal
  // stops the request as well as a normal submission.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) { return; }
    var text = messageForForm(form, event.submitter);
    if (text) { ask(text, event); }
  }, true);

  document.addEventListener("click", function (event) {
    var element = event.target instanceof Element ? event.target.closest("a[data-confirm], button[data-confirm], input[data-confirm]") : null;
    // A submit button is asked for by the submit listener (as the submitter), an htmx element
    // by htmx:confirm: asking here as well would ask twice.
    if (!element || sendsItsForm(element) || isHtmxRequest(element)) { return; }
    var text = message(element);
    if (text) { ask(text, event); }
  }, true);

  document.addEventListener("htmx:confirm", function (event) {
    var detail = event.detail;
    var trigger = detail.triggeringEvent;
    if (trigger && confirmed.has(trigger)) { return; }
    var elt = detail.elt;
    var text = elt instanceof HTMLFormElement ? messageForForm(elt, trigger && trigger.submitter) : message(elt);
    if (!text) { return; }
    event.preventDefault();
    if (window.confirm(text)) { detail.issueRequest(true); }
  });
})();
