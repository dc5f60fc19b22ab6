// Query: a WQL box, a time range, and the answer of GET /api/v2/chart/api as a line chart whose
// legend shows the values under the cursor. The query and the range live in the URL
// (/ui/query?q=…&range=1h), so a view can be shared.

import { api } from "../api.js";
import { h } from "../dom.js";
import { lineChart } from "../components/chart.js";

/** The ranges offered: URL value, label, length in ms, granularity. */
export const RANGES = [
  ["10m", "Last 10 minutes", 10 * 60_000, "s"],
  ["1h", "Last hour", 3_600_000, "m"],
  ["6h", "Last 6 hours", 6 * 3_600_000, "m"],
  ["1d", "Last day", 86_400_000, "m"],
  ["1w", "Last week", 7 * 86_400_000, "h"],
];

/** The range named `key` (the hour when unknown). */
export function rangeOf(key) {
  return RANGES.find(([k]) => k === key) || RANGES[1];
}

/** Runs `q` over the range ending now; answers the QueryResult (which may carry errorType). */
export async function runQuery(q, rangeKey, { autoEvents = false } = {}) {
  const [, , span, g] = rangeOf(rangeKey);
  const e = Date.now();
  const s = e - span;
  const params = new URLSearchParams({ q, s: String(s), e: String(e), g, strict: "true", sorted: "true" });
  if (autoEvents) params.set("autoEvents", "true");
  return api("GET", `/api/v2/chart/api?${params}`);
}

/** A select of the ranges, `key` chosen. */
export function rangePicker(key, attrs = {}) {
  return h("select", { ...attrs }, RANGES.map(([k, label]) => h("option", { value: k, selected: k === key }, label)));
}

export async function render(main, { navigate }) {
  const params = new URLSearchParams(location.search);
  const q = params.get("q") || "";
  const range = rangeOf(params.get("range"))[0];
  const box = h("textarea", { id: "wql", name: "q", rows: "3", class: "wql", spellcheck: "false", placeholder: "ts(cpu.load, source=web*)", "aria-describedby": "query-error" });
  box.value = q;
  const picker = rangePicker(range, { id: "range", name: "range" });
  const error = h("div", { id: "query-error", class: "query-error", role: "alert", hidden: true });
  const warnings = h("ul", { class: "query-warnings", hidden: true });
  const chart = h("div", { class: "chart", id: "chart" });
  const meta = h("p", { class: "muted query-meta" });
  const form = h("form", { class: "query-form", novalidate: true },
    h("label", { for: "wql" }, "Query"), box,
    h("div", { class: "query-controls" },
      h("label", { for: "range" }, "Time range"), picker,
      h("button", { type: "submit", class: "btn btn-primary" }, "Run")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const next = new URLSearchParams({ q: box.value.trim(), range: picker.value });
    navigate(`/ui/query?${next}`);
  });
  box.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) form.requestSubmit();
  });
  main.append(h("div", { class: "page-head" }, h("h1", {}, "Query")),
    h("section", { class: "card" }, form, error, warnings, meta, chart));
  if (!q) {
    chart.append(h("p", { class: "chart-empty" }, "Type a query in the Wavefront Query Language and run it."));
    return;
  }
  const showError = (text) => {
    error.replaceChildren(h("strong", {}, "The query failed: "), text);
    error.hidden = false;
  };
  let result;
  try {
    result = await runQuery(q, range);
  } catch (e) {
    showError(e.message);
    return;
  }
  if (result?.errorType) {
    showError(`${result.errorType}: ${result.errorMessage || ""}`);
    return;
  }
  const list = result?.warnings ? String(result.warnings).split("\n").filter(Boolean) : [];
  if (list.length) {
    warnings.replaceChildren(...list.map((w) => h("li", {}, w)));
    warnings.hidden = false;
  }
  const n = result?.timeseries?.length || 0;
  meta.textContent = `${n} series · granularity ${result?.granularity ?? "?"} s`;
  lineChart(chart, result, { height: 320 });
}
