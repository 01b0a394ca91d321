// Step 1, the mapping: every column of the sheet with its first values, the field it is sent as
// (by its Chinese and English name, a custom field by its display name or by id; the list is the
// server's), and a value map per column (`已完成` -> 51) that fixes a whole column at once. The
// choices are kept for the next upload of the same name (on the server), and go to and come from a
// job file.
import { api, post, showError } from "./api.js";
import { useUpload } from "./upload.js";
import { $, element, emit, on, state } from "./state.js";
import { t } from "./words.js";

const CUSTOM = "custom:";

export function init() {
  $("recheck").addEventListener("click", recheck);
  $("job-load").addEventListener("change", loadJob);
  $("job-save").addEventListener("click", () => { $("job-save").href = jobUrl(); });
  on("upload", () => render());
}

export async function loadTargets() {
  state.targets = await api("/api/targets");
}

function targetName(target) {
  // A field by its Chinese and English names, the page's language first, and the tool's own name
  // where the English one is not it: "状态 · status", "tags (tag_names) · 标签".
  if (target.kind === "custom-id") return (state.lang === "zh" ? target.zh : target.en) || target.name;
  if (target.kind === "custom-field") return t("map.custom.field", { name: target.zh || target.en });  // the helpdesk's own
  const en = !target.en || target.en === target.name ? target.name : t("map.target", { own: target.en, name: target.name });
  const zh = target.zh && target.zh !== target.name ? target.zh : "";
  return (state.lang === "zh" ? [zh, en] : [en, zh]).filter(Boolean).join(" · ");
}

function codeName(code) {
  const words = state.lang === "zh" ? code.zh : code.en;
  return words ? `${code.code} ${words}` : String(code.code);
}

function rows(u) {
  // [header, role] for each column to show: the sheet's header (or, without a ticket id column, its names)
  if (u.columns && u.columns.length) return u.columns.filter((c) => c.header.trim()).map((c) => [c.header, c.role]);
  return (u.unknown || []).map((h) => [h, u.renames[h] || null]);
}

export function render() {
  const u = state.upload;
  const shown = u ? rows(u) : [];
  $("mapping").hidden = !u || shown.length === 0;
  if (!u) return;
  const samples = Object.fromEntries((u.samples || []).map((s) => [s.header, s]));
  $("mapping-rows").replaceChildren(...shown.map(([header, role]) => mappingRow(u, header, role, samples[header])));
  $("recheck").hidden = shown.length === 0;
}

function targetOf(role) {
  return state.targets.find((target) => target.name === role);
}

function mappingRow(u, header, role, sample) {
  const tr = element("tr");
  tr.dataset.header = header;
  const chosen = Object.prototype.hasOwnProperty.call(u.renames, header);
  const name = element("th", { scope: "row" }, element("span", { textContent: header }));
  if (role && !chosen) name.append(element("span", { className: "note muted", textContent: t("map.recognised") }));
  if (chosen) name.append(element("span", { className: "note", textContent: t("map.chosen") }));

  const values = element("td", { className: "samples" });
  const list = sample ? sample.samples : [];
  for (const s of list.slice(0, 6)) {
    const chip = element("span", { className: "sample" + (s.problem ? " bad" : ""), textContent: s.mapped != null ? `${s.value} → ${s.mapped}` : s.value });
    chip.title = s.problem || t("map.rows", { n: s.n });
    values.append(chip);
  }
  if (list.length > 6 || (sample && sample.more)) values.append(element("span", { className: "muted", textContent: t("map.more") }));
  if (!list.length) values.append(element("span", { className: "muted", textContent: u.problem ? "" : t("map.empty") }));

  const select = element("select", { className: "target" });
  select.dataset.header = header;
  select.setAttribute("aria-label", t("map.field.label", { header }));
  select.append(new Option(t("upload.notsent"), ""));
  const isCustomId = typeof role === "string" && role.startsWith(CUSTOM) && !targetOf(role);
  for (const target of state.targets) {
    select.append(new Option(targetName(target), target.name, false, isCustomId ? target.name === CUSTOM : target.name === role));
  }
  const idBox = element("input", { type: "text", className: "custom-id", inputMode: "numeric", size: 20, autocomplete: "off",
    value: isCustomId ? role.slice(CUSTOM.length) : "", placeholder: t("map.custom.hint") });
  idBox.setAttribute("aria-label", t("map.custom.label", { header }));
  idBox.hidden = select.value !== CUSTOM;
  select.addEventListener("change", () => { idBox.hidden = select.value !== CUSTOM; });
  const field = element("td", {}, select, idBox);

  const map = element("td", {}, valueMap(u, header, role, list));
  tr.append(name, values, field, map);
  tr.children[1].dataset.label = t("map.col.samples");
  tr.children[2].dataset.label = t("map.col.field");
  tr.children[3].dataset.label = t("map.col.values");
  return tr;
}

