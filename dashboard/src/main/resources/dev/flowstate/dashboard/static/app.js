// The flowstate dashboard: one page whose views read the HTTP API (/api). Stored data is only ever
// put into the page as text (textContent, attribute values), never as markup.
"use strict";

const REFRESH = Number(document.querySelector('meta[name="flowstate-refresh"]').content) || 2000;
const main = document.getElementById("main");
let current = null; // the shown view: { refresh(), stop() }
let timer = null;

// ------------------------------------------------------------------ building blocks

/** An element with attributes and children; strings become text nodes. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children; null and false children are left out (the DOM would print them). */
function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/**
 * Whether a view's data is what it last drew: then the page is left alone, so that a selection, a
 * focus or an open detail survives the refresh. Relative times ("5 s ago") are redrawn every 30 s.
 */
function unchanged(state, data) {
  const key = JSON.stringify(data, (k, v) => (k === "databaseTime" ? undefined : v)) + "|" +
    Math.floor(Date.now() / 30000) + "|" + (session.operator || "");
  if (state.key === key) return true;
  state.key = key;
  return false;
}

function svg(tag, attrs) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  return el;
}

function link(href, ...children) {
  return h("a", { href, "data-link": true }, ...children);
}

function badge(label) {
  return h("span", { class: "badge " + label }, label);
}

function time(iso) {
  if (!iso) return "–";
  const d = new Date(iso);
  return d.toLocaleString(undefined, { year: "numeric", month: "short", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

function ago(iso, now) {
  if (!iso) return "";
  const s = Math.round((new Date(now || Date.now()) - new Date(iso)) / 1000);
  const abs = Math.abs(s);
  const text = abs < 60 ? abs + " s" : abs < 3600 ? Math.round(abs / 60) + " min"
    : abs < 86400 ? (abs / 3600).toFixed(1) + " h" : (abs / 86400).toFixed(1) + " d";
  return s >= 0 ? text + " ago" : "in " + text;
}

function duration(ms) {
  if (ms === null || ms === undefined) return "running";
  if (ms < 1) return ms.toFixed(2) + " ms";
  if (ms < 1000) return ms.toFixed(0) + " ms";
  if (ms < 60000) return (ms / 1000).toFixed(2) + " s";
  return (ms / 60000).toFixed(1) + " min";
}

function json(value) {
  return JSON.stringify(value, null, 2);
}

function toast(text, bad) {
  const t = document.getElementById("toast");
  t.textContent = text;
  t.className = "show" + (bad ? " bad" : "");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (t.className = ""), 5000);
}

// ------------------------------------------------------------------ the API

function token() {
  return sessionStorage.getItem("flowstate-token");
}

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path, options) {
  const headers = { Accept: "application/json" };
  if (token()) headers.Authorization = "Bearer " + token();
  const init = { headers, cache: "no-store" };
  if (options && options.body !== undefined) {
    init.method = "POST";
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, "the dashboard does not answer (" + e.message + ")");
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, body.error || response.statusText);
  return body;
}

// ------------------------------------------------------------------ session and actions

let session = { actions: false, operator: null };

async function loadSession() {
  try {
    session = await api("/api/session");
  } catch (e) {
    session = { actions: false, operator: null };
  }
  const who = document.getElementById("who");
  who.textContent = session.operator ? "operator: " + session.operator
    : session.actions ? "read-only (no token)" : "read-only dashboard";
  who.className = "who" + (session.operator ? " operator" : "");
  document.getElementById("token-button").hidden = !session.actions;
  return session;
}

function setupTokenDialog() {
  const dialog = document.getElementById("token-dialog");
  const input = document.getElementById("token-input");
  document.getElementById("token-button").addEventListener("click", () => {
    input.value = "";
    document.getElementById("token-error").textContent = "";
    dialog.showModal();
  });
  dialog.addEventListener("close", async () => {
    if (dialog.returnValue === "forget") {
      sessionStorage.removeItem("flowstate-token");
    } else if (dialog.returnValue === "save" && input.value.trim()) {
      sessionStorage.setItem("flowstate-token", input.value.trim());
    } else {
      return;
    }
    await loadSession();
    if (dialog.returnValue === "save" && !session.operator) {
      sessionStorage.removeItem("flowstate-token");
      toast("That token is not valid for this dashboard", true);
    } else if (session.operator) {
      toast("Acting as " + session.operator);
    }
    refreshNow();
  });
}

