// The lesson page: the Check button asks /api/check and shows each check's verdict.
"use strict";

function renderVerdict(step, verdict) {
  const list = step.querySelector(".results");
  list.replaceChildren(...verdict.checks.map((check) => {
    const item = document.createElement("li");
    item.className = check.status;
    item.textContent = (check.status === "passed" ? "✓ " : "✗ ") + check.reason;
    if (check.hint) {
      const hint = document.createElement("span");
      hint.className = "hint";
      hint.textContent = check.hint;
      item.append(hint);
    }
    return item;
  }));
  step.classList.toggle("passed", verdict.passed);
  step.classList.toggle("failed", !verdict.passed);
  step.querySelector(".status").textContent = verdict.passed ? "Step passed" : "Not yet";
}

async function check(step) {
  const lesson = document.querySelector("main.lesson");
  const button = step.querySelector("button.check");
  const url = `/api/check/${encodeURIComponent(lesson.dataset.course)}/${encodeURIComponent(lesson.dataset.lesson)}/${encodeURIComponent(step.dataset.step)}`;
  button.setAttribute("aria-busy", "true");
  button.disabled = true;
  step.querySelector(".status").textContent = "Checking…";
  try {
    const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    const body = await response.json();
    if (!response.ok) {
      step.querySelector(".status").textContent = body.error || `The check failed (HTTP ${response.status}).`;
      return;
    }
    renderVerdict(step, body);
  } catch (e) {
    step.querySelector(".status").textContent = "dockstep did not answer; is the server still running?";
  } finally {
    button.removeAttribute("aria-busy");
    button.disabled = false;
  }
}

document.querySelectorAll(".step button.check").forEach((button) => {
  button.addEventListener("click", () => check(button.closest(".step")));
});
