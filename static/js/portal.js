// Move focus to the error summary so screen-reader and keyboard users hear what went wrong.
document.addEventListener("DOMContentLoaded", function () {
  // Or, after an action, to its outcome: focus would otherwise fall back on <body>.
  var summary = document.querySelector("[data-error-summary]") || document.querySelector("[data-secpa-message]");
  if (summary) { summary.focus(); }
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("submit", function (event) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
});
