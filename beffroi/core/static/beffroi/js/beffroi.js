// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Bring keyboard and screen-reader users straight to the list of errors.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }

  // Questions that depend on another answer of the same page: shown only when
  // they apply, and labelled « (facultatif) » only while they are not
  // required. The server decides anyway; this only saves reading.
  var shown = document.querySelectorAll("[data-visible-if]");
  var required = document.querySelectorAll("[data-required-if]");
  var first = shown[0] || required[0];
  if (!first) { return; }
  var form = first.closest("form");
  if (!form) { return; }

  function value(name) {
    var inputs = form.querySelectorAll("[name='" + name + "']");
    var values = [];
    inputs.forEach(function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) { values.push(input.value); }
      } else if (input.type === "file") {
        if (input.files && input.files.length) { values.push("new"); }
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

  // A number as people type it ("1 250,5") or an ISO date, to compare; null otherwise.
  function comparable(text) {
    var raw = String(text).trim();
    if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) { return raw; }
    var number = raw.replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
    if (number !== "" && !isNaN(Number(number))) { return Number(number); }
    return null;
  }

  function ordered(given, operand, test) {
    if (!given.length) { return false; }
    var left = comparable(given[0]);
    var right = comparable(operand);
    if (left === null || right === null || typeof left !== typeof right) { return false; }
    return test(left, right);
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
    if ("gt" in condition) { return ordered(given, condition.gt, function (a, b) { return a > b; }); }
    if ("gte" in condition) { return ordered(given, condition.gte, function (a, b) { return a >= b; }); }
    if ("lt" in condition) { return ordered(given, condition.lt, function (a, b) { return a < b; }); }
    if ("lte" in condition) { return ordered(given, condition.lte, function (a, b) { return a <= b; }); }
    return true; // comparisons the browser cannot judge: keep the question visible
  }

  function read(element, attribute) {
    try { return JSON.parse(element.getAttribute(attribute)); } catch (e) { return null; }
  }

  function refresh() {
    shown.forEach(function (question) {
      var condition = read(question, "data-visible-if");
      if (condition) { question.hidden = !holds(condition); }
    });
    required.forEach(function (question) {
      var condition = read(question, "data-required-if");
      if (!condition) { return; }
      var now = holds(condition);
      question.querySelectorAll("[data-optional-mark]").forEach(function (mark) {
        mark.hidden = now;
      });
    });
  }

  form.addEventListener("change", refresh);
  form.addEventListener("input", refresh);
  refresh();
})();
