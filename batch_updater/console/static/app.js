"use strict";
// The console's page: plain JavaScript, no build step. Every value from the server is put in the
// page as text (textContent), never as HTML.

const $ = (id) => document.getElementById(id);
const state = { lang: "en", status: null, upload: null, runs: [], watching: {}, tables: {} };

// --- words ------------------------------------------------------------------------------------------

function t(key, values = {}) {
  const table = window.I18N[state.lang] || {};
  // One of a thing: the ".one" form where the language has one ("1 row", not "1 rows").
  const words = (values.n === 1 ? table[key + ".one"] : undefined) ?? table[key] ?? window.I18N.en[key] ?? key;
  return words.replace(/\{(\w+)\}/g, (_, name) => (values[name] ?? ""));
}

function pickLanguage() {
  const saved = localStorage.getItem("lang");
  if (saved === "zh" || saved === "en") return saved;
  const first = (navigator.languages && navigator.languages[0]) || navigator.language || "en";
  return first.toLowerCase().startsWith("zh") ? "zh" : "en";
}

function translate() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  $("lang").textContent = t("lang.switch");
  if (state.status) showStatus(state.status);
  if (state.upload) showUpload(state.upload);
  Object.values(state.tables).forEach((table) => table.render());
  showHistory();
  Object.values(state.watching).forEach((w) => w.last && w.show(w.last));
  showConfirm();
}

// --- talking to the server ---------------------------------------------------------------------------

async function api(path, options = {}) {
  // the server's messages name the page's controls in the page's language
  const headers = { "Accept-Language": state.lang, ...(options.headers || {}) };
  const response = await fetch(path, { credentials: "same-origin", ...options, headers });
  const body = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
  return body;
}

function post(path, data) {
  return api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(data || {}) });
}

function showError(error) {
  const box = $("error");
  if (!error) { box.hidden = true; return; }
  box.textContent = error.message || String(error);
  box.hidden = false;
  box.scrollIntoView({ block: "nearest" });
}

// --- the server: which API, which credentials -----------------------------------------------------

function showStatus(status) {
  $("api").textContent = status.sandbox ? t("api.sandbox") : t("api.live", { api: status.api });
  $("api").className = "badge " + (status.sandbox ? "sandbox" : "live");
  const creds = $("creds");
  creds.replaceChildren();
  for (const name of ["user_token", "helpdesk", "app", "refresh"]) {
    const chip = document.createElement("span");
    const set = status.credentials[name];
    chip.className = "chip " + (set ? "yes" : "no");
    chip.textContent = t(set ? "cred.set" : "cred.missing", { name: t("cred." + name) });
    creds.append(chip);
  }
  const c = status.credentials;
  $("plan-start").disabled = !c.can_plan;
  $("plan-why").textContent = c.can_plan ? "" : t("plan.needs");
  $("run-start").disabled = !c.can_run;
  $("run-why").textContent = !c.can_run ? t("run.needs") : (c.app ? "" : t("run.needs.app"));
  for (const id of ["opt-skip", "opt-undo"]) {
    $(id).disabled = !c.app;
    if (!c.app) $(id).checked = false;
  }
}

// --- 1. upload, and 2. the check ----------------------------------------------------------------------

async function sendFile(file) {
  showError(null);
  $("uploading").hidden = false;
  const form = new FormData();
  form.append("file", file, file.name);
  try {
    const upload = await api("/api/uploads", { method: "POST", body: form });
    useUpload(upload);
  } catch (error) {
    forgetUpload();  // the sheet shown before is not the one that was just refused
    showError(error);
  } finally {
    $("uploading").hidden = true;
    $("file").value = "";
  }
}

async function sendLink(event) {
  event.preventDefault();
  const link = $("link").value.trim();
  if (!link) return;
  showError(null);
  $("uploading").hidden = false;
  try {
    useUpload(await post("/api/links", { link }));
  } catch (error) {
    forgetUpload();
    showError(error);
  } finally {
    $("uploading").hidden = true;
  }
}

function showDemoLinks() {
  const demo = (state.status && state.status.demo_links) || {};
  $("demo-links").hidden = !demo.base;
  $("demo-base").onclick = () => { $("link").value = demo.base || ""; };
  $("demo-sheet").onclick = () => { $("link").value = demo.sheet || ""; };
}

function useUpload(upload) {
  if (!state.upload || state.upload.id !== upload.id) resetPanels();
  state.upload = upload;
  localStorage.setItem("upload", upload.id);
  showUpload(upload);
  const readable = !upload.problem;
  for (const id of ["step-check", "step-plan", "step-run"]) $(id).hidden = !readable;
  if (readable) state.tables.check.load(1);
  attachRunning();
}

