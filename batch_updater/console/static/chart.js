// The chart of the run second by second: rows answered (or tickets read), throttle answers, the
// pacing rate; and its text alternative, said in words for a screen reader.
import { rateText, t } from "./words.js";

export function drawChart(canvas, series, reading) {
  const g = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height, pad = 24;
  g.clearRect(0, 0, w, h);
  g.fillStyle = "#f6f8fa";
  g.fillRect(0, 0, w, h);
  canvas.setAttribute("aria-label", describe(series, reading));
  if (!series.length) return;
  const top = Math.max(1, ...series.map((p) => Math.max(p[1] + p[2], p[3])));
  const slot = (w - pad) / Math.max(30, series.length);
  const y = (v) => h - pad / 2 - (v / top) * (h - pad);
  series.forEach((p, i) => {
    const x = pad + i * slot;
    g.fillStyle = "#2f6fb5";
    g.fillRect(x, y(p[1]), Math.max(1, slot - 1), h - pad / 2 - y(p[1]));
    if (p[2]) { g.fillStyle = "#c93c2c"; g.fillRect(x, y(p[1] + p[2]), Math.max(1, slot - 1), y(p[1]) - y(p[1] + p[2])); }
  });
  g.strokeStyle = "#1e7b34";
  g.lineWidth = 2;
  g.beginPath();
  series.forEach((p, i) => { const x = pad + i * slot + slot / 2; i ? g.lineTo(x, y(p[3])) : g.moveTo(x, y(p[3])); });
  g.stroke();
  g.fillStyle = "#444";
  g.font = "11px sans-serif";
  g.fillText(String(Math.round(top)), 2, 12);
  g.fillText("0", 2, h - pad / 2);
}

export function describe(series, reading) {
  if (!series.length) return t("chart.none");
  const answered = series.map((p) => p[1]);
  const throttled = series.reduce((sum, p) => sum + p[2], 0);
  const average = answered.reduce((a, b) => a + b, 0) / series.length;
  return t(reading ? "chart.alt.read" : "chart.alt", { seconds: series.length, average: average.toFixed(1),
    most: Math.max(...answered), throttled, rate: rateText(series[series.length - 1][3]) });
}
