/* kefu 客服 — shell behaviour: navigation, keyboard shortcuts, menus, small helpers.
   Everything uses event delegation, so content swapped in by htmx works without re-binding. */
(function () {
  "use strict";

  var body = document.body;
  var PHONE = window.matchMedia("(max-width: 767px)");
  var NAV_COOKIE = "kefu_nav";  // read by base.html, so the page is drawn collapsed at once

  /* ------------------------------------------------------------ navigation */
  function setCollapsed(on) {
    body.classList.toggle("nav-collapsed", on);
    var btn = document.querySelector("[data-nav-collapse]");
    if (btn) btn.setAttribute("aria-pressed", on ? "true" : "false");
    document.cookie = NAV_COOKIE + "=" + (on ? "collapsed" : "open") + "; path=/; max-age=31536000; SameSite=Lax";
  }
  function setOpen(on) {
    body.classList.toggle("nav-open", on);
    var toggle = document.querySelector("[data-nav-open]");
    if (toggle) toggle.setAttribute("aria-expanded", on ? "true" : "false");
    var backdrop = document.querySelector(".nav-backdrop");
    if (backdrop) backdrop.hidden = !on;
    if (on) {
      var first = document.querySelector(".sidebar .nav-link");
      if (first) first.focus();
    }
  }

  /* ------------------------------------------------------------ clicks */
  document.addEventListener("click", function (ev) {
    var t = ev.target;
    if (!(t instanceof Element)) return;
    if (t.closest("[data-nav-open]")) {
      if (PHONE.matches) setOpen(!body.classList.contains("nav-open"));
      else setCollapsed(!body.classList.contains("nav-collapsed"));
      return;
    }
    if (t.closest("[data-nav-close]")) { setOpen(false); return; }
    if (t.closest("[data-nav-collapse]")) { setCollapsed(!body.classList.contains("nav-collapsed")); return; }
    var dismiss = t.closest("[data-dismiss]");
    if (dismiss) { var box = dismiss.parentElement; if (box) box.remove(); return; }
    var copy = t.closest("[data-copy]");
    if (copy) { copyText(copy); return; }
    var toggle = t.closest("[data-tree-toggle]");
    if (toggle) { toggleTree(toggle); return; }
    var all = t.closest("[data-tree-all]");
    if (all) { setTreeAll(all.getAttribute("data-tree-all") === "open"); return; }
    // Close open <details> menus when clicking elsewhere.
    document.querySelectorAll("details.menu[open]").forEach(function (d) {
      if (!d.contains(t)) d.removeAttribute("open");
    });
  });

  // Only one menu open at a time.
  document.addEventListener("toggle", function (ev) {
    var d = ev.target;
    if (!(d instanceof HTMLDetailsElement) || !d.classList.contains("menu") || !d.open) return;
    document.querySelectorAll("details.menu[open]").forEach(function (o) { if (o !== d) o.removeAttribute("open"); });
  }, true);

  // Forms (or their submit buttons) that ask before doing something destructive (without
  // htmx). No inline onclick/onsubmit: the Content-Security-Policy forbids them.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement)) return;
    var btn = ev.submitter;
    var msg = (btn && btn.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) ev.preventDefault();
  });

  // Filter bars: a changed <select> submits at once.
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el instanceof HTMLSelectElement && el.form && el.form.hasAttribute("data-autosubmit")) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });

  function copyText(btn) {
    var target = document.getElementById(btn.getAttribute("data-copy"));
    if (!target) return;
    var text = target.textContent.trim();
    var done = function () {
      var label = btn.querySelector("span");
      if (!label) return;
      var old = label.textContent;
      label.textContent = btn.getAttribute("data-copied") || "✓";
      setTimeout(function () { label.textContent = old; }, 1600);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
    } else {
      var range = document.createRange();
      range.selectNodeContents(target);
      var sel = window.getSelection();
      sel.removeAllRanges(); sel.addRange(range);
      try { document.execCommand("copy"); done(); } catch (e) { /* leave it selected */ }
    }
  }

  /* ------------------------------------------------------------ tree (组织架构) */
  function rowsBelow(row) {
    var path = row.getAttribute("data-path");
    return Array.prototype.filter.call(
      document.querySelectorAll("tr[data-path]"),
      function (r) { var p = r.getAttribute("data-path"); return p !== path && p.indexOf(path) === 0; }
    );
  }
  function toggleTree(btn) {
    var row = btn.closest("tr");
    var open = btn.getAttribute("aria-expanded") !== "true";
    btn.setAttribute("aria-expanded", open ? "true" : "false");
    // A row is shown when every unit between it and this one is expanded.
    var stack = [];
    rowsBelow(row).forEach(function (r) {
      var d = +r.getAttribute("data-depth");
      while (stack.length && stack[stack.length - 1].depth >= d) stack.pop();
      var parent = stack[stack.length - 1];
      var visible = open && (!parent || (parent.visible && parent.expanded));
      r.hidden = !visible;
      var t = r.querySelector("[data-tree-toggle]");
      stack.push({ depth: d, visible: visible, expanded: !!t && t.getAttribute("aria-expanded") === "true" });
    });
  }
  function setTreeAll(open) {
    document.querySelectorAll("tr[data-path]").forEach(function (r) {
      var t = r.querySelector("[data-tree-toggle]");
      if (t) t.setAttribute("aria-expanded", open ? "true" : "false");
      if (+r.getAttribute("data-level") > 0) r.hidden = !open;
    });
  }

  /* ------------------------------------------------------------ keyboard */
  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return el.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }
  function listRows() {
    var list = document.querySelector("[data-list]");
    if (!list) return [];
    return Array.prototype.filter.call(list.querySelectorAll("tbody tr"), function (r) {
      return !r.hidden && r.querySelector("a[href]");
    });
  }
  function moveCurrent(step) {
    var rows = listRows();
    if (!rows.length) return;
    var i = rows.findIndex(function (r) { return r.classList.contains("is-current"); });
    if (i >= 0) rows[i].classList.remove("is-current");
    i = i < 0 ? (step > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, i + step));
    rows[i].classList.add("is-current");
    rows[i].scrollIntoView({ block: "nearest" });
  }
  function openCurrent() {
    var row = document.querySelector("[data-list] tr.is-current");
    if (!row) return false;
    var link = row.querySelector("a[data-row-link]") || row.querySelector("a[href]");
    if (link) { link.click(); return true; }
    return false;
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") {
      document.querySelectorAll("details.menu[open]").forEach(function (d) { d.removeAttribute("open"); });
      if (body.classList.contains("nav-open")) setOpen(false);
      if (typing(document.activeElement) && document.activeElement.id === "global-search") document.activeElement.blur();
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) return;
    switch (ev.key) {
      case "/": {
        var search = document.getElementById("global-search");
        if (search) { ev.preventDefault(); search.focus(); search.select(); }
        break;
      }
      case "n": {
        var url = body.getAttribute("data-new-ticket-url");
        if (url) { ev.preventDefault(); window.location.href = url; }
        break;
      }
      case "j": moveCurrent(1); break;
      case "k": moveCurrent(-1); break;
      case "Enter":
        if (!(ev.target instanceof HTMLAnchorElement || ev.target instanceof HTMLButtonElement) && openCurrent()) ev.preventDefault();
        break;
    }
  });

  /* ------------------------------------------------------------ htmx */
  document.addEventListener("htmx:responseError", function (ev) {
    var status = ev.detail && ev.detail.xhr ? ev.detail.xhr.status : 0;
    var msg = status === 403 ? body.getAttribute("data-msg-forbidden") : body.getAttribute("data-msg-error");
    if (msg) window.alert(msg);
  });
})();
