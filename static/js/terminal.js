// The lesson page's terminal: xterm.js over the WebSocket at /terminal, beside the steps.
// Wide screens show steps and terminal side by side with a divider that drags (or moves with
// the arrow keys); narrow ones switch between them with two tabs. Ctrl+` moves the focus
// between the steps and the terminal.
//
// The protocol (see TerminalSocket.java): the page sends text messages "s" TAB COLS ROWS once,
// then "i" + input, "r" COLS ROWS and "p" (keep-alive); the server sends output as binary
// messages and closes with 4000 (the shell ended), 4001 (another window took it), 4003 (no
// shell for you; the reason came as output) or 4400 (a message it did not understand).
"use strict";

(() => {
  const main = document.querySelector("main.lesson");
  const pane = document.getElementById("terminal-pane");
  const box = document.getElementById("terminal");
  if (!main || !pane || !box || !window.Terminal || !window.FitAddon) {
    return;
  }
  const stepsPane = document.getElementById("steps-pane");
  const statusLine = pane.querySelector(".terminal-status");
  const MAX_INPUT = 4096;
  const ENDED = 4000;
  const TAKEN_OVER = 4001;
  const REFUSED = 4003;
  const BAD_MESSAGE = 4400;

  // A name for this tab's shell that survives a reload of the tab, and only of this tab.
  function tabName() {
    const key = "dockstep.terminal.tab";
    let name = sessionStorage.getItem(key);
    if (!name || !/^[A-Za-z0-9_-]{8,64}$/.test(name)) {
      const bytes = new Uint8Array(12);
      crypto.getRandomValues(bytes);
      name = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
      sessionStorage.setItem(key, name);
    }
    return name;
  }

  const term = new window.Terminal({
    screenReaderMode: true,
    cursorBlink: true,
    fontSize: 14,
    scrollback: 5000,
    theme: { background: "#0d1117", foreground: "#e6edf3", cursor: "#e6edf3", selection: "#264f78" },
  });
  const fit = new window.FitAddon.FitAddon();
  term.loadAddon(fit);
  term.open(box);
  // xterm 4.9 gives its screen-reader rows the role listitem but their container no role
  // (fixed in later versions); a listitem needs its list.
  const rows = box.querySelector(".xterm-accessibility-tree");
  if (rows) {
    rows.setAttribute("role", "list");
    rows.setAttribute("aria-label", "Terminal output");
  }

  let socket = null;
  let opened = false;
  let retry = 0;
  let retryTimer = null;
  let keepAlive = null;
  let waitingForKey = false;
  let resetOnOpen = false;

  function setStatus(text, state) {
    statusLine.textContent = text;
    pane.dataset.state = state;
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(message);
    }
  }

  function say(line) {
    term.write(`\r\n\x1b[2m[${line}]\x1b[0m\r\n`);
  }

  function connect() {
    clearTimeout(retryTimer);
    waitingForKey = false;
    setStatus(opened ? "Reconnecting…" : "Connecting…", "connecting");
    const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/terminal`);
    ws.binaryType = "arraybuffer";
    socket = ws;
    ws.addEventListener("open", () => {
      opened = true;
      retry = 0;
      if (resetOnOpen) {
        // The server replays the shell's recent output; start from a clean screen.
        term.reset();
        resetOnOpen = false;
      }
      ws.send(`s${tabName()} ${term.cols} ${term.rows}`);
      setStatus("Connected", "connected");
      keepAlive = setInterval(() => send("p"), 30000);
    });
    ws.addEventListener("message", (event) => {
      if (event.data instanceof ArrayBuffer) {
        term.write(new Uint8Array(event.data));
      }
    });
    ws.addEventListener("close", (event) => {
      clearInterval(keepAlive);
      if (socket !== ws) {
        return;
      }
      socket = null;
      closed(event.code, event.reason);
    });
  }

  function closed(code, reason) {
    if (code === ENDED || code === TAKEN_OVER || code === REFUSED) {
      if (code === ENDED) {
        say(`${reason || "The shell ended."} Press Enter for a new one.`);
      } else if (code === TAKEN_OVER) {
        say("This terminal is open in another window. Press Enter to bring it here.");
        resetOnOpen = true;
      } else {
        say("Press Enter to try again.");
      }
      setStatus(code === REFUSED ? "No terminal" : "Disconnected", "closed");
      waitingForKey = true;
      return;
    }
    if (code === BAD_MESSAGE) {
      say("dockstep did not understand this page; reload it.");
      setStatus("Disconnected", "closed");
      return;
    }
    // Dropped, or the server restarted: try again, less and less often.
    resetOnOpen = opened;
    const delay = Math.min(30000, 1000 * 2 ** retry);
    retry += 1;
    setStatus(opened ? "Connection lost; reconnecting…"
      : "Cannot reach the terminal; are you still signed in? Trying again…", "connecting");
    retryTimer = setTimeout(connect, delay);
  }

  term.onData((data) => {
    if (waitingForKey) {
      if (data === "\r") {
        connect();
      }
      return;
    }
    // A paste goes in pieces the server accepts.
    for (let i = 0; i < data.length; i += MAX_INPUT) {
      send(`i${data.slice(i, i + MAX_INPUT)}`);
    }
  });
  term.onResize(({ cols, rows }) => send(`r${cols} ${rows}`));

  // The terminal follows its pane's size.
  let fitting = 0;
  function refit() {
    cancelAnimationFrame(fitting);
    fitting = requestAnimationFrame(() => {
      if (box.offsetWidth > 0 && box.offsetHeight > 0) {
        fit.fit();
      }
    });
  }
  new ResizeObserver(refit).observe(box);

  // Narrow screens: two tabs, Steps and Terminal.
  const narrow = window.matchMedia("(max-width: 899px)");
  const tabs = Array.from(main.querySelectorAll(".pane-tabs [role=tab]"));

  function show(which) {
    main.dataset.pane = which;
    tabs.forEach((tab) => {
      const selected = tab.getAttribute("aria-controls") === `${which}-pane`;
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
    });
    refit();
  }

  // The panes are tab panels only while the tabs are shown.
  function layout() {
    [stepsPane, pane].forEach((panel, i) => {
      if (narrow.matches) {
        panel.setAttribute("role", "tabpanel");
        panel.setAttribute("aria-labelledby", tabs[i].id);
      } else {
        panel.removeAttribute("role");
        panel.removeAttribute("aria-labelledby");
      }
    });
    refit();
  }

  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => show(tab.getAttribute("aria-controls").replace(/-pane$/, "")));
    tab.addEventListener("keydown", (event) => {
      if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
        const next = tabs[(i + 1) % tabs.length];
        next.click();
        next.focus();
        event.preventDefault();
      }
    });
  });
  narrow.addEventListener("change", layout);
  layout();
  show("steps");

  // Wide screens: the divider between the panes drags, or moves with the arrow keys.
  const divider = main.querySelector(".divider");
  const MIN = 20;
  const MAX = 80;

  function split(percent) {
    const value = Math.round(Math.min(MAX, Math.max(MIN, percent)));
    main.style.setProperty("--steps-width", `${value}%`);
    divider.setAttribute("aria-valuenow", String(value));
    localStorage.setItem("dockstep.terminal.split", String(value));
    refit();
  }

  if (divider) {
    const saved = Number(localStorage.getItem("dockstep.terminal.split"));
    if (saved >= MIN && saved <= MAX) {
      split(saved);
    }
    divider.addEventListener("pointerdown", (event) => {
      divider.setPointerCapture(event.pointerId);
      main.classList.add("dragging");
    });
    divider.addEventListener("pointermove", (event) => {
      if (divider.hasPointerCapture(event.pointerId)) {
        const area = main.getBoundingClientRect();
        split(((event.clientX - area.left) / area.width) * 100);
      }
    });
    divider.addEventListener("pointerup", () => main.classList.remove("dragging"));
    divider.addEventListener("keydown", (event) => {
      const now = Number(divider.getAttribute("aria-valuenow"));
      const moves = { ArrowLeft: now - 5, ArrowRight: now + 5, Home: MIN, End: MAX };
      if (event.key in moves) {
        split(moves[event.key]);
        event.preventDefault();
      }
    });
  }

  // Ctrl+` moves the focus between the steps and the terminal, in both directions.
  let lastInSteps = null;
  stepsPane.addEventListener("focusin", (event) => { lastInSteps = event.target; });

  function isShortcut(event) {
    return event.type === "keydown" && event.ctrlKey && !event.altKey && !event.metaKey && event.code === "Backquote";
  }

  function switchFocus() {
    if (pane.contains(document.activeElement)) {
      show("steps");
      const target = (lastInSteps && stepsPane.contains(lastInSteps) && lastInSteps)
        || stepsPane.querySelector(".step.current h2") || stepsPane.querySelector("h1");
      if (target.tabIndex < 0 && !target.hasAttribute("tabindex")) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus();
    } else {
      show("terminal");
      term.focus();
    }
  }

  term.attachCustomKeyEventHandler((event) => !isShortcut(event));
  document.addEventListener("keydown", (event) => {
    if (isShortcut(event)) {
      event.preventDefault();
      switchFocus();
    }
  }, true);

  window.addEventListener("pagehide", () => {
    if (socket) {
      socket.close(1000, "page closed");
    }
  });

  // The lesson's Run buttons type a block's commands here, as if the learner had, and press Enter.
  window.dockstep = window.dockstep || {};
  window.dockstep.terminal = {
    /** Types {@code commands}, each line then Enter; Ctrl-C first when {@code interrupt}. True when sent. */
    run(commands, interrupt) {
      if (!socket || socket.readyState !== WebSocket.OPEN) {
        return false;
      }
      if (interrupt) {
        send("i\u0003");
      }
      const text = commands.replace(/\r?\n$/, "").replace(/\r?\n/g, "\r") + "\r";
      for (let i = 0; i < text.length; i += MAX_INPUT) {
        send(`i${text.slice(i, i + MAX_INPUT)}`);
      }
      show("terminal");
      term.focus();
      return true;
    },
  };

  refit();
  connect();
})();
