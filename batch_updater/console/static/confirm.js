// The confirmation before a run: what it will really do, worked out on the server from the job's
// journal (rows left, comments posted and held back, invalid rows, tickets read first, the time
// at the rate in use), naming the file and the options it runs with.
import { post, showError } from "./api.js";
import { $, emit, state } from "./state.js";
import { count, duration, rateText, t, when } from "./words.js";

function optionsText(c) {
  const o = c.options || {};
  const words = [o.rate && o.rate !== "auto" ? t("confirm.opt.rate", { rate: o.rate }) : t("confirm.opt.auto")];
  if (o.skip_unchanged) words.push(t("run.skip.short"));
  if (o.undo) words.push(t("run.undo.short"));
  if (o.retry_comments) words.push(t("run.retry.short"));
  if (o.sheet) words.push(t("upload.kept.sheet", { sheet: o.sheet }));
  if (o.columns) words.push(t("confirm.opt.columns", { n: o.columns }));
  if (o.values) words.push(t("confirm.opt.values", { n: o.values }));
  if (o.write_back) words.push(t("confirm.opt.write_back"));
  return words.join(t("list.sep"));
}

export function showConfirm() {
  const c = state.confirm;
  if (!c) return;
  const lines = [];
  if (c.sending) lines.push(["warn", t("confirm.busy", { name: c.sending.name, when: when(c.sending.started_at) })]);
  lines.push(["file", t("confirm.file", { name: c.name || "" })]);
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
  lines.push(["options", t("confirm.options", { options: optionsText(c) })]);
  $("confirm-text").replaceChildren(...lines.map(([kind, words]) => Object.assign(document.createElement("p"), { textContent: words, className: kind })));
  $("confirm-api").textContent = state.status.sandbox ? t("confirm.api.sandbox") : t("confirm.api.live", { api: state.status.api });
  $("confirm-go").disabled = Boolean(c.sending);  // refused until that run ends: nothing to press
}

export async function askToRun(event) {
  event.preventDefault();
  const fixed = document.querySelector("input[name=rate-kind]:checked").value === "fixed";
  if (fixed && !/^\s*\d+(\.\d+)?\s*(\/\s*(s|sec|second|m|min|minute))?\s*$/i.test($("rate-value").value)) {
    showError(new Error(t("run.rate.bad", { rate: $("rate-value").value })));
    return;
  }
  showError(null);
  $("run-start").disabled = true;
  try {
    state.confirm = await post(`/api/uploads/${state.upload.id}/confirm`, state.runOptions());
  } catch (error) {
    showError(error);
    return;
  } finally {
    $("run-start").disabled = state.uploading > 0;
  }
  showConfirm();
  if (state.confirm.sending) emit("refresh-runs");  // a run started after this page loaded: list it, to stop it there
  $("confirm").showModal();
}
