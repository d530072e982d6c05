/* Workbench behaviour: bulk selection, Ctrl+Enter submits, `r` focuses the reply box,
   macros fill the reply box. Event delegation only, so htmx swaps need no re-binding. */
(function () {
  "use strict";

  function bulkSync(form) {
    var boxes = form.querySelectorAll("[data-bulk-row]");
    var ids = [];
    boxes.forEach(function (b) { if (b.checked) ids.push(b.value); b.closest("tr").classList.toggle("is-selected", b.checked); });
    var bar = form.querySelector("[data-bulk-bar]");
    if (bar) bar.hidden = ids.length === 0;
    var count = form.querySelector("[data-bulk-count]");
    if (count) count.textContent = String(ids.length);
    var field = form.querySelector("[data-bulk-ids]");
    if (field) field.value = ids.join(",");
    var all = form.querySelector("[data-bulk-all]");
    if (all) all.checked = ids.length > 0 && ids.length === boxes.length;
  }

  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (!(el instanceof HTMLInputElement)) return;
    var form = el.closest("[data-bulk]");
    if (!form) return;
    if (el.hasAttribute("data-bulk-all")) {
      form.querySelectorAll("[data-bulk-row]").forEach(function (b) { b.checked = el.checked; });
    }
    bulkSync(form);
  });

  document.addEventListener("keydown", function (ev) {
    if ((ev.ctrlKey || ev.metaKey) && ev.key === "Enter") {
      var form = ev.target instanceof Element ? ev.target.closest("form[data-ctrl-enter]") : null;
      if (form) { ev.preventDefault(); form.requestSubmit ? form.requestSubmit() : form.submit(); }
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    var typing = t instanceof Element && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if (typing) return;
    if (ev.key === "r") {
      var box = document.getElementById("reply-body");
      if (box) { ev.preventDefault(); box.focus(); }
    } else if (ev.key === "x") {
      var row = document.querySelector("[data-list] tr.is-current [data-bulk-row]");
      if (row) { row.checked = !row.checked; row.dispatchEvent(new Event("change", { bubbles: true })); }
    }
  });

  // A macro chosen from the dropdown: the server renders it for this ticket (htmx swaps the
  // text into a hidden holder); put it into the reply box at the cursor.
  document.addEventListener("htmx:afterSwap", function (ev) {
    var holder = ev.target;
    if (!(holder instanceof Element) || holder.id !== "macro-text") return;
    var box = document.getElementById("reply-body");
    if (!box) return;
    var text = holder.textContent;
    var start = box.selectionStart || box.value.length;
    box.value = box.value.slice(0, start) + text + box.value.slice(box.selectionEnd || start);
    box.focus();
    var sel = document.getElementById("macro-select");
    if (sel) sel.value = "";
  });

  // Public reply vs internal note: the box changes colour so nobody sends a note by mistake.
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (!(el instanceof HTMLInputElement) || el.name !== "mode") return;
    var form = el.closest(".reply-box");
    if (form) form.classList.toggle("is-note", el.value === "note" && el.checked);
    var btn = form && form.querySelector("[data-send-label]");
    if (btn) btn.textContent = btn.getAttribute("data-" + el.value + "-label") || btn.getAttribute("data-reply-label");
  });
})();
