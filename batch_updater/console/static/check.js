// Step 2: the check (a dry run): counts, every row with its problems or the JSON it would send,
// and the check as a file.
import { $, on, state } from "./state.js";
import { PagedTable, text } from "./table.js";
import { count, label, t } from "./words.js";

export function resultCells(row) {
  const detail = row.result === "valid" ? text(row.msg, "body") : text(row.msg);
  return [text(row.row), text(row.ticket), text(label(row.result), "tag " + row.result), detail];
}

export const RESULT_HEAD = ["col.row", "col.ticket", "col.result", "col.detail"];

export function init() {
  state.tables.check = new PagedTable("check", $("check-rows"), {
    url: () => state.upload && !state.upload.problem && `/api/uploads/${state.upload.id}/rows`,
    key: "result", head: RESULT_HEAD, cells: resultCells });
  on("upload", ({ upload, another }) => {
    // Checked again: its rows afresh (the same sheet: on the page shown; another sheet: from its first)
    const readable = !upload.problem;
    const table = state.tables.check;
    $("step-check").hidden = !readable;
    render();
    table.clear(!another);
    if (readable) table.load(table.wanted);
  });
}

export function render() {
  const u = state.upload;
  if (!u) return;
  const counts = u.counts || {};
  $("check-counts").textContent = t("check.counts", { rows: count("rows", u.rows), valid: counts.valid || 0,
    invalid: counts.invalid || 0, tickets: count("tickets", u.tickets), comments: count("comments", u.comments) })
    + (u.repeated ? " · " + t("check.repeated", { n: u.repeated }) : "");
  $("check-file").href = `/api/uploads/${u.id}/check.csv`;
}
