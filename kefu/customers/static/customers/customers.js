/* Customer archive pages: Ctrl+Enter saves a form; the reveal button goes once used. */
(function () {
  "use strict";
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter" || !(ev.ctrlKey || ev.metaKey)) return;
    var form = ev.target instanceof Element ? ev.target.closest("form[data-ctrl-enter]") : null;
    if (!form) return;
    ev.preventDefault();
    form.requestSubmit ? form.requestSubmit() : form.submit();
  });
  document.addEventListener("htmx:afterRequest", function (ev) {
    var el = ev.detail && ev.detail.elt;
    if (el instanceof HTMLElement && el.hasAttribute("data-reveal") && ev.detail.successful) {
      el.hidden = true;
    }
  });
})();