/** Asks for confirmation; resolves to true when confirmed. */
function confirmDialog(title, text, extra) {
  const dialog = document.getElementById("confirm-dialog");
  document.getElementById("confirm-title").textContent = title;
  document.getElementById("confirm-text").textContent = text;
  const holder = document.getElementById("confirm-extra");
  fill(holder, ...(extra ? [extra] : []));
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) =>
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true }));
}

/** Requests a resume of the ids, now or at a chosen time, after asking. */
async function requestResume(ids, at) {
  if (!session.operator) {
    toast("Enter an operator token first (top right)", true);
    return false;
  }
  let when = null;
  let extra = null;
  if (at) {
    const input = h("input", { type: "datetime-local", id: "resume-at-input", required: true });
    const d = new Date(Date.now() + 10 * 60000);
    input.value = new Date(d - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
    extra = h("label", {}, "Resume at (your local time)", input);
    when = input;
  }
  const what = ids.length === 1 ? "workflow " + ids[0] : ids.length + " workflows";
  const ok = await confirmDialog(
    at ? "Resume at a time" : "Request resume",
    "A worker pool will resume " + what + (at ? " at the time below." : " now.") +
      " The request is recorded in the history as asked by " + session.operator + ".",
    extra);
  if (!ok) return false;
  const body = when ? { at: new Date(when.value).toISOString() } : {};
  try {
    if (ids.length === 1) {
      await api("/api/workflows/" + ids[0] + "/resume", { body });
      toast("Resume requested for " + ids[0]);
    } else {
      const answer = await api("/api/workflows/resume", { body: { ...body, ids } });
      const refused = answer.results.filter((r) => r.status !== 200);
      toast((ids.length - refused.length) + " requested" +
        (refused.length ? ", " + refused.length + " refused: " + refused[0].error : ""),
        refused.length > 0);
    }
  } catch (e) {
    toast(e.message, true);
    return false;
  }
  refreshNow();
  return true;
}

// ------------------------------------------------------------------ router

function navigate(path, replace) {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  show();
}

function viewFor(url) {
  const path = url.pathname;
  const m = path.match(/^\/workflows\/([^/]+)$/);
  if (path === "/") return overviewView();
  if (path === "/workflows") return listView(url.searchParams);
  if (path === "/pools") return poolsView();
  if (m) return workflowView(decodeURIComponent(m[1]));
  return messageView("Not found", "There is no page at " + path + ".");
}

function show() {
  if (current && current.stop) current.stop();
  const url = new URL(location.href);
  for (const a of document.querySelectorAll("nav a")) {
    const nav = a.getAttribute("data-nav");
    const active = (nav === "overview" && url.pathname === "/") ||
      (nav !== "overview" && url.pathname.startsWith("/" + nav));
    a.classList.toggle("active", active);
  }
  fill(main, );
  current = viewFor(url);
  refreshNow();
}

async function refreshNow() {
  clearTimeout(timer);
  const view = current;
  if (!view) return;
  try {
    await view.refresh();
    view.error && view.error(null);
  } catch (e) {
    if (view.error) view.error(e);
  }
  if (view === current && view.refresh.polls !== false) {
    timer = setTimeout(refreshNow, document.hidden ? REFRESH * 5 : REFRESH);
  }
}

document.addEventListener("click", (e) => {
  const a = e.target.closest("a[data-link]");
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  navigate(a.getAttribute("href"));
});
window.addEventListener("popstate", show);
document.addEventListener("visibilitychange", () => { if (!document.hidden) refreshNow(); });

/** A view's frame: a title, a notice line for errors, and the parts it refreshes. */
function frame(title, ...parts) {
  const notice = h("div", { class: "notice", hidden: true });
  const updated = h("span", { class: "updated" });
  fill(main, h("h1", {}, title, updated), notice, ...parts);
  document.title = (typeof title === "string" ? title : "Workflow") + " · flowstate";
  return {
    error(e) {
      notice.hidden = !e;
      notice.textContent = e ? e.message : "";
      if (!e) updated.textContent = "updated " + new Date().toLocaleTimeString();
    },
  };
}

function messageView(title, text) {
  fill(main, h("h1", {}, title), h("p", { class: "muted" }, text));
  const refresh = async () => {};
  refresh.polls = false;
  return { refresh };
}

// ------------------------------------------------------------------ overview

function overviewView() {
  const cards = h("div", { class: "cards", id: "totals" });
  const chart = h("div", { class: "chart" });
  const hours = h("select", { id: "hours", "aria-label": "hours shown" },
    [1, 3, 6, 12, 24, 48].map((n) => h("option", { value: n, selected: n === 3 }, n + " h")));
  const definitions = h("div", {});
  const pools = h("div", {});
  const database = h("p", { class: "muted" });
  hours.addEventListener("change", refreshNow);
  const f = frame("Overview", cards,
    h("section", { class: "panel" },
      h("div", { class: "toolbar" }, h("h2", {}, "Objects done per minute"), h("span", { class: "grow" }),
        h("div", { class: "legend" }, h("span", {}, "completed"), h("span", { class: "failed" }, "failed")), hours),
      chart),
    h("div", { class: "two" },
      h("section", { class: "panel" }, h("h2", {}, "Worker pools"), pools),
      h("section", { class: "panel" }, h("h2", {}, "Workflows by definition"), definitions)),
    database);
  const state = {};
  return {
    error: f.error,
    async refresh() {
      const o = await api("/api/overview?hours=" + hours.value);
      if (unchanged(state, o)) return;
      const attention = ["Error", "Halted", "Interrupted", "Stalled"];
      const status = { Error: "ERROR", Halted: "HALTED", Interrupted: "RUNNING", Stalled: "RUNNING",
        Running: "RUNNING", New: "NEW", Completed: "COMPLETED" };
      fill(cards, ...Object.entries(o.totals).map(([label, n]) =>
        link("/workflows?status=" + status[label],
          h("div", { class: "l" }, label), h("div", { class: "n" }, n.toLocaleString()))));
      cards.querySelectorAll("a").forEach((a, i) => {
        a.className = "card" + (attention.includes(Object.keys(o.totals)[i]) &&
          Object.values(o.totals)[i] > 0 ? " attention" : "");
        a.setAttribute("data-label", Object.keys(o.totals)[i]);
      });
      drawChart(chart, o.perMinute);
      fill(pools, poolTable(o.pools, o.databaseTime, true));
      const labels = Object.keys(o.totals);
      const names = Object.keys(o.definitions);
      fill(definitions, names.length === 0 ? h("p", { class: "empty" }, "No workflows stored yet.") :
        h("table", {},
          h("thead", {}, h("tr", {}, h("th", {}, "definition"), labels.map((l) => h("th", { class: "num" }, l)))),
          h("tbody", {}, names.map((name) => h("tr", {},
            h("td", {}, link("/workflows?definition=" + encodeURIComponent(name), name)),
            labels.map((l) => h("td", { class: "num" }, (o.definitions[name][l] || 0).toLocaleString())))))));
      database.textContent = "Completed counted at " + time(o.completedCountedAt) + " (once a minute: a count of the whole table). " +
        (o.database.product || "") + " · " + (o.database.url || "") +
        " · schema version " + (o.schemaVersion || "unknown") + " · database time " + time(o.databaseTime);
    },
  };
}

function drawChart(holder, minutes) {
  const width = 900, height = 180, left = 40, bottom = 22;
  const max = Math.max(1, ...minutes.map((m) => m.completed + m.failed));
  const plot = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": "objects done per minute" });
  const w = (width - left) / Math.max(1, minutes.length);
  plot.appendChild(svg("line", { x1: left, x2: width, y1: height - bottom, y2: height - bottom, class: "axis" }));
  for (const frac of max >= 2 ? [0.5, 1] : [1]) {
    const y = height - bottom - frac * (height - bottom - 8);
    plot.appendChild(svg("line", { x1: left, x2: width, y1: y, y2: y, class: "axis" }));
    const label = svg("text", { x: left - 6, y: y + 4, "text-anchor": "end" });
    label.textContent = Math.round(max * frac).toLocaleString();
    plot.appendChild(label);
  }
  minutes.forEach((m, i) => {
    const scale = (height - bottom - 8) / max;
    const x = left + i * w;
    const hc = m.completed * scale, hf = m.failed * scale;
    const title = svg("title");
    title.textContent = time(m.minute) + ": " + m.completed + " completed, " + m.failed + " failed";
    if (hc > 0) {
      const r = svg("rect", { x, y: height - bottom - hc, width: Math.max(1, w - 1), height: hc, class: "completed" });
      r.appendChild(title);
      plot.appendChild(r);
    }
    if (hf > 0) {
      plot.appendChild(svg("rect", { x, y: height - bottom - hc - hf, width: Math.max(1, w - 1), height: hf, class: "failed" }));
    }
    if (i % Math.ceil(minutes.length / 6) === 0) {
      const label = svg("text", { x, y: height - 6 });
      label.textContent = new Date(m.minute).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
      plot.appendChild(label);
    }
  });
  const total = minutes.reduce((s, m) => s + m.completed, 0);
  fill(holder, plot, h("p", { class: "muted" }, total.toLocaleString() +
    " objects completed in the period (from the history; none are counted when history is off)"));
}

function poolTable(pools, now, brief) {
  if (pools.length === 0) return h("p", { class: "empty" }, "No worker pool has run on this database.");
  return h("table", {},
    h("thead", {}, h("tr", {}, h("th", {}, "pool"), h("th", {}, "status"), h("th", { class: "num" }, "threads"),
      h("th", { class: "num" }, "holding"), h("th", { class: "num" }, "completed"),
      brief ? null : [h("th", { class: "num" }, "claimed"), h("th", { class: "num" }, "halted"),
        h("th", { class: "num" }, "failed"), h("th", { class: "num" }, "released"), h("th", {}, "started")],
      h("th", {}, "heartbeat"))),
    h("tbody", {}, pools.map((p) => h("tr", {},
      h("td", {}, h("div", {}, p.name), h("div", { class: "muted" }, p.host + " · pid " + p.pid)),
      h("td", {}, badge(p.statusLabel)), h("td", { class: "num" }, p.threads),
      h("td", { class: "num" }, p.holding), h("td", { class: "num" }, p.completed.toLocaleString()),
      brief ? null : [h("td", { class: "num" }, p.claimed.toLocaleString()), h("td", { class: "num" }, p.halted),
        h("td", { class: "num" }, p.failed), h("td", { class: "num" }, p.released), h("td", {}, time(p.startedAt))],
      h("td", {}, ago(p.seenAt, now))))));
}

// ------------------------------------------------------------------ workflow list

function listView(params) {
  const form = h("form", { class: "filters", id: "filters" });
  const field = (name, label, input) => {
    input.name = name;
    input.value = params.get(name) || "";
    form.appendChild(h("label", {}, label, input));
    return input;
  };
  field("status", "Status", h("select", {}, h("option", { value: "" }, "any"),
    ["NEW", "RUNNING", "HALTED", "ERROR", "COMPLETED"].map((s) => h("option", { value: s }, s))));
  const definition = field("definition", "Definition", h("select", {}, h("option", { value: "" }, "any")));
  field("text", "Halt message or error contains", h("input", { type: "text", placeholder: "e.g. declined" }));
  const from = field("from", "Created from", h("input", { type: "datetime-local" }));
  const to = field("to", "Created before", h("input", { type: "datetime-local" }));
  for (const input of [from, to]) {
    const iso = params.get(input.name);
    if (iso) input.value = localInput(iso);
  }
  form.appendChild(h("button", { type: "submit", class: "primary" }, "Filter"));
  form.appendChild(h("button", { type: "button", class: "ghost", onclick: () => navigate("/workflows") }, "Clear"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const query = new URLSearchParams();
    for (const [k, v] of new FormData(form)) {
      if (!v) continue;
      query.set(k, k === "from" || k === "to" ? new Date(v).toISOString() : v);
    }
    navigate("/workflows" + (query.toString() ? "?" + query : ""));
  });
  api("/api/definitions").then((d) => {
    for (const name of d.items) definition.appendChild(h("option", { value: name }, name));
    definition.value = params.get("definition") || "";
  }).catch(() => {});

  const selected = new Set();
  const resumeButton = h("button", { type: "button", id: "resume-selected", disabled: true,
    onclick: async () => { if (await requestResume([...selected])) selected.clear(); } }, "Request resume of selected");
  const count = h("span", { class: "muted" });
  const body = h("tbody", {});
  const pager = h("div", { class: "pager" });
  const f = frame("Workflows", h("section", { class: "panel" }, form),
    h("section", { class: "panel" },
      h("div", { class: "toolbar" }, count, h("span", { class: "grow" }), resumeButton),
      h("table", { id: "workflow-table" },
        h("thead", {}, h("tr", {}, h("th", {}, ""), h("th", {}, "workflow"), h("th", {}, "status"),
          h("th", { class: "num" }, "objects done"), h("th", {}, "halt message or error"),
          h("th", {}, "created"), h("th", {}, "last saved"))),
        body),
      pager));
  const cursors = (params.get("cursor") || "").split(",").filter(Boolean);
  const state = {};
  const updateSelection = () => {
    resumeButton.disabled = selected.size === 0 || !session.operator;
    count.textContent = selected.size ? selected.size + " selected" : "";
  };
  return {
    error: f.error,
    async refresh() {
      const query = new URLSearchParams(params);
      query.delete("cursor");
      if (cursors.length) query.set("cursor", cursors[cursors.length - 1]);
      const page = await api("/api/workflows?" + query);
      if (unchanged(state, page)) return;
      fill(body, ...(page.items.length === 0
        ? [h("tr", {}, h("td", { colspan: 7, class: "empty" }, "No workflows match."))]
        : page.items.map((w) => {
          const box = h("input", { type: "checkbox", "aria-label": "select " + w.id, checked: selected.has(w.id),
            disabled: !["NEW", "HALTED", "ERROR"].includes(w.status) });
          box.addEventListener("change", () => { box.checked ? selected.add(w.id) : selected.delete(w.id); updateSelection(); });
          const problem = w.haltMessage || w.lastError || "";
          return h("tr", { "data-id": w.id },
            h("td", {}, box),
            h("td", {}, link("/workflows/" + w.id, h("span", { class: "mono" }, w.id.slice(0, 8))), " ",
              h("span", { class: "muted" }, w.definition)),
            h("td", {}, badge(w.label)),
            h("td", { class: "num" }, w.done + " / " + w.objects),
            h("td", { class: "clip", title: problem }, problem),
            h("td", {}, time(w.createdAt)),
            h("td", {}, ago(w.modifiedAt)));
        })));
      updateSelection();
      const base = new URLSearchParams(params);
      base.delete("cursor");
      const pageLink = (list, label) => {
        const q = new URLSearchParams(base);
        if (list.length) q.set("cursor", list.join(","));
        return link("/workflows" + (q.toString() ? "?" + q : ""), label);
      };
      fill(pager, 
        cursors.length ? pageLink(cursors.slice(0, -1), "← Newer") : null,
        cursors.length ? pageLink([], "First page") : null,
        page.next ? pageLink([...cursors, page.next], "Older →") : null);
    },
  };
}

function localInput(iso) {
  const d = new Date(iso);
  return new Date(d - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

// ------------------------------------------------------------------ one workflow

function workflowView(id) {
  const head = h("div", {});
  const tree = h("div", { id: "tree" });
  const objects = h("div", { id: "objects" });
  const actions = h("div", { id: "actions" });
  const expanded = new Set();
  const title = h("span", { class: "mono" }, id);
  const f = frame(title, head,
    h("div", { class: "two" },
      h("section", { class: "panel" }, h("h2", {}, "Definition"), tree),
      h("section", { class: "panel" }, h("h2", {}, "Objects"), objects)),
    h("section", { class: "panel" }, h("h2", {}, "Operator actions"), actions));
  let objectsLimit = 50;
  const state = {};
  return {
    error: f.error,
    async refresh() {
      const d = await api("/api/workflows/" + encodeURIComponent(id));
      const page = await api("/api/workflows/" + id + "/objects?limit=" + objectsLimit);
      const runs = {};
      for (const o of page.items) {
        if (expanded.has(o.position)) {
          runs[o.position] = (await api("/api/workflows/" + id + "/history?position=" + o.position)).items;
        }
      }
      if (unchanged(state, { d, page, runs })) return;
      const w = d.workflow;
      const resumable = ["NEW", "HALTED", "ERROR"].includes(w.status);
      document.title = w.definitionName + " " + w.statusLabel + " · flowstate";
      fill(head, 
        h("div", { class: "toolbar" }, badge(w.statusLabel), h("strong", {}, w.definitionName),
          h("span", { class: "muted" }, d.objects + (d.objects === 1 ? " object" : " objects")), h("span", { class: "grow" }),
          h("button", { type: "button", id: "resume-now", class: "primary",
            disabled: !resumable || !session.operator,
            title: session.operator ? "" : "needs an operator token",
            onclick: () => requestResume([id], false) }, "Request resume"),
          h("button", { type: "button", id: "resume-at", disabled: !resumable || !session.operator,
            onclick: () => requestResume([id], true) }, "Resume at…")),
        w.haltMessage || w.haltAction || w.haltPayload !== null ? h("div", { class: "halt", id: "halt" },
          h("div", { class: "muted" }, "Halted" + (w.haltAction ? " · action " : ""), w.haltAction ? h("code", {}, w.haltAction) : null),
          h("div", { class: "msg", id: "halt-message" }, w.haltMessage || ""),
          w.haltPayload !== null && w.haltPayload !== undefined ? h("pre", {}, json(w.haltPayload)) : null) : null,
        w.lastError ? h("div", { class: "halt error", id: "error" }, h("div", { class: "muted" }, "Error"),
          h("pre", {}, w.lastError)) : null,
        h("section", { class: "panel" }, h("dl", { class: "facts" },
          fact("Status", w.statusLabel + (w.endedBy ? " (ended by " + w.endedBy + ")" : "")),
          fact("Position", "object " + w.tokenPos + ", task " + JSON.stringify(w.callbackPos)),
          fact("Owner", w.owner || "none"),
          fact("Lease until", w.leaseUntil ? time(w.leaseUntil) + " (" + ago(w.leaseUntil, d.databaseTime) + ")" : "–"),
          fact("Resume at", w.resumeAt ? time(w.resumeAt) + " (" + ago(w.resumeAt, d.databaseTime) + ")" : "–"),
          fact("Created", time(w.createdAt)),
          fact("Last saved", time(w.modifiedAt) + " (" + ago(w.modifiedAt, d.databaseTime) + ")"),
          fact("Definition fingerprint", w.definitionFingerprint)),
          Object.keys(w.extraData || {}).length ? [h("h2", {}, "Extra data"), h("pre", { id: "extra-data" }, json(w.extraData))] : null));
      fill(tree, drawTree(d.definition, w));
      const rows = [];
      for (const o of page.items) {
        const toggle = h("button", { type: "button", class: "ghost expand", "aria-expanded": expanded.has(o.position) },
          expanded.has(o.position) ? "▾" : "▸");
        toggle.addEventListener("click", () => {
          expanded.has(o.position) ? expanded.delete(o.position) : expanded.add(o.position);
          refreshNow();
        });
        rows.push(h("tr", { "data-position": o.position }, h("td", {}, toggle), h("td", { class: "num" }, o.position),
          h("td", {}, badge(o.status)),
          h("td", {}, h("pre", { class: "data" }, json(o.data)),
            o.errorText ? h("pre", { class: "error-text" }, o.errorText) : null),
          h("td", {}, ago(o.modifiedAt, d.databaseTime))));
        if (expanded.has(o.position)) {
          rows.push(h("tr", {}, h("td", {}), h("td", { colspan: 4 }, timeline(runs[o.position]))));
        }
      }
      fill(objects, h("table", {},
        h("thead", {}, h("tr", {}, h("th", {}, ""), h("th", { class: "num" }, "#"), h("th", {}, "status"),
          h("th", {}, "data"), h("th", {}, "saved"))),
        h("tbody", {}, rows)),
        page.next ? h("div", { class: "pager" }, h("button", { type: "button", onclick: () => { objectsLimit += 50; refreshNow(); } },
          "Show more objects")) : null);
      fill(actions, d.actions.length === 0 ? h("p", { class: "empty" }, "No operator has acted on this workflow.") :
        h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "asked"), h("th", {}, "action"), h("th", {}, "for"),
          h("th", {}, "by"), h("th", {}, "from"))),
        h("tbody", {}, d.actions.map((a) => h("tr", {}, h("td", {}, time(a.requestedAt)), h("td", {}, a.action),
          h("td", {}, time(a.resumeAt)), h("td", {}, a.requestedBy), h("td", { class: "muted" }, a.requestedFrom || ""))))));
    },
  };
}

