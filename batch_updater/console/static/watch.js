// A plan or a run, shown in its panel: watched through the server's event stream while it goes,
// its rows, counts, messages and downloads once it has ended (also after a reload, or opened
// from the list of earlier runs).
import { api } from "./api.js";
import { announce, emit, on, state } from "./state.js";
import { t } from "./words.js";

const panels = {};
const said = { id: "", state: "", tenth: -1 };

function say(s) {
  // The live region: each state a plan or run reaches, and every tenth of the way.
  const tenth = s.total ? Math.floor((s.done / s.total) * 10) : 0;
  if (s.id === said.id && s.state === said.state && tenth === said.tenth && s.running) return;
  Object.assign(said, { id: s.id, state: s.state, tenth });
  const where = t(s.reading || s.kind === "plan" ? "announce.read" : "announce.done", { done: s.done, total: s.total });
  const now = s.stop_pressed && s.running ? t("run.stopping") : t("run.state." + s.state);
  announce(t("announce", { which: t("announce.which", { kind: t("kind." + s.kind), name: s.name }), now, where }));
}

export function addPanel(panel) {
  panels[panel.name] = panel;
}

export function watch(record, panelName) {
  const panel = panels[panelName];
  const old = state.watching[panelName];
  if (old && old.source) old.source.close();
  const watcher = { last: record, source: null };
  state.watching[panelName] = watcher;
  panel.show(record);
  if (!record.running) { panel.done(record); return; }
  emit("started", record);
  const source = new EventSource(`/api/runs/${record.id}/events`);
  watcher.source = source;
  source.onmessage = (event) => {
    const snapshot = JSON.parse(event.data);
    if (state.watching[panelName] !== watcher) { source.close(); return; }
    watcher.last = snapshot;
    panel.show(snapshot);
    say(snapshot);
    emit("progress", snapshot);
    if (!snapshot.running) {
      source.close();
      panel.done(snapshot);
      emit("ended", snapshot);
    }
  };
}

export function unwatch(panelName) {
  const watcher = state.watching[panelName];
  if (watcher && watcher.source) watcher.source.close();
  delete state.watching[panelName];
  panels[panelName].clear();
}

export function rerender() {
  for (const [name, watcher] of Object.entries(state.watching)) if (watcher.last) panels[name].show(watcher.last, true);
}

export async function open(record) {
  // A plan or run from the list: shown in its panel, as it is now.
  watch(record.running ? await api(`/api/runs/${record.id}`) : record, record.kind === "plan" ? "plan" : "run");
}

export function init() {
  on("upload", ({ upload, another }) => {
    // Another sheet: its own latest plan and run, if any (running or ended), else empty panels.
    if (!another) return;
    for (const name of Object.keys(panels)) {
      const latest = state.runs.find((r) => r.upload === upload.id && (r.kind === "plan" ? "plan" : "run") === name);
      if (latest) open(latest).catch(() => unwatch(name)); else unwatch(name);
    }
  });
}
