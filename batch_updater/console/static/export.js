// The Export step (before step 1): the tickets the page's filters select, exported by the server
// as `batch-updater export` does, offered as a workbook to download, or taken as the sheet in use
// (then checked, mapped, planned and run as any upload).
import { post, showError } from "./api.js";
import { $, announce, element, state } from "./state.js";
import { arriving, useUpload } from "./upload.js";
import { count, t } from "./words.js";

const DATES = ["created-since", "created-before", "updated-since", "updated-before"];
let last = null;  // the latest export: what the page shows of it

export function init() {
  $("export-form").addEventListener("submit", exportTickets);
  $("export-use").addEventListener("click", useExport);
}

function codes(name) {
  const target = state.targets.find((tg) => tg.name === name);
  return (target && target.codes) || [];
}

function codeWords(code) {
  return (state.lang === "zh" ? code.zh : code.en) || code.en || "";
}

export function render() {
  // The status boxes and the solved list, in the page's language (the server's list of codes).
  const ticked = new Set([...document.querySelectorAll("#export-statuses input:checked")].map((box) => box.value));
  const legend = $("export-statuses").querySelector("legend");
  // 52, closed by the user: a ticket may have it (a filter may ask for it), though no update sets it
  const statuses = [...codes("status"), { code: 52, en: t("export.status52"), zh: t("export.status52") }];
  $("export-statuses").replaceChildren(legend, ...statuses.map((code) => {
    const box = element("input", { type: "checkbox", name: "export-status", value: String(code.code), checked: ticked.has(String(code.code)) });
    return element("label", { className: "choice" }, box, ` ${code.code} ${codeWords(code)}`);
  }));
  const solved = $("export-solved").value;
  $("export-solved").replaceChildren(new Option(t("export.any"), ""),
    ...codes("solved").map((code) => new Option(`${code.code} ${codeWords(code)}`, String(code.code), false, String(code.code) === solved)));
  if (last) showResult(last);
}

function filters() {
  const given = {
    status: [...document.querySelectorAll("#export-statuses input:checked")].map((box) => box.value),
    tag: $("export-tag").value.trim(), agent: $("export-agent").value.trim(),
    channel: $("export-channel").value.trim(), solved: $("export-solved").value,
  };
  for (const name of DATES) given[name] = $("export-" + name).value;
  return Object.fromEntries(Object.entries(given).filter(([, v]) => v && v.length));
}

async function exportTickets(event) {
  event.preventDefault();
  showError(null);
  $("export-go").disabled = true;
  $("export-busy").hidden = false;
  try {
    last = await post("/api/exports", { filters: filters() });
    showResult(last);
    announce(t("export.announce", { tickets: count("tickets", last.tickets) }));
  } catch (error) {
    showError(error);
  } finally {
    $("export-go").disabled = false;
    $("export-busy").hidden = true;
  }
}

function showResult(found) {
  $("export-result").hidden = false;
  $("export-counts").textContent = t("export.done", { tickets: count("tickets", found.tickets), seconds: found.elapsed,
    requests: t("export.requests", { n: found.requests }) });
  $("export-selected").textContent = t("export.selected", { filters: found.selected || t("export.every") });
  $("export-warnings").replaceChildren(...[...(found.complete ? [] : [t("export.incomplete")]), ...found.warnings]
    .map((words) => element("li", { textContent: words })));
  $("export-file").href = `/api/exports/${found.id}/file`;
  $("export-file").textContent = t("export.file", { name: found.name });
}

function useExport() {
  // As if the workbook were uploaded: Run and Plan wait for it, a failure leaves the sheet in use.
  if (!last) return undefined;
  const id = last.id;
  return arriving(async () => {
    useUpload(await post(`/api/exports/${id}/use`));
    $("sheet-info").scrollIntoView({ block: "start" });
  });
}
