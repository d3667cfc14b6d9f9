// The instructor's dashboard: draws the funnel, and reloads the page's data when the class moves.
"use strict";

let chart;

function drawFunnel(report) {
  const canvas = document.getElementById("funnel");
  if (!canvas || typeof Chart === "undefined") {
    return;
  }
  const labels = report.funnel.map((f) => f.step.step);
  const data = {
    labels,
    datasets: [
      { label: "Reached", data: report.funnel.map((f) => f.reached), backgroundColor: "#0b5cad" },
      { label: "Passed", data: report.funnel.map((f) => f.passed), backgroundColor: "#116329" },
      { label: "Stuck", data: report.funnel.map((f) => f.stuck), backgroundColor: "#a40e26" },
    ],
  };
  if (chart) {
    chart.data = data;
    chart.update();
  } else {
    chart = new Chart(canvas, { type: "bar", data, options: { animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } });
  }
}

async function refresh() {
  const response = await fetch("/instructor/report");
  if (response.ok) {
    const report = await response.json();
    drawFunnel(report);
    return report;
  }
  return null;
}

let reloadTimer;
function follow() {
  const events = new EventSource("/events");
  window.addEventListener("pagehide", () => events.close());
  events.addEventListener("progress-changed", () => {
    // Reload the page's tables a moment after the last change, so a burst costs one reload.
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(async () => {
      const html = await (await fetch(window.location.href)).text();
      const fresh = new DOMParser().parseFromString(html, "text/html");
      for (const id of ["grid", "funnel-title"]) {
        const now = document.getElementById(id);
        const next = fresh.getElementById(id);
        if (now && next && id === "grid") {
          now.replaceWith(next);
        }
      }
      const table = document.querySelector("table.report tbody");
      const freshTable = fresh.querySelector("table.report tbody");
      if (table && freshTable) {
        table.replaceWith(freshTable);
      }
      await refresh();
      document.getElementById("live-status").textContent = "Updated at " + new Date().toLocaleTimeString();
    }, 300);
  });
}

refresh();
follow();
