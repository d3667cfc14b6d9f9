// The instructor's dashboard: draws the chart per lesson, opens a lesson's steps in the grid, and
// reloads the page's tables when the class moves on, keeping the lessons that are open.
"use strict";

let chart;
const open = new Set();

function drawFunnel(report) {
  const canvas = document.getElementById("funnel");
  if (!canvas || typeof Chart === "undefined") {
    return;
  }
  const lessons = report.lessonFunnel;
  const data = {
    labels: lessons.map((f) => `${f.lesson.number} ${f.lesson.shortTitle}`),
    datasets: [
      { label: "Reached", data: lessons.map((f) => f.reached), backgroundColor: "#0b5cad" },
      { label: "Finished", data: lessons.map((f) => f.passed), backgroundColor: "#116329" },
      { label: "Stuck", data: lessons.map((f) => f.stuck), backgroundColor: "#a40e26" },
    ],
  };
  const titles = lessons.map((f) => `Lesson ${f.lesson.number}: ${f.lesson.title}`);
  if (chart) {
    chart.data = data;
    chart.options.plugins.tooltip.callbacks.title = (items) => titles[items[0].dataIndex];
    chart.update();
  } else {
    chart = new Chart(canvas, {
      type: "bar",
      data,
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { autoSkip: false } } },
        plugins: { tooltip: { callbacks: { title: (items) => titles[items[0].dataIndex] } } },
      },
    });
  }
}

// A lesson's button shows or hides its steps: columns in the grid, rows in the report.
function setUpExpanders() {
  for (const table of document.querySelectorAll("#grid, #report")) {
    table.querySelectorAll("button.expand").forEach((button) => {
      const key = `${table.id} ${button.dataset.lesson}`;
      show(table, button, open.has(key));
      button.addEventListener("click", () => {
        const opening = button.getAttribute("aria-expanded") !== "true";
        if (opening) {
          open.add(key);
        } else {
          open.delete(key);
        }
        show(table, button, opening);
      });
    });
  }
}

function show(table, button, opened) {
  button.setAttribute("aria-expanded", String(opened));
  const lesson = CSS.escape(button.dataset.lesson);
  table.querySelectorAll(`.step-col[data-lesson="${lesson}"], td[data-lesson="${lesson}"],`
    + ` tr.step-row[data-lesson="${lesson}"]`).forEach((cell) => { cell.hidden = !opened; });
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
  events.addEventListener("connected", () => { document.documentElement.dataset.live = "on"; });
  events.addEventListener("error", () => { document.documentElement.dataset.live = "off"; });
  window.addEventListener("pagehide", () => events.close());
  events.addEventListener("progress-changed", () => {
    // Reload the page's tables a moment after the last change, so a burst costs one reload.
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(async () => {
      const html = await (await fetch(window.location.href)).text();
      const fresh = new DOMParser().parseFromString(html, "text/html");
      for (const id of ["grid", "report"]) {
        const now = document.getElementById(id);
        const next = fresh.getElementById(id);
        if (now && next) {
          now.replaceWith(next);
        }
      }
      setUpExpanders();
      await refresh();
      document.getElementById("live-status").textContent = "Updated at " + new Date().toLocaleTimeString();
    }, 300);
  });
}

setUpExpanders();
refresh();
follow();
