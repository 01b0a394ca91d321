// Step 4: Run, with the options that matter, after the server's confirmation (confirm.js); its
// progress while it goes (figures, a chart with its text alternative, said in a live region),
// then its rows, counts, messages and downloads.
import { post, showError } from "./api.js";
import { drawChart } from "./chart.js";
import { RESULT_HEAD, resultCells } from "./check.js";
import { askToRun } from "./confirm.js";
import { $, element, on, state } from "./state.js";
import { PagedTable } from "./table.js";
import { addPanel, watch } from "./watch.js";
import { countsText, duration, rateText, t, when } from "./words.js";

export function runChoices() {
  const fixed = document.querySelector("input[name=rate-kind]:checked").value === "fixed";
  return { rate: fixed ? $("rate-value").value : "auto", skip_unchanged: $("opt-skip").checked,
    undo: $("opt-undo").checked, retry_comments: $("opt-retry").checked };
}

function liveRate(s) {
  // The budget's rate when the run has it alone; its own, and the budget's said as shared, when
  // other jobs pace on the same budget (the budget's rate alone would count their requests too).
  if (!s.running) return "–";
  if (!s.shared_with || s.own_rate === null || s.own_rate === undefined) return rateText(s.rate);
  return t("stat.rate.shared", { own: rateText(s.own_rate), rate: rateText(s.rate), n: s.shared_with });
}

function stats(s) {
  const c = s.live_counts || {};
  const left = s.running && s.seconds_left !== null ? duration(s.seconds_left) : "–";
  if (s.reading) return [["stat.read", `${s.done} / ${s.total}`], ["stat.rate", liveRate(s)], ["stat.left.read", left]];
  return [["stat.done", `${s.done} / ${s.total}`], ["stat.ok", c.ok || 0], ["stat.failed", c.failed || 0],
    ["stat.unknown", c.unknown || 0], ["stat.rate", liveRate(s)],
    ["stat.throttles", `${s.pauses} (${s.throttles})`], ["stat.left", left]];
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

export function fileLinks(record) {
  return record.files.map((kind) => {
    const link = element("a", { href: `/api/runs/${record.id}/files/${kind}`, textContent: t("files." + kind), className: "file", download: "" });
    link.setAttribute("aria-label", t("files.which", { file: t("files." + kind), kind: t("kind." + record.kind), name: record.name, when: when(record.started_at) }));
    return link;
  });
}

function ended(s) {
  const settled = s.settled ? settledText(s) : "";
  const resumed = s.resumed ? t("run.resumed", { n: s.resumed }) : "";
  const stopped = s.state === "stopped" ? t("run.stopped") : "";
  const failed = ["refused", "failed", "interrupted"].includes(s.state) ? t("run.state." + s.state) : "";
  $("run-message").textContent = [failed, stopped, s.message, resumed, settled].filter(Boolean).join(" · ");
  $("run-counts").textContent = countsText(s.counts);
  $("run-which").textContent = t("run.which", { name: s.name, when: when(s.started_at) });
  $("run-files").replaceChildren(...fileLinks(s));
}

const panel = {
  name: "run",
  show(s) {
    $("step-run").hidden = false;
    $("run-live").hidden = !s.running && !s.series.length;
    $("run-state").textContent = `${s.name} · ` + (s.stop_pressed && s.running ? t("run.stopping") : t("run.state." + s.state));
    $("run-stop").hidden = !s.running;
    $("run-warnings").replaceChildren(...(s.warnings || []).map((w) => element("li", { textContent: w })));
    $("run-progress").max = Math.max(1, s.total);
    $("run-progress").value = s.done;
    $("run-stats").replaceChildren(...stats(s).flatMap(([key, value]) => [
      element("dt", { textContent: t(key) }), element("dd", { textContent: String(value), id: "stat-" + key.slice(5).replace(".read", "") })]));
    $("chart-legend-rows").textContent = t(s.reading ? "chart.read" : "chart.rows");
    drawChart($("chart"), s.series, s.reading);
    if (!s.running) ended(s);
    buttons();
  },
  done(s) {
    $("run-result").hidden = false;
    ended(s);
    state.tables.run.runId = s.has_rows === false ? null : s.id;
    $("run-rows").hidden = !state.tables.run.runId;
    if (state.tables.run.runId) state.tables.run.load(1); else state.tables.run.clear();
    buttons();
  },
  clear() {
    for (const id of ["run-live", "run-result"]) $(id).hidden = true;
    state.tables.run.runId = null;
    state.tables.run.clear();
    buttons();
  },
};

function buttons() {
  const u = state.upload;
  const c = state.status ? state.status.credentials : {};
  const watcher = state.watching.run;
  const running = Boolean(watcher && watcher.last && watcher.last.running);
  const sendable = Boolean(u && !u.problem && (u.counts.valid || 0) > 0);
  $("run-start").disabled = running || !sendable || !c.can_run || state.uploading > 0;
  $("run-why").textContent = !c.can_run ? t("run.needs") : state.uploading > 0 ? t("upload.wait")
    : (u && !u.problem && !sendable) ? t("run.nothing") : (c.app ? "" : t("run.needs.app"));
  for (const id of ["opt-skip", "opt-undo"]) {
    $(id).disabled = !c.app;
    if (!c.app) $(id).checked = false;
  }
  $("step-run").hidden = (!u || Boolean(u.problem)) && !watcher;
}

async function startRun() {
  showError(null);
  try {
    $("run-result").hidden = true;
    watch(await post(`/api/uploads/${state.upload.id}/runs`, runChoices()), "run");
  } catch (error) {
    showError(error);
  }
}

async function stop() {
  const watcher = state.watching.run;
  if (!watcher || !watcher.last) return;
  try {
    panel.show(await post(`/api/runs/${watcher.last.id}/stop`));
  } catch (error) {
    showError(error);
  }
}

function fillForm(run) {
  // A job file's Run options, loaded on the page.
  if (!run) return;
  if (run.rate && run.rate !== "auto") {
    document.querySelector("input[name=rate-kind][value=fixed]").checked = true;
    $("rate-value").value = run.rate;
  }
  if (run.retry_comments !== undefined) $("opt-retry").checked = Boolean(run.retry_comments);
}

export function showRun(snapshot) {
  // The run panel as it shows a snapshot (the server pushes them; a test gives one).
  panel.show(snapshot);
}

export function init() {
  addPanel(panel);
  state.runOptions = runChoices;
  state.tables.run = new PagedTable("run", $("run-rows"), {
    url: () => state.tables.run.runId && `/api/runs/${state.tables.run.runId}/rows`,
    key: "result", head: RESULT_HEAD, cells: resultCells });
  $("run-form").addEventListener("submit", askToRun);
  $("confirm").addEventListener("close", () => { if ($("confirm").returnValue === "go") startRun(); });
  $("run-stop").addEventListener("click", stop);
  for (const event of ["status", "upload", "uploading"]) on(event, buttons);
  on("job-run", fillForm);
}

export function render() {
  buttons();
  const watcher = state.watching.run;
  if (watcher && watcher.last) panel.show(watcher.last);
}
