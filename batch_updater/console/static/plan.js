// Step 3: the plan: each ticket read, its values now beside the new ones.
import { post, showError } from "./api.js";
import { $, element, on, state } from "./state.js";
import { PagedTable, text } from "./table.js";
import { addPanel, watch } from "./watch.js";
import { countsText, label, t, when } from "./words.js";

function named(field, which) {  // a status or solved code with its name: "2 处理中"
  const value = field[which] || "∅";
  const names = field.names && field.names[which];
  return names ? `${value} ${names[state.lang] || names.en}` : value;
}

function fieldTitle(name) {
  // A field as the page's language names it: "状态（status）" on a Chinese page, "status" on an
  // English one; a helpdesk custom field by its display name (the targets, mapping.js, name them).
  const target = (state.targets || []).find((tg) => tg.name === name);
  if (target && target.kind === "custom-field") return target.zh || target.en || name;
  if (state.lang === "zh" && target && target.zh && target.zh !== name) return t("plan.field.zh", { zh: target.zh, name });
  return name;
}

function planCells(row) {
  const fields = element("div");
  for (const f of row.fields) {
    const title = text(t("plan.field", { name: fieldTitle(f.name) }), "field");
    fields.append(f.changed
      ? element("div", { className: "changed" }, title, text(named(f, "now"), "old"), text(" → "), text(named(f, "new"), "new"))
      : element("div", { className: "same" }, title, text(t("plan.same", { value: named(f, "now") }))));
  }
  if (row.comment !== null && row.comment !== undefined) fields.append(element("div", { className: "changed", textContent: t("plan.comment", { text: row.comment }) }));
  if (row.msg) fields.append(text(row.msg, "muted"));
  return [text(row.row), text(row.ticket), text(label(row.kind), "tag " + row.kind), fields];
}

function ended(s) {
  // The words of an ended plan: why it failed or stopped, its counts, which plan it is.
  const stopped = s.state === "stopped" ? t("plan.stopped") : "";
  const failed = ["refused", "failed", "interrupted"].includes(s.state) ? t("run.state." + s.state) : "";
  $("plan-counts").textContent = [failed, s.message, stopped, countsText(s.counts)].filter(Boolean).join(" · ");
  $("plan-which").textContent = t("plan.which", { name: s.name, when: when(s.started_at) });
}

const panel = {
  name: "plan",
  show(s) {
    $("step-plan").hidden = false;
    $("plan-live").hidden = !s.running;
    $("plan-progress").max = Math.max(1, s.total);
    $("plan-progress").value = s.done;
    $("plan-status").textContent = s.running ? t("plan.reading", { done: s.done, total: s.total }) : "";
    if (!s.running) ended(s);
    buttons();
  },
  done(s) {
    $("plan-live").hidden = true;
    $("plan-result").hidden = false;
    ended(s);
    state.tables.plan.runId = s.has_rows === false ? null : s.id;
    if (state.tables.plan.runId) state.tables.plan.load(1); else state.tables.plan.clear();
    $("plan-rows").hidden = !state.tables.plan.runId;
    buttons();
  },
  clear() {
    $("plan-live").hidden = true;
    $("plan-result").hidden = true;
    state.tables.plan.runId = null;
    state.tables.plan.clear();
    buttons();
  },
};

function buttons() {
  const u = state.upload;
  const c = state.status ? state.status.credentials : {};
  const watcher = state.watching.plan;
  const running = Boolean(watcher && watcher.last && watcher.last.running);
  const sendable = Boolean(u && !u.problem && (u.counts.valid || 0) > 0);
  $("plan-start").disabled = running || !sendable || !c.can_plan || state.uploading > 0;
  $("plan-why").textContent = !c.can_plan ? t("plan.needs") : state.uploading > 0 ? t("upload.wait") : "";
  if (!u || u.problem) $("step-plan").hidden = !watcher;
  else $("step-plan").hidden = false;
}

async function startPlan() {
  showError(null);
  try {
    watch(await post(`/api/uploads/${state.upload.id}/plan`), "plan");
  } catch (error) {
    showError(error);
  }
}

async function stop() {
  const watcher = state.watching.plan;
  if (!watcher || !watcher.last) return;
  try {
    panel.show(await post(`/api/runs/${watcher.last.id}/stop`));
  } catch (error) {
    showError(error);
  }
}

export function init() {
  addPanel(panel);
  state.tables.plan = new PagedTable("plan", $("plan-rows"), {
    url: () => state.tables.plan.runId && `/api/runs/${state.tables.plan.runId}/rows`,
    key: "kind", head: ["col.row", "col.ticket", "col.plan", "col.fields"], cells: planCells });
  $("plan-start").addEventListener("click", startPlan);
  $("plan-stop").addEventListener("click", stop);
  for (const event of ["status", "upload", "uploading"]) on(event, buttons);
}

export function render() {
  buttons();
  const watcher = state.watching.plan;
  if (watcher && watcher.last) panel.show(watcher.last);
}