function fact(label, value) {
  return h("div", {}, h("dt", {}, label), h("dd", {}, value));
}

function drawTree(definition, w) {
  if (!definition.known) {
    return h("p", { class: "muted" }, "Definition " + definition.name +
      " is not registered with this dashboard, so its tree cannot be drawn; the position is task " +
      JSON.stringify(w.callbackPos) + ". Start the dashboard with the application's definitions" +
      " (Dashboard.builder(...).definitions(flowstate), or a DefinitionProvider on the command line's class path).");
  }
  const here = JSON.stringify(w.callbackPos);
  const stuck = w.status === "HALTED" || w.status === "ERROR" || w.status === "RUNNING";
  const list = (nodes) => h("ul", { class: "tree" }, nodes.map((n) => {
    const pos = h("span", { class: "pos" }, n.path.join("."));
    if (n.children) {
      return h("li", {}, h("span", { class: "node" }, pos, h("span", { class: "block" }, "block")), list(n.children));
    }
    const current = stuck && JSON.stringify(n.path) === here;
    return h("li", {}, h("span", { class: "node" + (current ? " current" + (w.status === "ERROR" ? " error" : "") : ""),
      "data-path": n.path.join("."), "aria-current": current ? "step" : null }, pos, n.name));
  }));
  return list(definition.tree);
}