function forgetUpload() {
  state.upload = null;
  localStorage.removeItem("upload");
  resetPanels();
  $("sheet-info").hidden = true;
  for (const id of ["step-check", "step-plan", "step-run"]) $(id).hidden = true;
}

function resetPanels() {
  // The plan and run panels belong to one sheet: another sheet starts them afresh.
  for (const [name, watcher] of Object.entries(state.watching)) {
    if (watcher.source) watcher.source.close();
    delete state.watching[name];
  }
  for (const id of ["plan-live", "plan-result", "run-live", "run-result"]) $(id).hidden = true;
  state.tables.plan.runId = state.tables.run.runId = null;
  if (state.status) showStatus(state.status);
}

async function attachRunning() {
  // A plan or run of this sheet still going (the page was reloaded, the tab closed): show it.
  for (const r of state.runs) {
    if (r.running && state.upload && r.upload === state.upload.id && !state.watching[r.kind]) {
      watch(await api(`/api/runs/${r.id}`), r.kind === "plan" ? planPanel : runPanel);
    }
  }
}

function showUpload(u) {
  $("sheet-info").hidden = false;
  $("file-name").textContent = u.link || u.name;
  $("source").textContent = u.source;
  $("checked-at").textContent = t("upload.checked", { when: u.checked_at.replace("T", " ").slice(0, 19) });
  const pick = $("sheet");
  pick.replaceChildren(...u.sheets.map((name) => new Option(name, name, false, name === u.sheet)));
  $("sheet-pick").hidden = u.sheets.length < 2;
  showKept(u.kept);
  $("problem").hidden = !u.problem;
  $("problem").textContent = u.problem ? t(u.no_ticket_id ? "upload.problem.id" : u.text ? "upload.problem.encoding" : "upload.problem", { text: u.problem }) : "";
  $("encoding-pick").hidden = !u.text || (!u.problem && !u.encoding);
  $("encoding").replaceChildren(new Option(t("upload.encoding.auto"), ""),
    ...u.encodings.map((name) => new Option(name, name, false, name === u.encoding)));
  $("warnings").replaceChildren(...u.warnings.map((text) => Object.assign(document.createElement("li"), { textContent: text })));
  const unknown = [...u.unknown, ...Object.keys(u.renames).filter((h) => !u.unknown.includes(h))];
  $("mapping").hidden = unknown.length === 0;
  $("mapping-rows").replaceChildren(...unknown.map((header) => mappingRow(header, u.renames[header] || "")));
  $("recheck").hidden = unknown.length === 0 && u.sheets.length < 2 && $("encoding-pick").hidden;
  const counts = u.counts;
  $("check-counts").textContent = t("check.counts", { rows: count("rows", u.rows), valid: counts.valid || 0,
    invalid: counts.invalid || 0, tickets: count("tickets", u.tickets), comments: count("comments", u.comments) })
    + (u.repeated ? " · " + t("check.repeated", { n: u.repeated }) : "");
  $("check-file").href = `/api/uploads/${u.id}/check.csv`;
  const sendable = (counts.valid || 0) > 0;
  $("plan-start").disabled = !sendable || !state.status.credentials.can_plan;
  $("run-start").disabled = !sendable || !state.status.credentials.can_run;
  if (!sendable && !u.problem) $("run-why").textContent = t("run.nothing");
}

function showKept(kept) {
  // The choices an earlier upload of this name had, used again (so its rows stay the same job's rows).
  $("kept").hidden = !kept;
  if (!kept) return;
  const what = [...Object.entries(kept.renames || {}).map(([header, field]) => t("upload.kept.column", { header, field })),
    ...(kept.sheet ? [t("upload.kept.sheet", { sheet: kept.sheet })] : []),
    ...(kept.encoding ? [t("upload.kept.encoding", { encoding: kept.encoding })] : [])];
  $("kept-text").textContent = t("upload.kept", { what: what.join(t("list.sep")) });
}

async function forgetKept() {
  showError(null);
  try {
    useUpload(await post(`/api/uploads/${state.upload.id}/check`, { renames: {}, sheet: "", encoding: "" }));
  } catch (error) {
    showError(error);
  }
}

