// Step 5: the plans and runs of this server, each opened in the page (rows, counts, messages,
// downloads), a running one stoppable; and the banner at the top while a run is going, which
// jumps to it. The list is asked for again every few seconds while the page is shown, so a run
// started in another tab shows here too.
import { api, post, showError } from "./api.js";
import { fileLinks } from "./run.js";
import { $, element, emit, on, state } from "./state.js";
import { text } from "./table.js";
import { openUpload } from "./upload.js";
import { open } from "./watch.js";
import { countsText, t, when } from "./words.js";

const EVERY_MS = 4000;

export async function refresh() {
  try {
    state.runs = await api("/api/runs");
  } catch (error) {
    showError(error);
  }
  render();
}

function which(r) {
  return t("history.which", { kind: t("kind." + r.kind), name: r.name, when: when(r.started_at) });
}

function button(key, r, action) {
  const b = element("button", { type: "button", className: "secondary small", textContent: t(key) });
  b.setAttribute("aria-label", `${t(key)}: ${which(r)}`);
  b.addEventListener("click", action);
  return b;
}

export async function show(record) {
  // Open the sheet of a plan or run, and the plan or run itself in its panel, then go there.
  showError(null);
  if (!state.upload || state.upload.id !== record.upload) {
    try {
      await openUpload(record.upload);
    } catch {
      // its sheet is gone: the plan or run opens all the same
    }
  }
  try {
    await open(record);
  } catch (error) {
    showError(error);
  }
  $(record.kind === "plan" ? "step-plan" : "step-run").scrollIntoView({ block: "start" });
}

async function stop(record) {
  try {
    await post(`/api/runs/${record.id}/stop`);
    refresh();
  } catch (error) {
    showError(error);
  }
}

export function render() {
  const runs = state.runs;
  $("history-empty").hidden = runs.length > 0;
  $("history").hidden = runs.length === 0;
  $("history").tBodies[0].replaceChildren(...runs.map((r) => {
    const files = element("span", { className: "files" }, ...fileLinks(r));
    files.prepend(button("history.open", r, () => show(r)));
    if (r.running) files.append(button("history.stop", r, () => stop(r)));
    const where = element("span", {}, text(t("run.state." + r.state)));
    if (r.state === "interrupted") where.append(text(t("run.interrupted"), "muted note"));  // a crash: what is known
    else if (["failed", "refused"].includes(r.state) && r.message) where.append(text(r.message, "note why"));  // why
    const cells = [text(when(r.started_at)), text(r.name), text(t("kind." + r.kind)), where, text(countsText(r.counts)), files];
    const heads = ["col.when", "col.sheet", "col.kind", "col.state", "col.counts", "col.files"];
    return element("tr", {}, ...cells.map((content, i) => {
      const td = element("td", {}, content);
      td.dataset.label = t(heads[i]);
      return td;
    }));
  }));
  banner();
}

function banner() {
  // A run going (from this tab or another): said at the top, with a button that jumps to it.
  const going = state.runs.find((r) => r.running && r.kind === "run") || state.runs.find((r) => r.running);
  const box = $("banner");
  box.hidden = !going;
  if (!going) return;
  const watched = Object.values(state.watching).find((w) => w.last && w.last.id === going.id);
  const live = watched ? watched.last : going;
  $("banner-text").textContent = t(going.kind === "plan" ? "banner.plan" : "banner.run",
    { name: going.name, done: live.done, total: live.total });
  $("banner-go").onclick = () => show(going);
}

export function init() {
  on("ended", refresh);
  on("refresh-runs", refresh);
  on("started", refresh);
  on("progress", banner);
  setInterval(() => { if (document.visibilityState === "visible") refresh(); }, EVERY_MS);
  emit("history-ready");
}
