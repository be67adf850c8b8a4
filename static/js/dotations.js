// Progress of a campaign computation: poll while it runs, then reload to show the results.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-progress-url");
  var track = document.getElementById("compute-bar");
  var bar = track ? track.querySelector("progress") : null;
  var text = document.getElementById("compute-progress-text");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.state !== "running") { window.location.reload(); return; }
        if (bar) { bar.max = data.total || 1; bar.value = data.done; }
        if (track) {
          track.setAttribute("aria-valuemax", data.total);
          track.setAttribute("aria-valuenow", data.done);
          track.setAttribute("aria-valuetext", data.text);
        }
        if (text) { text.textContent = data.text; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1500);
});