function mappingRow(header, chosen) {
  const row = document.createElement("tr");
  const name = document.createElement("td");
  name.textContent = header;
  const select = document.createElement("select");
  select.dataset.header = header;
  select.append(new Option(t("upload.notsent"), ""));
  for (const field of state.status.fields) select.append(new Option(field, field, false, field === chosen));
  const cell = document.createElement("td");
  cell.append(select);
  row.append(name, cell);
  return row;
}

async function recheck() {
  showError(null);
  const renames = {};
  document.querySelectorAll("#mapping-rows select").forEach((s) => { if (s.value) renames[s.dataset.header] = s.value; });
  try {
    useUpload(await post(`/api/uploads/${state.upload.id}/check`, { sheet: $("sheet").value || null, renames,
      encoding: $("encoding").value }));
  } catch (error) {
    showError(error);
  }
}

// --- paged tables ----------------------------------------------------------------------------------

class PagedTable {
  constructor(id, filterId, url, key, cells) {
    Object.assign(this, { table: $(id), filter: $(filterId), url, key, cells, page: 1, data: null });
    const tools = this.table.previousElementSibling;
    this.pageText = tools.querySelector(".page");
    tools.querySelector(".prev").addEventListener("click", () => this.load(this.page - 1));
    tools.querySelector(".next").addEventListener("click", () => this.load(this.page + 1));
    this.filter.addEventListener("change", () => this.load(1));
  }

  async load(page) {
    const url = this.url();
    if (!url) return;
    const query = new URLSearchParams({ page: String(Math.max(1, page)), size: "50", filter: this.filter.value || "" });
    try {
      this.data = await api(`${url}?${query}`);
      this.page = this.data.page;
      this.render();
    } catch (error) {
      showError(error);
    }
  }

  render() {
    if (!this.data) return;
    const d = this.data;
    const chosen = this.filter.value;
    this.filter.replaceChildren(new Option(t("table.all"), ""),
      ...Object.entries(d.counts).map(([value, n]) => new Option(`${label(value)} (${n})`, value, false, value === chosen)));
    this.pageText.textContent = t("table.page", { page: d.page, pages: d.pages, matching: d.matching });
    this.table.tBodies[0].replaceChildren(...d.rows.map((row) => {
      const tr = document.createElement("tr");
      tr.className = "r-" + row[this.key];
      for (const content of this.cells(row)) {
        const td = document.createElement("td");
        td.append(content);
        tr.append(td);
      }
      return tr;
    }));
  }
}

function text(value, className) {
  const span = document.createElement("span");
  span.textContent = value ?? "";
  if (className) span.className = className;
  return span;
}

function label(value) {
  return t("result." + value) === "result." + value ? value : t("result." + value);
}

function resultCells(row) {
  const detail = row.result === "valid" ? text(row.msg, "body") : text(row.msg);
  return [text(row.row), text(row.ticket), text(label(row.result), "tag " + row.result), detail];
}

function named(field, which) {  // a status or solved code with its name: "2 处理中"
  const value = field[which] || "∅";
  const names = field.names && field.names[which];
  return names ? `${value} ${names[state.lang] || names.en}` : value;
}

function planCells(row) {
  const fields = document.createElement("div");
  for (const f of row.fields) {
    const line = document.createElement("div");
    line.className = f.changed ? "changed" : "same";
    line.append(text(f.name + ": ", "field"), text(named(f, "now"), f.changed ? "old" : ""), text(" → "), text(named(f, "new"), f.changed ? "new" : ""));
    fields.append(line);
  }
  if (row.comment !== null && row.comment !== undefined) fields.append(Object.assign(document.createElement("div"), { className: "changed", textContent: t("plan.comment", { text: row.comment }) }));
  if (row.msg) fields.append(text(row.msg, "muted"));
  return [text(row.row), text(row.ticket), text(label(row.kind), "tag " + row.kind), fields];
}

// --- 3. plan and 4. run: started on the server, watched through its event stream -------------------

function watch(record, panel) {
  const old = state.watching[panel.name];
  if (old && old.source) old.source.close();
  const watcher = { show: (s) => panel.show(s), last: record, source: null };
  state.watching[panel.name] = watcher;
  panel.show(record);
  if (!record.running) { panel.done(record); return; }
  const source = new EventSource(`/api/runs/${record.id}/events`);
  watcher.source = source;
  source.onmessage = (event) => {
    const snapshot = JSON.parse(event.data);
    watcher.last = snapshot;
    panel.show(snapshot);
    if (!snapshot.running) {
      source.close();
      panel.done(snapshot);
      refreshHistory();
    }
  };
}

