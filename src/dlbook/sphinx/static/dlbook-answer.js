/* Answer boxes for "Deep Learning, Step by Step" (dlbook.sphinx.answer).
 *
 * Each <div class="dlbook-answer"> carries the expected value(s) and the
 * absolute tolerance in data attributes, computed at build time with dlbook.
 * This script checks the reader's entry in the page: no kernel, no network.
 * Feedback goes to a role="status" (aria-live="polite") region.
 */
(function () {
  "use strict";

  var NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

  function parseNumber(part) {
    var fraction = part.split("/");
    if (fraction.length === 2 && NUMBER.test(fraction[0]) && NUMBER.test(fraction[1])) {
      var denominator = parseFloat(fraction[1]);
      return denominator === 0 ? null : parseFloat(fraction[0]) / denominator;
    }
    return NUMBER.test(part) ? parseFloat(part) : null;
  }

  /* The numbers the reader typed, or null when the entry is not numbers.
   * Accepts "2.30", "-1e-3", "1/3", the minus sign U+2212, a trailing unit,
   * and for vectors "0.1, 0.2, 0.7" with optional brackets. */
  function parseEntry(text, unit) {
    text = text.trim().replace(/\u2212/g, "-");
    if (unit && text.toLowerCase().slice(-unit.length) === unit.toLowerCase()) {
      text = text.slice(0, -unit.length).trim();
    }
    if (/^[\[(].*[\])]$/.test(text)) {
      text = text.slice(1, -1);
    }
    var parts = text.split(/[,;\s]+/).filter(function (p) { return p.length > 0; });
    if (parts.length === 0) {
      return null;
    }
    var values = [];
    for (var i = 0; i < parts.length; i++) {
      var value = parseNumber(parts[i]);
      if (value === null || !isFinite(value)) {
        return null;
      }
      values.push(value);
    }
    return values;
  }

  function numbers(text) {
    return text.split(",").map(parseFloat);
  }

  function within(entered, target, tolerance) {
    if (entered.length !== target.length) {
      return false;
    }
    for (var i = 0; i < target.length; i++) {
      var slack = 1e-9 * Math.max(1, Math.abs(target[i]));
      if (!(Math.abs(entered[i] - target[i]) <= tolerance + slack)) {
        return false;
      }
    }
    return true;
  }

  function show(value) {
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  }

  function say(box, state, lead, rest) {
    var feedback = box.querySelector(".dlbook-answer-feedback");
    var input = box.querySelector(".dlbook-answer-input");
    feedback.className = "dlbook-answer-feedback is-" + state;
    while (feedback.firstChild) {
      feedback.removeChild(feedback.firstChild);
    }
    var strong = document.createElement("strong");
    strong.textContent = lead;
    feedback.appendChild(strong);
    if (rest) {
      feedback.appendChild(document.createTextNode(" "));
      if (typeof rest === "string") {
        feedback.appendChild(document.createTextNode(rest));
      } else {
        var span = document.createElement("span");
        span.className = "dlbook-answer-hint-text";
        for (var i = 0; i < rest.childNodes.length; i++) {
          span.appendChild(rest.childNodes[i].cloneNode(true));
        }
        feedback.appendChild(span);
      }
    }
    input.setAttribute("aria-invalid", state === "invalid" ? "true" : "false");
    box.setAttribute("data-state", state);
  }

  function check(box) {
    var input = box.querySelector(".dlbook-answer-input");
    var expect = numbers(box.getAttribute("data-expect"));
    var tolerance = parseFloat(box.getAttribute("data-tolerance")) || 0;
    var vector = box.getAttribute("data-kind") === "vector";
    var unit = box.getAttribute("data-unit") || "";
    var entered = parseEntry(input.value, unit);

    if (entered === null) {
      say(box, "invalid", vector ? "Enter a list of numbers" : "Enter a number such as 0.25",
          vector ? "separated by commas, such as 0.1, 0.2, 0.7 (" + expect.length + " numbers)." : "");
      return;
    }
    if (entered.length !== expect.length) {
      if (vector) {
        say(box, "invalid", "Enter " + expect.length + " numbers separated by commas;",
            "you entered " + entered.length + ".");
      } else {
        say(box, "invalid", "Enter a number such as 0.25",
            "(one number, with a dot as the decimal point).");
      }
      return;
    }
    if (within(entered, expect, tolerance)) {
      say(box, "correct", "Correct.", "The value is " + expect.map(show).join(", ") +
          (unit ? " " + unit : "") + ".");
      return;
    }
    var hints = box.querySelectorAll(".dlbook-answer-hint");
    for (var i = 0; i < hints.length; i++) {
      if (within(entered, numbers(hints[i].getAttribute("data-value")), tolerance)) {
        say(box, "wrong", "Not quite.", hints[i]);
        return;
      }
    }
    say(box, "wrong", "Not quite.", "Check your working, or open the solution below.");
  }

  function setUp() {
    var boxes = document.querySelectorAll(".dlbook-answer");
    for (var i = 0; i < boxes.length; i++) {
      (function (box) {
        var form = box.querySelector(".dlbook-answer-form");
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          check(box);
        });
        box.setAttribute("data-ready", "true");
      })(boxes[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
