// One confirmation pattern (secpa_portal/core/confirm.py): each irreversible action is a link to its
// confirmation page, followed by a DSFR modal holding the same text and form. Once the DSFR script runs, the
// link becomes a button opening the modal (DSFR handles opening, the focus trap, Échap and the return of
// focus); without JavaScript, or if the DSFR script failed, the link leads to the page.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.dsfr) { return; }
  document.querySelectorAll("a[data-secpa-confirm]").forEach(function (link) {
    var modal = document.getElementById(link.getAttribute("data-secpa-confirm"));
    if (!modal) { return; }
    document.body.appendChild(modal); // out of tables and scrolling containers
    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.innerHTML = link.innerHTML;
    button.setAttribute("aria-controls", modal.id);
    button.setAttribute("data-fr-opened", "false");
    button.setAttribute("data-secpa-confirm", modal.id);
    link.replaceWith(button);
  });
});