const planPanel = {
  name: "plan",
  show(s) {
    $("plan-live").hidden = !s.running;
    $("plan-progress").max = Math.max(1, s.total);
    $("plan-progress").value = s.done;
    $("plan-status").textContent = s.running ? t("plan.reading", { done: s.done, total: s.total }) : "";
    $("plan-start").disabled = s.running || !state.status.credentials.can_plan;
  },
  done(s) {
    $("plan-live").hidden = true;
    $("plan-result").hidden = false;
    const stopped = s.state === "stopped" ? t("plan.stopped") : "";
    $("plan-counts").textContent = [s.message, stopped, countsText(s.counts)].filter(Boolean).join(" · ");
    state.tables.plan.runId = s.id;
    state.tables.plan.load(1);
  },
};

const runPanel = {
  name: "run",
  show(s) {
    $("run-live").hidden = !s.running && !s.series.length;
    $("run-state").textContent = `${s.name} · ` + (s.stop_pressed && s.running ? t("run.stopping") : t("run.state." + s.state));
    $("run-stop").hidden = !s.running;
    $("run-warnings").replaceChildren(...(s.warnings || []).map((w) => Object.assign(document.createElement("li"), { textContent: w })));
    $("run-progress").max = Math.max(1, s.total);
    $("run-progress").value = s.done;
    const c = s.live_counts || {};
    const stats = s.reading
      ? [["stat.read", `${s.done} / ${s.total}`], ["stat.rate", rateText(s.rate)], ["stat.left.read", s.seconds_left === null ? "–" : duration(s.seconds_left)]]
      : [["stat.done", `${s.done} / ${s.total}`], ["stat.ok", c.ok || 0], ["stat.failed", c.failed || 0],
        ["stat.unknown", c.unknown || 0], ["stat.rate", rateText(s.rate)],
        ["stat.throttles", `${s.pauses} (${s.throttles})`], ["stat.left", s.seconds_left === null ? "–" : duration(s.seconds_left)]];
    $("run-stats").replaceChildren(...stats.flatMap(([key, value]) => [
      Object.assign(document.createElement("dt"), { textContent: t(key) }),
      Object.assign(document.createElement("dd"), { textContent: String(value), id: "stat-" + key.slice(5) })]));
    drawChart($("chart"), s.series);
    $("run-start").disabled = s.running || !state.status.credentials.can_run;
  },
  done(s) {
    $("run-result").hidden = false;
    const settled = s.settled ? settledText(s) : "";
    const resumed = s.resumed ? t("run.resumed", { n: s.resumed }) : "";
    const stopped = s.state === "stopped" ? t("run.stopped") : "";
    $("run-message").textContent = [stopped, s.message, resumed, settled].filter(Boolean).join(" · ");
    $("run-counts").textContent = countsText(s.counts);
    $("run-files").replaceChildren(...fileLinks(s));
    if (Object.keys(s.counts).length) {
      state.tables.run.runId = s.id;
      state.tables.run.load(1);
    }
  },
};

function countsText(counts) {
  return Object.entries(counts || {}).map(([k, n]) => `${n} ${label(k)}`).join(", ");
}

function settledText(s) {
  // A fixed rate in the unit it was given, and how far under it the run held (98.5%: FIXED_HEADROOM).
  const fixed = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(s|sec|second|m|min|minute))?\s*$/i.exec((s.options || {}).rate || "");
  if (fixed) {
    const unit = fixed[2] && fixed[2].toLowerCase().startsWith("m") ? "min" : "s";
    const perSecond = Number(fixed[1]) / (unit === "min" ? 60 : 1);
    const share = Math.round((s.settled / perSecond) * 1000) / 10;
    return t("run.settled.fixed", { rate: `${fixed[1]}/${unit}`, share });
  }
  return t(s.limit_found ? "run.settled.found" : "run.settled", { rate: rateText(s.settled) });
}

function rateText(perSecond) {
  if (!perSecond) return "–";
  return perSecond < 1 ? `${Math.round(perSecond * 60)}/min` : `${perSecond.toFixed(perSecond < 10 ? 1 : 0)}/s`;
}

function duration(seconds) {
  return seconds < 60 ? t("seconds", { n: seconds }) : t("minutes", { m: Math.floor(seconds / 60), s: seconds % 60 });
}

function fileLinks(record) {
  return record.files.map((kind) => Object.assign(document.createElement("a"), {
    href: `/api/runs/${record.id}/files/${kind}`, textContent: t("files." + kind), className: "file", download: "" }));
}

