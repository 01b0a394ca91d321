// The console's page: plain ES modules, no build step. Every value from the server is put in the
// page as text (textContent), never as HTML. One module per step; a step is added here, once.
import { api, showError } from "./api.js";
import * as check from "./check.js";
import * as exporting from "./export.js";
import * as history from "./history.js";
import * as mapping from "./mapping.js";
import * as plan from "./plan.js";
import * as run from "./run.js";
import { $, element, emit, state } from "./state.js";
import { renderTables } from "./table.js";
import * as upload from "./upload.js";
import * as watch from "./watch.js";
import { pickLanguage, t, translateStatic } from "./words.js";

const STEPS = [exporting, upload, mapping, check, plan, run, history];

function showStatus(status) {
  $("api").textContent = status.sandbox ? t("api.sandbox") : t("api.live", { api: status.api });
  $("api").className = "badge " + (status.sandbox ? "sandbox" : "live");
  $("creds").replaceChildren(...["user_token", "helpdesk", "app", "refresh"].map((name) => {
    const set = status.credentials[name];
    return element("span", { className: "chip " + (set ? "yes" : "no"), textContent: t(set ? "cred.set" : "cred.missing", { name: t("cred." + name) }) });
  }));
}

function translate() {
  translateStatic();
  $("lang").textContent = t("lang.switch");
  $("lang").lang = state.lang === "zh" ? "en" : "zh-CN";
  if (state.status) showStatus(state.status);
  for (const step of STEPS) if (step.render) step.render();
  renderTables();
}

async function start() {
  state.lang = pickLanguage();
  translateStatic();
  watch.init();
  for (const step of STEPS) step.init();
  $("lang").addEventListener("click", () => {
    state.lang = state.lang === "zh" ? "en" : "zh";
    localStorage.setItem("lang", state.lang);
    translate();
  });
  try {
    [state.status] = await Promise.all([api("/api/status"), mapping.loadTargets()]);
  } catch (error) {
    showError(error);
    return;
  }
  translate();
  emit("status", state.status);
  await history.refresh();
  const saved = localStorage.getItem("upload");
  if (saved) {
    try {
      await upload.openUpload(saved);
    } catch {
      localStorage.removeItem("upload");
    }
  }
  document.body.dataset.ready = "yes";
}

document.addEventListener("DOMContentLoaded", start);
