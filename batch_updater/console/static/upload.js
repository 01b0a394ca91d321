// Step 1: the sheet. Upload a file (or paste a link), reopen one the console keeps, and what the
// check read: the sheet, the encoding, the choices kept from the last upload of the same name, and
// why it cannot be read as it is. A failed upload leaves the sheet in use as it was.
import { api, post, showError } from "./api.js";
import { $, element, emit, on, state } from "./state.js";
import { t, when } from "./words.js";

export function init() {
  $("file").addEventListener("change", () => $("file").files[0] && sendFile($("file").files[0]));
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); if (e.dataTransfer.files[0]) sendFile(e.dataTransfer.files[0]); });
  $("link-form").addEventListener("submit", sendLink);
  $("kept-forget").addEventListener("click", forgetKept);
  $("sheet").addEventListener("change", () => recheck({ sheet: $("sheet").value || null }));
  $("encoding").addEventListener("change", () => recheck({ encoding: $("encoding").value }));
  $("sheets-box").addEventListener("toggle", () => { if ($("sheets-box").open) listSheets(); });
  on("status", showDemoLinks);
}

export function render() {
  if (state.upload) showUpload(state.upload);
  if ($("sheets-box").open) listSheets();
}

export async function arriving(work) {
  // Run and Plan wait while a file is on its way (its check would replace the sheet they would send).
  showError(null);
  state.uploading++;
  $("uploading").hidden = false;
  emit("uploading");
  try {
    await work();
  } catch (error) {
    // the sheet in use stays as it was, and the message says so
    const still = state.upload ? " " + t("upload.still", { name: state.upload.link || state.upload.name }) : "";
    showError(new Error((error.message || String(error)) + still));
  } finally {
    state.uploading--;
    $("uploading").hidden = state.uploading === 0;
    emit("uploading");
  }
}

function sendFile(file) {
  const form = new FormData();
  form.append("file", file, file.name);
  return arriving(async () => {
    try {
      useUpload(await api("/api/uploads", { method: "POST", body: form }));
    } finally {
      $("file").value = "";
    }
  });
}

function sendLink(event) {
  event.preventDefault();
  const link = $("link").value.trim();
  if (!link) return undefined;
  return arriving(async () => useUpload(await post("/api/links", { link })));
}

function showDemoLinks() {
  const demo = (state.status && state.status.demo_links) || {};
  $("demo-links").hidden = !demo.base;
  $("demo-base").onclick = () => { $("link").value = demo.base || ""; };
  $("demo-sheet").onclick = () => { $("link").value = demo.sheet || ""; };
}

export function useUpload(upload) {
  const another = !state.upload || state.upload.id !== upload.id;
  state.upload = upload;
  localStorage.setItem("upload", upload.id);
  showUpload(upload);
  emit("upload", { upload, another });
  document.body.dataset.shown = String(Number(document.body.dataset.shown || 0) + 1);  // sheets shown (for tests)
}

export async function openUpload(id) {
  // A sheet the console keeps, by id (after a reload, from the list of sheets, or a run's).
  useUpload(await api(`/api/uploads/${id}`));
}

export async function recheck(choices) {
  showError(null);
  try {
    useUpload(await post(`/api/uploads/${state.upload.id}/check`, choices));
  } catch (error) {
    showError(error);
  }
}

function showUpload(u) {
  $("sheet-info").hidden = false;
  $("file-name").textContent = u.link || u.name;
  $("source").textContent = u.source;
  $("checked-at").textContent = t("upload.checked", { when: when(u.checked_at) });
  $("sheet").replaceChildren(...u.sheets.map((name) => new Option(name, name, false, name === u.sheet)));
  $("sheet-pick").hidden = u.sheets.length < 2;
  showKept(u);
  $("problem").hidden = !u.problem;
  $("problem").textContent = u.problem ? t(u.no_ticket_id ? "upload.problem.id" : u.text ? "upload.problem.encoding" : "upload.problem", { text: u.problem }) : "";
  $("encoding-pick").hidden = !u.text || (!u.problem && !u.encoding);
  $("encoding").replaceChildren(new Option(t("upload.encoding.auto"), ""),
    ...u.encodings.map((name) => new Option(name, name, false, name === u.encoding)));
  $("warnings").replaceChildren(...u.warnings.map((words) => element("li", { textContent: words })));
}

function showKept(u) {
  // The choices an earlier upload of this name had (or a job file gave), used again: its rows stay the same job's rows.
  const kept = u.kept;
  $("kept").hidden = !kept;
  if (!kept) return;
  const what = [...Object.entries(kept.renames || {}).map(([header, field]) => t("upload.kept.column", { header, field })),
    ...Object.entries(kept.values || {}).map(([header, map]) => t("upload.kept.values", { header, n: Object.keys(map).length })),
    ...(kept.sheet ? [t("upload.kept.sheet", { sheet: kept.sheet })] : []),
    ...(kept.encoding ? [t("upload.kept.encoding", { encoding: kept.encoding })] : [])];
  const none = what.length ? what.join(t("list.sep")) : t("upload.kept.none");
  $("kept-text").textContent = u.kept_from ? t("upload.kept.file", { file: u.kept_from, what: none }) : t("upload.kept", { what: none });
}

async function forgetKept() {
  await recheck({ renames: {}, sheet: "", encoding: "", values: {} });
}

async function listSheets() {
  try {
    const sheets = await api("/api/uploads");
    $("sheets-list").replaceChildren(...sheets.map((s) => {
      const open = element("button", { type: "button", className: "secondary small", textContent: t("sheets.open") });
      open.setAttribute("aria-label", t("sheets.open.which", { name: s.name, when: when(s.checked_at) }));
      open.addEventListener("click", async () => {
        showError(null);
        try { await openUpload(s.id); } catch (error) { showError(error); }
      });
      const current = state.upload && state.upload.id === s.id;
      return element("li", {}, element("span", { textContent: s.name, className: current ? "current" : "" }), " ",
        element("span", { className: "muted", textContent: when(s.checked_at) }), " ", open);
    }));
    $("sheets-empty").hidden = sheets.length > 0;
  } catch (error) {
    showError(error);
  }
}