function drawChart(canvas, series) {
  const g = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height, pad = 24;
  g.clearRect(0, 0, w, h);
  g.fillStyle = "#f6f8fa";
  g.fillRect(0, 0, w, h);
  if (!series.length) return;
  const top = Math.max(1, ...series.map((p) => Math.max(p[1] + p[2], p[3])));
  const slot = (w - pad) / Math.max(30, series.length);
  const y = (v) => h - pad / 2 - (v / top) * (h - pad);
  series.forEach((p, i) => {
    const x = pad + i * slot;
    g.fillStyle = "#5b9bd5";
    g.fillRect(x, y(p[1]), Math.max(1, slot - 1), h - pad / 2 - y(p[1]));
    if (p[2]) { g.fillStyle = "#e74c3c"; g.fillRect(x, y(p[1] + p[2]), Math.max(1, slot - 1), y(p[1]) - y(p[1] + p[2])); }
  });
  g.strokeStyle = "#2e7d32";
  g.lineWidth = 2;
  g.beginPath();
  series.forEach((p, i) => { const x = pad + i * slot + slot / 2; i ? g.lineTo(x, y(p[3])) : g.moveTo(x, y(p[3])); });
  g.stroke();
  g.fillStyle = "#555";
  g.font = "11px sans-serif";
  g.fillText(String(Math.round(top)), 2, 12);
  g.fillText("0", 2, h - pad / 2);
}

async function startPlan() {
  showError(null);
  try {
    watch(await post(`/api/uploads/${state.upload.id}/plan`), planPanel);
  } catch (error) {
    showError(error);
  }
}

function runChoices() {
  const fixed = document.querySelector("input[name=rate-kind]:checked").value === "fixed";
  return { rate: fixed ? $("rate-value").value : "auto", skip_unchanged: $("opt-skip").checked,
    undo: $("opt-undo").checked, retry_comments: $("opt-retry").checked };
}

async function askToRun(event) {
  event.preventDefault();
  const fixed = document.querySelector("input[name=rate-kind]:checked").value === "fixed";
  if (fixed && !/^\s*\d+(\.\d+)?\s*(\/\s*(s|sec|second|m|min|minute))?\s*$/i.test($("rate-value").value)) {
    showError(new Error(t("run.rate.bad", { rate: $("rate-value").value })));
    return;
  }
  showError(null);
  // What the run will really do, from the job's journal (rows done earlier, comments held back...).
  $("run-start").disabled = true;
  try {
    state.confirm = await post(`/api/uploads/${state.upload.id}/confirm`, runChoices());
  } catch (error) {
    showError(error);
    return;
  } finally {
    $("run-start").disabled = false;
  }
  showConfirm();
  if (state.confirm.sending) refreshHistory();  // a run started after this page loaded: list it, to stop it there
  $("confirm").showModal();
}

function showConfirm() {
  const c = state.confirm;
  if (!c) return;
  const lines = [];
  if (c.sending) lines.push(["warn", t("confirm.busy", { name: c.sending.name, when: when(c.sending.started_at) })]);
  lines.push(["", c.to_send ? t("confirm.text", { tickets: count("tickets", c.tickets), rows: count("rows", c.to_send),
    comments: count("comments", c.comments) }) : t("confirm.nothing")]);
  if (c.done_earlier) lines.push(["", t("confirm.resumed", { n: c.done_earlier })]);
  if (c.without_comment) lines.push(["", t("confirm.without_comment", { n: c.without_comment })]);
  if (c.held_posted) lines.push(["", t("confirm.held_posted", { n: c.held_posted })]);
  if (c.held_maybe) lines.push(["warn", t("confirm.held_maybe", { n: c.held_maybe })]);
  if (c.read_back) lines.push(["", t("confirm.read_back", { n: c.read_back })]);
  if (c.invalid) lines.push(["", t("confirm.invalid", { n: c.invalid })]);
  if (c.read_first && c.tickets_to_read) lines.push(["", t("confirm.read", { n: c.tickets_to_read })]);
  if (c.skip_unchanged) lines.push(["", t("confirm.skip")]);
  if (c.to_send) lines.push(["", t("confirm.time." + c.rate_source, { time: duration(c.seconds), rate: rateText(c.rate) })]);
  $("confirm-text").replaceChildren(...lines.map(([kind, words]) => Object.assign(document.createElement("p"), { textContent: words, className: kind })));
  $("confirm-api").textContent = state.status.sandbox ? t("confirm.api.sandbox") : t("confirm.api.live", { api: state.status.api });
  $("confirm-go").disabled = Boolean(c.sending);  // refused until that run ends: nothing to press
}

