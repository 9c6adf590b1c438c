/* tariffsim dashboard: render Vega-Lite specs embedded by the server, after page load and after
   every HTMX swap; small helpers for the HS search and the sliders. No network access but the app. */
(function () {
  "use strict";
  function renderCharts(root) {
    (root || document).querySelectorAll(".vl:not([data-done])").forEach(function (el) {
      el.dataset.done = "1";
      var src = el.querySelector('script[type="application/json"]');
      if (!src) return;
      var spec = JSON.parse(src.textContent);
      var target = document.createElement("div");
      target.className = "vl-target";
      el.appendChild(target);
      vegaEmbed(target, spec, {
        renderer: "svg",
        actions: { export: true, source: false, compiled: false, editor: false },
      })
        .then(function () { el.dataset.rendered = "1"; })
        .catch(function (e) { el.dataset.error = String(e); target.textContent = "chart error: " + e; });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { renderCharts(document); });
  document.addEventListener("htmx:afterSettle", function (e) { renderCharts(e.detail.elt || document); });
  document.addEventListener("click", function (e) {
    var a = e.target.closest("[data-pick-hs]");
    if (!a) return;
    e.preventDefault();
    var inp = document.getElementById("hs");
    inp.value = a.dataset.pickHs;
    document.getElementById("hs-hits").innerHTML = "";
  });
  document.addEventListener("input", function (e) {
    if (e.target.matches && e.target.matches("input[type=range]")) {
      var out = document.getElementById("out-" + e.target.id);
      if (out) out.textContent = e.target.value;
    }
  });
})();
