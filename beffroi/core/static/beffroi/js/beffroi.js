// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Bring keyboard and screen-reader users straight to the list of errors.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }

  // Questions that depend on another answer of the same page: shown only when
  // they apply. The server decides anyway; this only saves reading.
  var questions = document.querySelectorAll("[data-visible-if]");
  if (!questions.length) { return; }
  var form = questions[0].closest("form");
  if (!form) { return; }

  function value(name) {
    var inputs = form.querySelectorAll("[name='" + name + "']");
    var values = [];
    inputs.forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) { values.push(input.value); }
      } else if (input.value !== "") {
        values.push(input.value);
      }
    });
    return values;
  }

  function normalise(expected) {
    if (expected === true) { return "yes"; }
    if (expected === false) { return "no"; }
    return String(expected);
  }

  function holds(condition) {
    if (condition.all) { return condition.all.every(holds); }
    if (condition.any) { return condition.any.some(holds); }
    if (condition.not) { return !holds(condition.not); }
    if (!condition.field) { return true; }
    var given = value(condition.field);
    if ("filled" in condition) { return (given.length > 0) === condition.filled; }
    if ("equals" in condition) { return given.indexOf(normalise(condition.equals)) !== -1; }
    if ("not_equals" in condition) { return given.indexOf(normalise(condition.not_equals)) === -1; }
    if ("in" in condition) { return condition["in"].map(normalise).some(function (v) { return given.indexOf(v) !== -1; }); }
    if ("not_in" in condition) { return !condition.not_in.map(normalise).some(function (v) { return given.indexOf(v) !== -1; }); }
    if ("contains" in condition) { return given.indexOf(normalise(condition.contains)) !== -1; }
    return true; // comparisons the browser cannot judge: keep the question visible
  }

  function refresh() {
    questions.forEach(function (question) {
      var condition;
      try { condition = JSON.parse(question.getAttribute("data-visible-if")); } catch (e) { return; }
      question.hidden = !holds(condition);
    });
  }

  form.addEventListener("change", refresh);
  form.addEventListener("input", refresh);
  refresh();
})();