function count(what, n) {
  return t("count." + what, { n });
}

function when(iso) {
  return iso.replace("T", " ").slice(0, 19);  // the server's time, as the server's messages write it
}

async function startRun() {
  showError(null);
  const choices = runChoices();
  try {
    $("run-result").hidden = true;
    watch(await post(`/api/uploads/${state.upload.id}/runs`, choices), runPanel);
  } catch (error) {
    showError(error);
  }
}

async function stop(panelName) {
  const watcher = state.watching[panelName];
  if (!watcher || !watcher.last) return;
  try {
    watcher.show(await post(`/api/runs/${watcher.last.id}/stop`));
  } catch (error) {
    showError(error);
  }
}

// --- 5. earlier runs -------------------------------------------------------------------------------

async function refreshHistory() {
  try {
    state.runs = await api("/api/runs");
  } catch (error) {
    showError(error);
  }
  showHistory();
}

function showHistory() {
  const runs = state.runs;
  $("history-empty").hidden = runs.length > 0;
  $("history").hidden = runs.length === 0;
  $("history").tBodies[0].replaceChildren(...runs.map((r) => {
    const tr = document.createElement("tr");
    const files = document.createElement("span");
    files.className = "files";
    files.append(...fileLinks(r));
    if (r.running) files.append(historyButton("history.show", () => showRun(r)), historyButton("history.stop", () => stopRun(r)));
    const state = document.createElement("span");
    state.append(text(t("run.state." + r.state)));
    if (r.state === "interrupted") state.append(text(t("run.interrupted"), "muted note"));  // a crash: say what is known
    for (const content of [text(when(r.started_at)), text(r.name), text(t("kind." + r.kind)),
      state, text(countsText(r.counts)), files]) {
      const td = document.createElement("td");
      td.append(content);
      tr.append(td);
    }
    return tr;
  }));
}

function historyButton(key, action) {
  const button = Object.assign(document.createElement("button"), { type: "button", className: "secondary small", textContent: t(key) });
  button.addEventListener("click", action);
  return button;
}

async function showRun(record) {
  // Open the sheet of a run that is going (started in another tab, or before a reload), and watch it.
  try {
    useUpload(await api(`/api/uploads/${record.upload}`));
  } catch (error) {
    showError(error);
  }
}

async function stopRun(record) {
  try {
    await post(`/api/runs/${record.id}/stop`);
    refreshHistory();
  } catch (error) {
    showError(error);
  }
}

// --- start ---------------------------------------------------------------------------------------

async function start() {
  state.lang = pickLanguage();
  state.tables.check = new PagedTable("check-table", "check-filter", () => state.upload && `/api/uploads/${state.upload.id}/rows`, "result", resultCells);
  state.tables.plan = new PagedTable("plan-table", "plan-filter", () => state.tables.plan.runId && `/api/runs/${state.tables.plan.runId}/rows`, "kind", planCells);
  state.tables.run = new PagedTable("run-table", "run-filter", () => state.tables.run.runId && `/api/runs/${state.tables.run.runId}/rows`, "result", resultCells);
  $("lang").addEventListener("click", () => { state.lang = state.lang === "zh" ? "en" : "zh"; localStorage.setItem("lang", state.lang); translate(); });
  $("file").addEventListener("change", () => $("file").files[0] && sendFile($("file").files[0]));
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); if (e.dataTransfer.files[0]) sendFile(e.dataTransfer.files[0]); });
  $("link-form").addEventListener("submit", sendLink);
  $("recheck").addEventListener("click", recheck);
  $("kept-forget").addEventListener("click", forgetKept);
  $("sheet").addEventListener("change", recheck);
  $("plan-start").addEventListener("click", startPlan);
  $("plan-stop").addEventListener("click", () => stop("plan"));
  $("run-form").addEventListener("submit", askToRun);
  $("confirm").addEventListener("close", () => { if ($("confirm").returnValue === "go") startRun(); });
  $("run-stop").addEventListener("click", () => stop("run"));
  try {
    state.status = await api("/api/status");
  } catch (error) {
    showError(error);
    return;
  }
  translate();
  showDemoLinks();
  await refreshHistory();
  const saved = localStorage.getItem("upload");
  if (saved) {
    try {
      useUpload(await api(`/api/uploads/${saved}`));
    } catch {
      localStorage.removeItem("upload");
    }
  }
  document.body.dataset.ready = "yes";
}

document.addEventListener("DOMContentLoaded", start);