function timeline(runs) {
  if (runs.length === 0) return h("p", { class: "muted" }, "No runs recorded (history may be off).");
  const longest = Math.max(1, ...runs.map((r) => r.durationMillis || 0));
  return h("div", { class: "timeline" }, runs.map((r) => {
    const bar = h("div", { class: "bar " + (r.outcome || "open") });
    bar.style.width = Math.max(1, (100 * (r.durationMillis || longest)) / longest) + "%";
    return h("div", { class: "run" }, h("span", {}, time(r.startedAt)), h("div", { class: "bartrack" }, bar),
      h("span", {}, duration(r.durationMillis)),
      h("span", { title: r.message || "" }, r.outcome || "running", r.callbackPos ? " @ " + JSON.stringify(r.callbackPos) : ""));
  }));
}

// ------------------------------------------------------------------ pools

function poolsView() {
  const table = h("div", {});
  const f = frame("Worker pools", h("section", { class: "panel" }, table));
  const state = {};
  return {
    error: f.error,
    async refresh() {
      const pools = await api("/api/pools");
      if (unchanged(state, pools)) return;
      fill(table, poolTable(pools.items, pools.databaseTime, false));
    },
  };
}

// ------------------------------------------------------------------ start

setupTokenDialog();
loadSession().then(show);
