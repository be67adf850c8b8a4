// Move focus to the error summary so screen-reader and keyboard users hear what went wrong.
document.addEventListener("DOMContentLoaded", function () {
  // Or, after an action, to its outcome: focus would otherwise fall back on <body>.
  var summary = document.querySelector("[data-error-summary]") || document.querySelector("[data-secpa-message]");
  if (summary) { summary.focus(); }

  // The registration form never loses what was typed: a step link of the side menu, clicked with unsaved
  // changes, saves the step and then opens the chosen one (the server re-shows the step with its errors if it
  // cannot be saved); any other way out asks first.
  var stepForm = document.querySelector("form[data-secpa-step-form]");
  if (stepForm) {
    var dirty = false;
    var leaving = false;
    stepForm.addEventListener("input", function () { dirty = true; });
    stepForm.addEventListener("change", function () { dirty = true; });
    stepForm.addEventListener("submit", function () { leaving = true; });
    document.querySelectorAll("a[data-secpa-step]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (!dirty) { return; }
        event.preventDefault();
        var action = document.createElement("input");
        action.type = "hidden";
        action.name = "action";
        action.value = "goto:" + link.getAttribute("data-secpa-step");
        stepForm.appendChild(action);
        leaving = true;
        stepForm.submit();
      });
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty && !leaving) { event.preventDefault(); event.returnValue = ""; }
    });
  }
});
