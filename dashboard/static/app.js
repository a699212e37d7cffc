// Maeum dashboard: the queue refreshes itself, SLA countdowns tick, print buttons print.
// Small on purpose: every page works without it.
(function () {
  "use strict";

  function showTotal(total) {
    var el = document.getElementById("queue-total");
    if (el && total !== null && el.getAttribute("data-template")) {
      el.textContent = el.getAttribute("data-template").replace("{count}", total);
    }
  }

  function refreshQueue(table) {
    var url = table.getAttribute("data-refresh");
    var seconds = parseInt(table.getAttribute("data-refresh-seconds") || "30", 10);
    var body = table.querySelector("tbody");
    if (!url || !body || seconds <= 0) { return; }
    window.setInterval(function () {
      if (document.hidden) { return; }
      // Do not replace rows under an officer who is about to click one of them.
      if (body.contains(document.activeElement) && document.activeElement !== body) { return; }
      fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
        .then(function (response) {
          if (response.status === 401) { window.location.reload(); return null; }
          if (!response.ok) { return null; }
          showTotal(response.headers.get("X-Queue-Total"));
          return response.text();
        })
        .then(function (html) { if (html !== null && html !== undefined) { body.innerHTML = html; } })
        .catch(function () { /* offline for a moment: try again next time */ });
    }, seconds * 1000);
  }

  function tickCountdowns() {
    // The server renders the text; we only flag deadlines that pass while the page is open.
    var now = Date.now();
    document.querySelectorAll(".sla[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (!isNaN(due) && due < now) { el.classList.add("sla-over"); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table[data-refresh]").forEach(refreshQueue);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    tickCountdowns();
    window.setInterval(tickCountdowns, 15000);
  });
})();