function valueMap(u, header, role, list) {
  // One line per distinct value of the column: what to send instead (a code field: its codes by name).
  const whole = list.filter((s) => s.whole).sort((a, b) => Boolean(b.problem) - Boolean(a.problem));  // the wrong ones first
  if (!whole.length) return element("span", { className: "muted", textContent: "–" });
  const current = u.values[header] || {};
  const target = targetOf(role);
  const box = element("details", { className: "value-map" });
  const bad = whole.filter((s) => s.problem).length;
  const mapped = Object.keys(current).length;
  box.open = bad > 0 || mapped > 0;
  box.append(element("summary", { textContent: mapped ? t("map.values.some", { n: mapped }) : t("map.values") }));
  if (bad) box.append(element("p", { className: "bad-note", textContent: t("map.values.bad", { n: bad }) }));
  const table = element("div", { className: "value-lines" });
  for (const s of whole) {
    const given = current[s.value] ?? Object.entries(current).find(([k]) => k.trim().toLowerCase() === s.value.toLowerCase())?.[1] ?? "";
    let input;
    if (target && target.codes) {
      input = element("select");
      input.append(new Option(t("map.values.as_written"), ""));
      for (const code of target.codes) input.append(new Option(codeName(code), String(code.code), false, String(code.code) === given));
      if (given && ![...input.options].some((o) => o.value === given)) input.append(new Option(given, given, false, true));
    } else {
      input = element("input", { type: "text", value: given, size: 16, placeholder: t("map.values.as_written") });
    }
    input.className = "value-to";
    input.dataset.value = s.value;
    input.setAttribute("aria-label", t("map.values.label", { header, value: s.value }));
    table.append(element("div", { className: "value-line" + (s.problem ? " bad" : "") },
      element("span", { className: "value-from", textContent: s.value, title: s.problem || "" }),
      element("span", { className: "arrow", textContent: "→" }), input,
      s.problem ? element("span", { className: "why", textContent: s.problem }) : null));
  }
  box.append(table);
  return box;
}

export function choices() {
  // The mapping and value maps as the page shows them now, for the server's check.
  const u = state.upload;
  const renames = {};
  const values = {};
  document.querySelectorAll("#mapping-rows tr").forEach((tr) => {
    const header = tr.dataset.header;
    const select = tr.querySelector("select.target");
    let value = select.value;
    if (value === CUSTOM) {
      const id = tr.querySelector(".custom-id").value.trim();
      value = id ? CUSTOM + id : "";
    }
    const role = (u.columns.find((c) => c.header === header) || {}).role || "";
    if (value && (Object.prototype.hasOwnProperty.call(u.renames, header) || value !== role)) renames[header] = value;
    const map = { ...(u.values[header] || {}) };  // values the page does not list (past the first 20) are kept
    tr.querySelectorAll(".value-to").forEach((input) => {
      const from = input.dataset.value;
      for (const key of Object.keys(map)) if (key.trim().toLowerCase() === from.trim().toLowerCase()) delete map[key];
      if (input.value.trim()) map[from] = input.value.trim();
    });
    if (Object.keys(map).length) values[header] = map;
  });
  return { renames, values };
}

async function recheck() {
  showError(null);
  const { renames, values } = choices();
  try {
    useUpload(await post(`/api/uploads/${state.upload.id}/check`, { sheet: $("sheet").value || null, renames, values,
      encoding: $("encoding").value }));
  } catch (error) {
    showError(error);
  }
}

function jobUrl() {
  const run = state.runOptions ? state.runOptions() : {};
  const query = new URLSearchParams({ rate: run.rate || "auto", retry_comments: run.retry_comments ? "1" : "0" });
  return `/api/uploads/${state.upload.id}/job.toml?${query}`;
}

async function loadJob() {
  const file = $("job-load").files[0];
  if (!file || !state.upload) return;
  showError(null);
  try {
    const loaded = await post(`/api/uploads/${state.upload.id}/job`, { text: await file.text(), name: file.name });
    useUpload(loaded);
    emit("job-run", loaded.run);
  } catch (error) {
    showError(error);
  } finally {
    $("job-load").value = "";
  }
}
