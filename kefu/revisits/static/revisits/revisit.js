/* The revisit screen walks the script one step at a time: opening → questions → the
   branch text (worst answer so far) → closing. Keyboard: 1–5 rate or pick a choice,
   Enter next, Backspace (outside a text box) back. Without JS every step shows. */
(function () {
  "use strict";
  var walk = document.querySelector("[data-walk]");
  if (!walk) return;
  var form = walk.querySelector("[data-walk-form]");
  var steps = Array.prototype.slice.call(form.querySelectorAll("[data-step]"));
  var prev = form.querySelector("[data-prev]");
  var next = form.querySelector("[data-next]");
  var save = form.querySelector("[data-save]");
  var RANK = { unsatisfied: 0, average: 1, satisfied: 2 };
  var at = 0;
  walk.classList.add("is-walking");

  function ratingBranch(v) { return v <= 2 ? "unsatisfied" : (v === 3 ? "average" : "satisfied"); }

  function answerBranch(step) {
    var checked = step.querySelector("input[type=radio]:checked");
    if (!checked) return "";
    if (checked.dataset.rating) return ratingBranch(parseInt(checked.value, 10));
    return checked.dataset.branch || "";
  }

  function overall() {
    var worst = "satisfied";
    steps.forEach(function (s) {
      var b = answerBranch(s);
      if (b && RANK[b] < RANK[worst]) worst = b;
    });
    return worst;
  }

  function answered(step) {
    if (step.dataset.step !== "question" || step.dataset.required !== "1") return true;
    if (step.dataset.kind === "text") return step.querySelector("textarea").value.trim() !== "";
    return !!step.querySelector("input[type=radio]:checked");
  }

  function show(i) {
    at = Math.max(0, Math.min(i, steps.length - 1));
    steps.forEach(function (s, n) { s.hidden = n !== at; });
    var step = steps[at];
    if (step.dataset.step === "branch") {
      var b = overall();
      step.dataset.current = b;
      step.querySelectorAll("[data-branch]").forEach(function (d) { d.hidden = d.dataset.branch !== b; });
    }
    prev.disabled = at === 0;
    next.hidden = at === steps.length - 1;
    save.hidden = at !== steps.length - 1;
    var focus = step.querySelector("input:checked, input, textarea") || (next.hidden ? save : next);
    focus.focus();
  }

  function go(delta) {
    if (delta > 0 && !answered(steps[at])) {
      steps[at].classList.add("needs-answer");
      return;
    }
    steps[at].classList.remove("needs-answer");
    show(at + delta);
  }

  form.addEventListener("change", function (ev) {
    var step = ev.target.closest("[data-step]");
    if (!step) return;
    step.classList.remove("needs-answer");
    var b = answerBranch(step);
    step.querySelectorAll("[data-followup]").forEach(function (p) { p.hidden = p.dataset.followup !== b; });
  });
  prev.addEventListener("click", function () { go(-1); });
  next.addEventListener("click", function () { go(1); });
  form.addEventListener("keydown", function (ev) {
    var inText = ev.target.tagName === "TEXTAREA";
    var step = steps[at];
    if (!inText && /^[1-9]$/.test(ev.key)) {
      var radios = step.querySelectorAll("input[type=radio]");
      var r = radios[parseInt(ev.key, 10) - 1];
      if (r) {
        r.checked = true;
        r.dispatchEvent(new Event("change", { bubbles: true }));
        r.focus();
        ev.preventDefault();
      }
    } else if (ev.key === "Enter" && !inText && ev.target.type !== "submit") {
      ev.preventDefault();
      if (at < steps.length - 1) go(1); else form.requestSubmit(save);
    } else if (ev.key === "Backspace" && !inText && ev.target.tagName !== "INPUT") {
      ev.preventDefault();
      go(-1);
    }
  });
  show(0);
})();
