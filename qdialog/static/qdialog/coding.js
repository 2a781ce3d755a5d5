// Coding a passage: a selection in the text (mouse) or in the read-only copy of the text
// (keyboard: Shift and the arrow keys) fills the form's start and end. Without JavaScript
// the form codes whole units (sentences, paragraphs or the answer) instead.
(function () {
  "use strict";
  var form = document.getElementById("coding-form");
  var doc = document.getElementById("doc-text");
  if (!form || !doc) { return; }
  var area = document.getElementById("doc-select");
  var note = document.getElementById("selection-note");
  var start = form.querySelector("input[name=start]");
  var end = form.querySelector("input[name=end]");
  var units = document.getElementById("units");
  var text = area ? area.value : "";
  Array.prototype.forEach.call(form.querySelectorAll(".qd-js-only"), function (el) { el.hidden = false; });

  function offset(node, within) {
    var el = node.nodeType === 3 ? node.parentNode : node;
    while (el && el !== doc && !el.hasAttribute("data-start")) { el = el.parentNode; }
    if (!el || el === doc) { return null; }
    return parseInt(el.getAttribute("data-start"), 10) + (node.nodeType === 3 ? within : 0);
  }

  function choose(a, b) {
    if (a === null || b === null || a === b) { return; }
    if (a > b) { var t = a; a = b; b = t; }
    start.value = a; end.value = b;
    if (units) { units.open = false; }
    if (note) {
      var passage = text.slice(a, b);
      if (passage.length > 120) { passage = passage.slice(0, 117) + "…"; }
      note.textContent = (form.getAttribute("data-selected") || "Selected:") + " „" + passage + "“";
    }
  }

  doc.addEventListener("mouseup", function () {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) { return; }
    var range = sel.getRangeAt(0);
    if (!doc.contains(range.startContainer) || !doc.contains(range.endContainer)) { return; }
    choose(offset(range.startContainer, range.startOffset), offset(range.endContainer, range.endOffset));
    if (area) { area.setSelectionRange(parseInt(start.value, 10), parseInt(end.value, 10)); }
  });
  if (units && !start.value && !form.querySelector("input[name=units]:checked")) {
    units.open = false;  // with JavaScript the passage is selected in the text; units stay at hand
  }
  if (area) {
    // the copy of the text takes a caret (so Shift and the arrow keys select) but no edits
    ["beforeinput", "paste", "drop", "cut"].forEach(function (kind) {
      area.addEventListener(kind, function (event) { event.preventDefault(); });
    });
    area.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === "Backspace" || event.key === "Delete") {
        event.preventDefault();
      }
    });
    ["select", "keyup", "mouseup"].forEach(function (kind) {
      area.addEventListener(kind, function () { choose(area.selectionStart, area.selectionEnd); });
    });
  }
})();
