// The lesson page: checks, quizzes, hints, solutions, copy buttons,
// and a live connection that refreshes the page when its lesson file changes.
"use strict";

const lesson = document.querySelector("main.lesson");

async function postJson(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  let data = {};
  try {
    data = await response.json();
  } catch (e) {
    data = { error: `dockstep answered HTTP ${response.status}.` };
  }
  return { ok: response.ok, data };
}

// A passed step opens the one after it, without a reload; the last one shows that the lesson is complete.
function markPassed(step) {
  step.classList.add("passed");
  step.classList.remove("failed", "current", "locked");
  step.removeAttribute("aria-current");
  step.querySelector(".actions .status").textContent = step.dataset.kind === "quiz" ? "Your answer was right."
    : `Step passed: ${step.querySelector("h2").textContent}`;
  setListStatus(step.dataset.step, "passed", "✓", "done");
  const next = step.nextElementSibling;
  if (next && next.classList.contains("locked")) {
    next.classList.remove("locked");
    next.classList.add("current");
    next.setAttribute("aria-current", "step");
    next.querySelector(".locked-note")?.remove();
    next.querySelector(".body").hidden = false;
    setListStatus(next.dataset.step, "current", "→", "current");
  }
  const button = step.querySelector(".next-step");
  if (button && next && step.dataset.kind !== "reading") {
    button.hidden = false;
  }
  if (step.dataset.kind === "reading") {
    step.querySelector("button.next")?.remove();
  }
  if (step.dataset.kind === "quiz") {
    // Answered right: the choices stay as they are, and there is nothing more to answer.
    step.querySelectorAll(".quiz input").forEach((input) => { input.disabled = true; });
    step.querySelector("button.check")?.remove();
  }
  const complete = document.getElementById("lesson-complete");
  if (complete && [...lesson.querySelectorAll(".steps > .step")].every((s) => s.classList.contains("passed"))) {
    complete.hidden = false;
  }
}

// Where to go once a step has passed: the next step, or the lesson's end.
function moveOn(step) {
  const next = step.nextElementSibling;
  const target = next && next.classList.contains("step") ? next : document.getElementById("lesson-complete");
  if (!target || target.hidden) {
    return;
  }
  target.scrollIntoView({ block: "start" });
  (target.querySelector("h2") || target).focus();
}

// The step list at the top mirrors each step's state.
function setListStatus(id, status, mark, words) {
  const item = document.querySelector(`.step-list li[data-step="${CSS.escape(id)}"]`);
  if (!item) {
    return;
  }
  item.classList.remove("passed", "current", "locked");
  item.classList.add(status);
  item.querySelector(".mark").textContent = mark;
  item.querySelector(".visually-hidden").textContent = `(${words})`;
  const link = item.querySelector("a");
  if (status === "current") {
    link.setAttribute("aria-current", "step");
  } else {
    link.removeAttribute("aria-current");
  }
}

// A reason or hint as the server rendered it from its markdown (escaped; no links), else as text.
function fill(element, html, text) {
  if (html) {
    element.innerHTML = html;
  } else {
    element.textContent = text;
  }
}

