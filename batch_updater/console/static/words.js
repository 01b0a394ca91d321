// The page's words (i18n.js), and how numbers, times and rates are said in them.
import { I18N } from "./i18n.js";
import { state } from "./state.js";

export function t(key, values = {}) {
  const table = I18N[state.lang] || {};
  // One of a thing: the ".one" form where the language has one ("1 row", not "1 rows").
  const words = (values.n === 1 ? table[key + ".one"] : undefined) ?? table[key] ?? I18N.en[key] ?? key;
  return words.replace(/\{(\w+)\}/g, (_, name) => (values[name] ?? ""));
}

export function pickLanguage() {
  const saved = localStorage.getItem("lang");
  if (saved === "zh" || saved === "en") return saved;
  const first = (navigator.languages && navigator.languages[0]) || navigator.language || "en";
  return first.toLowerCase().startsWith("zh") ? "zh" : "en";
}

export function translateStatic() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  document.title = t("title");
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  document.querySelectorAll("[data-t-label]").forEach((el) => el.setAttribute("aria-label", t(el.dataset.tLabel)));
  document.querySelectorAll("[data-t-placeholder]").forEach((el) => { el.placeholder = t(el.dataset.tPlaceholder); });
}

export function count(what, n) {
  return t("count." + what, { n });
}

export function label(value) {
  // A result or plan kind in the page's words ("invalid" -> "无效"); one it has no word for, as it is.
  return t("result." + value) === "result." + value ? value : t("result." + value);
}

export function countsText(counts) {
  return Object.entries(counts || {}).map(([k, n]) => `${n} ${label(k)}`).join(t("list.sep"));
}

export function when(iso) {
  return (iso || "").replace("T", " ").slice(0, 19);  // the server's time, as the server's messages write it
}

export function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return t("seconds", { n: s });
  if (s < 3600) return t("minutes", { m: Math.floor(s / 60), s: s % 60 });
  return t("hours", { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

export function rateText(perSecond) {
  if (!perSecond) return "–";
  return perSecond < 1 ? `${Math.round(perSecond * 60)}/min` : `${perSecond.toFixed(perSecond < 10 ? 1 : 0)}/s`;
}
