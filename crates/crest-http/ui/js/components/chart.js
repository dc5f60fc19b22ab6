// Charts of query results, drawn by uPlot (vendored under /ui/assets/vendor/uplot, MIT): a line
// chart whose legend shows each series' value under the cursor, a single-stat figure, and events
// as marks on the time axis.

import uPlot from "../../vendor/uplot/uPlot.esm.js";
import { h } from "../dom.js";

const COLORS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777", "#4b5563", "#65a30d"];

/** How a series is named in legends: its metric, its source, its point tags. */
export function seriesName(ts) {
  const tags = Object.entries(ts.tags || {}).map(([k, v]) => `${k}=${v}`).join(" ");
  return [ts.label || "", ts.host || "", tags ? `{${tags}}` : ""].filter(Boolean).join(" ");
}

/**
 * The query result as uPlot's columns: one sorted x axis (epoch seconds) over the union of every
 * series' timestamps, and each series' values on it (null where it has no point).
 */
export function columns(result) {
  const series = result?.timeseries || [];
  const xs = [...new Set(series.flatMap((ts) => (ts.data || []).map(([t]) => t)))].sort((a, b) => a - b);
  const index = new Map(xs.map((t, i) => [t, i]));
  const ys = series.map((ts) => {
    const col = new Array(xs.length).fill(null);
    for (const [t, v] of ts.data || []) col[index.get(t)] = v;
    return col;
  });
  return { xs, ys, names: series.map(seriesName) };
}

/** Marks each event's start (and end, when it has one in view) as a dashed line. */
function eventMarks(events) {
  return (u) => {
    if (!events?.length) return;
    const { ctx } = u;
    const { top, height } = u.bbox;
    ctx.save();
    ctx.strokeStyle = "#f59e0b";
    ctx.lineWidth = 1.5 * uPlot.pxRatio;
    ctx.setLineDash([4 * uPlot.pxRatio, 3 * uPlot.pxRatio]);
    for (const e of events) {
      for (const ms of [e.startTime, e.endTime]) {
        if (!ms) continue;
        const x = u.valToPos(ms / 1000, "x", true);
        if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + height);
        ctx.stroke();
      }
    }
    ctx.restore();
  };
}

/**
 * Draws a line chart of `result` into `el` (emptied first); answers {plot, destroy}. The chart
 * follows the width of `el`.
 */
export function lineChart(el, result, { height = 300, events = [], title } = {}) {
  el.replaceChildren();
  const { xs, ys, names } = columns(result);
  if (!xs.length) {
    el.append(h("p", { class: "chart-empty" }, "No data in this time range."));
    return { plot: null, destroy() {} };
  }
  const opts = {
    title,
    width: Math.max(el.clientWidth, 280),
    height,
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: true } },
    legend: { live: true },
    series: [
      { label: "Time" },
      ...names.map((name, i) => ({ label: name, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: false, points: { show: xs.length < 60 } })),
    ],
    axes: [{}, { size: 60 }],
    hooks: { draw: [eventMarks(events)] },
  };
  const plot = new uPlot(opts, [xs, ...ys], el);
  const resize = new ResizeObserver(() => {
    const width = Math.max(el.clientWidth, 280);
    if (width !== plot.width) plot.setSize({ width, height });
  });
  resize.observe(el);
  return {
    plot,
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}

/** The last value of the first series, as a single-stat chart shows it. */
export function singleStat(el, result, { title } = {}) {
  el.replaceChildren();
  const first = result?.timeseries?.[0];
  const data = first?.data || [];
  const last = data.length ? data[data.length - 1][1] : null;
  const text = last === null || last === undefined ? "No data" : formatValue(last);
  el.append(h("div", { class: "stat" }, title ? h("div", { class: "stat-title" }, title) : null, h("div", { class: "stat-value" }, text)));
}

/** A value for people: at most 4 significant decimals, SI-suffixed when large. */
export function formatValue(v) {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  for (const [n, s] of [[1e12, "T"], [1e9, "G"], [1e6, "M"], [1e3, "k"]]) {
    if (abs >= n) return `${+(v / n).toPrecision(4)}${s}`;
  }
  return String(+v.toPrecision(4));
}