// Each reason shows once, in the list of results: checks that fail for one reason share a line,
// and the status line beside the button carries it only for screen readers.
function renderVerdict(step, verdict) {
  const list = step.querySelector(".results");
  if (list) {
    const seen = new Map();
    const hints = new Set();
    const items = [];
    for (const check of verdict.checks) {
      const key = `${check.status}\u0000${check.reason}`;
      let entry = seen.get(key);
      if (!entry) {
        const item = document.createElement("li");
        item.className = check.status;
        const mark = document.createElement("span");
        mark.className = "mark";
        mark.setAttribute("aria-hidden", "true");
        mark.textContent = check.status === "passed" ? "✓" : "✗";
        const words = document.createElement("span");
        words.className = "reason";
        fill(words, check.reasonHtml, check.reason);
        item.append(mark, " ", words);
        entry = { item };
        seen.set(key, entry);
        items.push(item);
      }
      if (check.hint && !hints.has(check.hint)) {
        hints.add(check.hint);
        const hint = document.createElement("span");
        hint.className = "try";
        fill(hint, check.hintHtml, check.hint);
        entry.item.append(hint);
      }
    }
    list.replaceChildren(...items);
  }
  const status = step.querySelector(".actions .status");
  if (verdict.passed) {
    markPassed(step);
  } else {
    step.classList.add("failed");
    const first = verdict.checks.find((c) => c.status !== "passed");
    status.textContent = "Not yet.";
    if (first) {
      const spoken = document.createElement("span");
      spoken.className = "visually-hidden";
      spoken.textContent = ` ${first.reason.replace(/`/g, "")}`;
      status.append(spoken);
    }
  }
  const solution = step.querySelector(".solution-button");
  if (solution && !verdict.passed) {
    solution.hidden = false;
  }
}

function chosenAnswers(step) {
  return [...step.querySelectorAll(".quiz input:checked")].map((input) => Number(input.value));
}

async function check(step) {
  const button = step.querySelector("button.check");
  const status = step.querySelector(".actions .status");
  const url = `/api/check/${encodeURIComponent(lesson.dataset.course)}/${encodeURIComponent(lesson.dataset.lesson)}/${encodeURIComponent(step.dataset.step)}`;
  button.setAttribute("aria-busy", "true");
  button.disabled = true;
  status.textContent = "Checking…";
  try {
    const { ok, data } = await postJson(url, step.dataset.kind === "quiz" ? { answers: chosenAnswers(step) } : {});
    if (!ok) {
      status.textContent = data.error || "The check could not be made.";
      return;
    }
    renderVerdict(step, data);
    if (data.passed && step.dataset.kind === "reading") {
      // One click: Next passes a reading step and moves on.
      moveOn(step);
    }
  } catch (e) {
    status.textContent = "dockstep did not answer; is the server still running?";
  } finally {
    button.removeAttribute("aria-busy");
    button.disabled = false;
  }
}

function showNextHint(step) {
  const hidden = step.querySelector(".hints .hint[hidden]");
  if (hidden) {
    hidden.hidden = false;
  }
  if (!step.querySelector(".hints .hint[hidden]")) {
    const button = step.querySelector(".hint-button");
    button.disabled = true;
    button.textContent = "No more hints";
  }
}

// A shell block's Run button types it into the terminal beside the steps (data-run="run" or
// "interrupt", which presses Ctrl-C first); "copy" blocks, and pages without a terminal, only copy.
function addRunButton(code) {
  const mode = code.parentElement.dataset.run;
  if (!document.getElementById("terminal") || (mode !== "run" && mode !== "interrupt")) {
    return;
  }
  const button = document.createElement("button");
  button.type = "button";
  button.className = "run";
  button.textContent = "Run";
  button.setAttribute("aria-label", mode === "interrupt" ? "Stop what the terminal runs, then run these commands"
    : "Run these commands in the terminal");
  button.addEventListener("click", () => {
    const sent = window.dockstep?.terminal?.run(code.textContent, mode === "interrupt");
    if (!sent) {
      button.textContent = "Terminal not ready";
      setTimeout(() => { button.textContent = "Run"; }, 1500);
    }
  });
  code.parentElement.append(button);
}

function addCopyButtons() {
  document.querySelectorAll("pre > code.language-sh, pre > code.language-bash, pre > code.language-shell,"
    + " pre > code.language-console")
    .forEach((code) => {
      addRunButton(code);
      const button = document.createElement("button");
      button.type = "button";
      button.className = "copy";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy these commands");
      button.addEventListener("click", async () => {
        try {
          await navigator.clipboard.writeText(code.textContent);
          button.textContent = "Copied";
        } catch (e) {
          button.textContent = "Select and copy";
        }
        setTimeout(() => { button.textContent = "Copy"; }, 1500);
      });
      code.parentElement.classList.add("copyable");
      code.parentElement.append(button);
    });
}

// The sandbox panel: the learner's own DOCKER_HOST and DOCKER_CONFIG, once their Docker runs.
async function showSandbox() {
  const panel = document.querySelector("aside.sandbox");
  if (!panel) {
    return;
  }
  const status = panel.querySelector(".sandbox-status");
  try {
    const response = await fetch("/api/sandbox");
    const data = await response.json();
    if (!response.ok) {
      status.textContent = data.error || "Your Docker could not start.";
      return;
    }
    panel.querySelector("#export-lines").textContent =
      `export DOCKER_HOST=${data.dockerHost}\nexport DOCKER_CONFIG=${data.dockerConfig}`;
    status.textContent = data.mode === "per-learner" ? "Your Docker is ready: it is yours alone."
      : "Docker is ready.";
  } catch (e) {
    status.textContent = "dockstep did not answer; is the server still running?";
  }
}

function setUpResetForm() {
  const form = document.querySelector("form.reset");
  if (!form) {
    return;
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!window.confirm("Reset your sandbox? Your images, containers and docker logins there are removed, and the"
        + " lesson images come back. Steps you passed stay passed.")) {
      return;
    }
    const status = form.querySelector(".status");
    const button = form.querySelector("button");
    button.disabled = true;
    status.textContent = "Resetting…";
    try {
      const { ok, data } = await postJson("/api/sandbox/reset", {});
      status.textContent = ok ? "Your sandbox is fresh: the lesson images are back, and you are logged out."
        : data.error;
    } finally {
      button.disabled = false;
    }
  });
}

// <html data-live="on"> while the server's stream is registered; "off" while it reconnects.
function markLive(events) {
  events.addEventListener("connected", () => { document.documentElement.dataset.live = "on"; });
  events.addEventListener("error", () => { document.documentElement.dataset.live = "off"; });
}

// Steps pass live: the server follows Docker and tells this page the moment a step is done.
function follow() {
  const query = lesson ? `?course=${encodeURIComponent(lesson.dataset.course)}&lesson=${encodeURIComponent(lesson.dataset.lesson)}` : "";
  const events = new EventSource(`/events${query}`);
  markLive(events);
  // Close the stream when the page goes, or browsers keep it and run out of connections.
  window.addEventListener("pagehide", () => events.close());
  events.addEventListener("lessons-changed", () => window.location.reload());
  events.addEventListener("step-passed", (event) => {
    const data = JSON.parse(event.data);
    if (!lesson || data.course !== lesson.dataset.course || data.lesson !== lesson.dataset.lesson) {
      return;
    }
    const step = document.getElementById(`step-${data.step}`);
    if (step) {
      step.querySelectorAll(".results li").forEach((item) => item.remove());
      markPassed(step);
    }
  });
}

if (lesson) {
  lesson.querySelectorAll(".step").forEach((step) => {
    step.querySelector("button.check")?.addEventListener("click", () => check(step));
    step.querySelector(".hint-button")?.addEventListener("click", () => showNextHint(step));
    step.querySelector(".solution-button")?.addEventListener("click", (event) => {
      step.querySelector(".solution").hidden = false;
      event.target.disabled = true;
    });
    step.querySelector(".next-step")?.addEventListener("click", () => moveOn(step));
    step.querySelector("form.quiz")?.addEventListener("submit", (event) => {
      event.preventDefault();
      check(step);
    });
  });
  addCopyButtons();
  setUpResetForm();
  showSandbox();
  follow();
  // Open at the learner's current step.
  const current = lesson.dataset.current && document.getElementById(`step-${lesson.dataset.current}`);
  if (current && current !== lesson.querySelector(".step")) {
    current.scrollIntoView({ block: "start" });
  }
}
