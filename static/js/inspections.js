// Behaviours of the inspection pages, for entry on a phone or a tablet. Wired by data- attributes
// (the Content-Security-Policy drops inline handlers); each part also works on content that htmx
// swaps in, and the page still works without it.
//
//   [data-finding-feedback]     after an htmx save, the confirmation or the errors are brought into
//                               view and the focus is put where the eye is;
//   select[data-criterion-select]  only the criteria of the chosen owner unit's framework and of
//                               the chosen field are offered (options say data-framework, data-field);
//   select[multiple][data-unit-picker]  a search box over checkboxes instead of Ctrl-click;
//   input[data-date-input]      dd/mm/yyyy typed on a number pad, which has no "/".
(function () {
  "use strict";

  // --- Confirmation and errors after a save ---------------------------------------------------

  function inView(element) {
    var box = element.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= (window.innerHeight || document.documentElement.clientHeight);
  }

  // The swapped form starts where the old one started, often far above the button on a phone:
  // without this the message lands outside the screen and it looks as if nothing happened.
  function showFeedback() {
    var message = document.querySelector("[data-finding-feedback]:not([data-shown])");
    if (!message) { return; }
    // An earlier confirmation elsewhere on the page (the quick entry's, after an inline edit)
    // would now read as if it were about this save.
    Array.prototype.forEach.call(document.querySelectorAll("[data-finding-feedback][data-shown][role=status]"), function (old) {
      old.remove();
    });
    message.setAttribute("data-shown", "");
    var actions = message.closest(".finding-actions");
    var button = actions ? actions.querySelector("button[type=submit]") : null;
    // Errors take the focus (a screen reader reads them, Tab goes on to the links to the fields);
    // after a success the focus goes back to the button, ready for the next entry.
    var target = message.getAttribute("role") === "alert" || !button ? message : button;
    target.focus({ preventScroll: true });
    var region = actions || message;
    if (!inView(region)) { region.scrollIntoView({ block: "center" }); }
  }

  document.addEventListener("htmx:afterSettle", showFeedback);

  // --- Criteria of the owner unit's block and the chosen field --------------------------------

  function initCriterionFilter(form) {
    var select = form.querySelector("select[data-criterion-select]");
    var field = form.querySelector("select[data-finding-field]");
    var owner = form.querySelector("select[data-owner-unit]");
    if (!select || !field || !owner || select.hasAttribute("data-ready")) { return; }
    select.setAttribute("data-ready", "");
    var empty = select.querySelector("option[value='']");
    var emptyLabel = empty.textContent;
    var criteria = Array.prototype.map.call(select.querySelectorAll("option:not([value=''])"), function (option) {
      return { value: option.value, label: option.textContent, framework: option.getAttribute("data-framework"), field: option.getAttribute("data-field") };
    });

    function apply() {
      var chosenOwner = owner.options[owner.selectedIndex];
      var framework = chosenOwner ? chosenOwner.getAttribute("data-framework") : null;
      var kept = select.value;
      var matches = criteria.filter(function (c) { return c.framework === framework && c.field === field.value; });
      // Rebuilt rather than hidden: a hidden <option> still shows in some phones' pickers.
      select.replaceChildren(empty);
      empty.textContent = matches.length ? emptyLabel : "— Lĩnh vực này không có tiêu chí trong bộ chỉ số của đơn vị —";
      matches.forEach(function (c) {
        var option = new Option(c.label, c.value);
        option.setAttribute("data-framework", c.framework);
        option.setAttribute("data-field", c.field);
        select.appendChild(option);
      });
      select.value = matches.some(function (c) { return c.value === kept; }) ? kept : "";
    }

    field.addEventListener("change", apply);
    owner.addEventListener("change", apply);
    apply();
  }

  // --- A searchable list of units for a <select multiple> -------------------------------------

  // "thach ha" finds "Thạch Hà": Unicode does not decompose đ, so it is mapped by hand.
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "d").toLowerCase();
  }

  var SEPARATOR = /[^a-z0-9]+/;
  var pickers = 0;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function initUnitPicker(select) {
    if (select.hasAttribute("data-ready")) { return; }
    select.setAttribute("data-ready", "");
    pickers += 1;
    var id = "unit-picker-" + pickers;
    var label = select.id ? document.querySelector("label[for='" + select.id + "']") : null;

    var picker = element("div", "unit-picker border rounded bg-white");
    var chosen = element("div", "unit-picker-chosen d-flex flex-wrap gap-1 align-items-center p-2 border-bottom");
    chosen.setAttribute("aria-label", "Đơn vị đã chọn");
    chosen.setAttribute("role", "group");
    var search = element("input", "form-control");
    search.type = "search";
    search.id = id + "-search";
    search.placeholder = "Gõ tên hoặc mã đơn vị để tìm";
    search.autocomplete = "off";
    search.setAttribute("aria-controls", id + "-list");
    search.setAttribute("aria-describedby", id + "-count");
    var searchRow = element("div", "p-2 pb-1");
    searchRow.appendChild(search);
    var count = element("div", "unit-picker-count small text-muted px-2 pb-1");
    count.id = id + "-count";
    count.setAttribute("aria-live", "polite");
    var list = element("div", "unit-picker-list px-2 pb-2");
    list.id = id + "-list";
    list.setAttribute("role", "group");
    list.setAttribute("aria-label", "Danh sách đơn vị");
    var none = element("p", "small text-muted my-2", "Không có đơn vị nào khớp.");
    none.hidden = true;

    var items = [];
    function addItem(option, group) {
      var row = element("div", "form-check");
      var box = element("input", "form-check-input");
      box.type = "checkbox";
      box.id = id + "-" + option.value;
      box.checked = option.selected;
      var text = element("label", "form-check-label", option.textContent);
      text.htmlFor = box.id;
      row.appendChild(box);
      row.appendChild(text);
      group.appendChild(row);
      var item = { option: option, box: box, row: row, words: fold(option.textContent).split(SEPARATOR).filter(Boolean) };
      box.addEventListener("change", function () {
        option.selected = box.checked;
        select.dispatchEvent(new Event("change", { bubbles: true }));
        renderChosen();
      });
      items.push(item);
    }
    Array.prototype.forEach.call(select.children, function (child) {
      if (child.tagName === "OPTGROUP") {
        var group = element("fieldset", "unit-picker-group");
        group.appendChild(element("legend", "small fw-semibold text-muted mt-2 mb-1", child.label));
        Array.prototype.forEach.call(child.children, function (option) { addItem(option, group); });
        list.appendChild(group);
      } else if (child.tagName === "OPTION" && child.value) {
        addItem(child, list);
      }
    });
    list.appendChild(none);

    function renderChosen() {
      chosen.replaceChildren();
      var picked = items.filter(function (item) { return item.box.checked; });
      chosen.appendChild(element("span", "small text-muted me-1", picked.length ? "Đã chọn " + picked.length + ":" : "Chưa chọn đơn vị nào."));
      picked.forEach(function (item) {
        var chip = element("button", "btn btn-sm btn-light border unit-picker-chip");
        chip.type = "button";
        chip.setAttribute("aria-label", "Bỏ chọn " + item.option.textContent);
        chip.appendChild(document.createTextNode(item.option.textContent + " "));
        var cross = element("i", "bi bi-x-lg");
        cross.setAttribute("aria-hidden", "true");
        chip.appendChild(cross);
        chip.addEventListener("click", function () {
          item.box.checked = false;
          item.box.dispatchEvent(new Event("change"));
          search.focus();
        });
        chosen.appendChild(chip);
      });
    }

    // The unit chosen as the one visited is not also one visited along (the server drops it too).
    var main = select.form ? select.form.querySelector("select[name$='unit']:not([multiple])") : null;

    function filter() {
      var words = fold(search.value).split(SEPARATOR).filter(Boolean);
      var shown = 0;
      items.forEach(function (item) {
        // Each word typed begins a word of the name or code: "huong" finds Hương Khê, not Thương.
        var match = !(main && main.value === item.option.value && !item.box.checked) &&
          words.every(function (word) { return item.words.some(function (own) { return own.indexOf(word) === 0; }); });
        item.row.hidden = !match;
        if (match) { shown += 1; }
      });
      Array.prototype.forEach.call(list.querySelectorAll("fieldset"), function (group) {
        group.hidden = !group.querySelector(".form-check:not([hidden])");
      });
      none.hidden = shown > 0;
      count.textContent = words.length ? shown + " đơn vị khớp với “" + search.value.trim() + "”." : items.length + " đơn vị; gõ để tìm, chạm để chọn.";
      return items.filter(function (item) { return !item.row.hidden; });
    }

    search.addEventListener("input", filter);
    if (main) { main.addEventListener("change", filter); }
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        // Enter picks the first unit found, instead of sending the whole form half filled.
        event.preventDefault();
        var first = filter().filter(function (item) { return !item.box.checked; })[0];
        if (first && search.value.trim()) {
          first.box.checked = true;
          first.box.dispatchEvent(new Event("change"));
          search.value = "";
          filter();
          count.textContent = "Đã chọn " + first.option.textContent + ".";
        }
      } else if (event.key === "Escape" && search.value) {
        event.preventDefault();
        search.value = "";
        filter();
      }
    });

    picker.appendChild(chosen);
    picker.appendChild(searchRow);
    picker.appendChild(count);
    picker.appendChild(list);
    select.hidden = true;
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    select.insertAdjacentElement("afterend", picker);
    if (label) { label.htmlFor = search.id; }
    renderChosen();
    filter();
  }

  // --- Dates typed dd/mm/yyyy -----------------------------------------------------------------

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-date-input")) { return; }
    if (event.inputType && event.inputType.indexOf("delete") === 0) { return; }
    var value = input.value;
    if (input.selectionStart !== value.length) { return; } // editing in the middle: leave it alone
    if (/^\d{2}$/.test(value) || /^\d{1,2}\/\d{2}$/.test(value)) {
      input.value = value + "/";
    } else if (/\/\/$/.test(value)) {
      input.value = value.slice(0, -1); // a "/" typed after the one added here
    }
  });

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-date-input")) { return; }
    var value = input.value.trim();
    var compact = /^(\d{2})(\d{2})(\d{4})$/.exec(value);
    var loose = /^(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})$/.exec(value);
    var parts = compact || loose;
    if (parts) {
      input.value = ("0" + parts[1]).slice(-2) + "/" + ("0" + parts[2]).slice(-2) + "/" + parts[3];
    }
  });

  // --- Wiring -----------------------------------------------------------------------------------

  function init(root) {
    Array.prototype.forEach.call(root.querySelectorAll("form"), initCriterionFilter);
    if (root instanceof HTMLFormElement) { initCriterionFilter(root); }
    Array.prototype.forEach.call(root.querySelectorAll("select[multiple][data-unit-picker]"), initUnitPicker);
  }

  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
