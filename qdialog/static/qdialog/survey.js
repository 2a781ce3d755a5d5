/* Progressive enhancement for questionnaires: hide questions whose condition is not met.
   Everything works without it; the server decides what counts as shown. */
(function () {
  "use strict";
  function currentValues(form, name) {
    var values = [];
    form.querySelectorAll('[name="q_' + name + '"]').forEach(function (el) {
      if ((el.type === "radio" || el.type === "checkbox") ? el.checked : el.value !== "") {
        values.push(el.value);
      }
    });
    return values;
  }
  function update(form) {
    form.querySelectorAll("[data-condition-item]").forEach(function (el) {
      var name = el.getAttribute("data-condition-item");
      if (!form.querySelector('[name="q_' + name + '"]')) { return; }
      var wanted = el.getAttribute("data-condition-in").split(",");
      var values = currentValues(form, name);
      var shown = values.some(function (v) { return wanted.indexOf(v) !== -1; });
      el.hidden = !shown;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector(".qd-survey-form");
    if (!form) { return; }
    update(form);
    form.addEventListener("change", function () { update(form); });
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
})();
