// Progress of a campaign computation: poll while it runs, then reload to show the results.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-progress-url");
  var status = document.getElementById("compute-status");
  var bar = document.getElementById("compute-bar");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (bar) { bar.max = data.total || 1; bar.value = data.done; }
        if (data.state !== "running") { window.location.reload(); return; }
        if (status) { status.textContent = "État du calcul : " + data.label + " — " + data.done + " sur " + data.total + " conventions"; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1500);
});
