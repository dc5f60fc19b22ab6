// Dashboards: the list, and one dashboard drawn from its JSON (sections, rows, line, single-stat,
// table and markdown charts; its variables; events as marks). The view lives in the URL:
// /ui/dashboards?id=<id>&range=1h&var.<name>=<value>, so it can be shared.

import { api, seg } from "../api.js";
import { h, link, when } from "../dom.js";
import { dataTable } from "../components/table.js";
import { formatValue, lineChart, seriesName, singleStat } from "../components/chart.js";
import { RANGES, rangeOf, rangePicker, runQuery } from "./query.js";

export async function render(main, ctx) {
  const params = new URLSearchParams(location.search);
  const id = params.get("id");
  if (id) return renderDashboard(main, ctx, id, params);
  return renderList(main);
}

async function renderList(main) {
  const table = dataTable({
    caption: "Dashboards",
    pageSize: 25,
    empty: "No dashboards yet. Create them through the API (POST /api/v2/dashboard).",
    fetchPage: (offset, limit) => api("GET", `/api/v2/dashboard?offset=${offset}&limit=${limit}`),
    columns: [
      { label: "Name", value: (d) => d.name, render: (d) => link(`/ui/dashboards?id=${encodeURIComponent(d.id)}`, d.name || d.id) },
      { label: "Id", value: (d) => d.id, render: (d) => h("code", {}, d.id) },
      { label: "Description", value: (d) => d.description || "" },
      { label: "Charts", value: (d) => String(d.numCharts ?? countCharts(d)) },
      { label: "Updated", value: (d) => when(d.updatedEpochMillis) },
    ],
  });
  main.append(h("div", { class: "page-head" }, h("h1", {}, "Dashboards")),
    h("section", { class: "card" }, table.el));
  await table.reload();
}

function countCharts(d) {
  return (d.sections || []).reduce((n, s) => n + (s.rows || []).reduce((m, r) => m + (r.charts || []).length, 0), 0);
}

/** The dashboard's variables: name → the value chosen in the URL, else its default. */
export function variableValues(dashboard, params) {
  const values = {};
  for (const [name, p] of Object.entries(dashboard.parameterDetails || {})) {
    values[name] = params.get(`var.${name}`) ?? p.value ?? p.defaultValue ?? "";
  }
  return values;
}

/** `query` with each `${name}` replaced by the variable's value (unknown names are left). */
export function substitute(query, values) {
  return String(query).replace(/\$\{([\w.-]+)\}/g, (all, name) => (name in values ? values[name] : all));
}

/** The range key nearest the dashboard's `defaultTimeWindow` ("2h", "1d", …). */
function defaultRange(dashboard) {
  const m = /^(\d+)\s*([smhdw])$/.exec(dashboard.defaultTimeWindow || "");
  if (!m) return null;
  const unit = { s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5 }[m[2]];
  const want = Number(m[1]) * unit;
  return RANGES.reduce((best, r) => (Math.abs(r[2] - want) < Math.abs(best[2] - want) ? r : best))[0];
}

function variableControl(name, p, value, onChange) {
  const inputId = `var-${name}`;
  const label = p.label || name;
  let control;
  const choices = Object.entries(p.valuesToReadableStrings || {});
  if (p.parameterType === "LIST" && choices.length) {
    control = h("select", { id: inputId }, choices.map(([v, text]) => h("option", { value: v, selected: v === value }, text || v)));
    control.addEventListener("change", () => onChange(name, control.value));
  } else {
    control = h("input", { id: inputId, type: "text", value });
    control.addEventListener("change", () => onChange(name, control.value.trim()));
  }
  return h("div", { class: "field inline" }, h("label", { for: inputId }, label), control);
}

async function renderDashboard(main, { navigate }, id, params) {
  const dashboard = await api("GET", `/api/v2/dashboard/${seg(id)}`);
  const range = params.get("range") ? rangeOf(params.get("range"))[0] : defaultRange(dashboard) || "1h";
  const values = variableValues(dashboard, params);
  const go = (changes) => {
    const next = new URLSearchParams(params);
    next.set("id", id);
    next.set("range", range);
    for (const [k, v] of Object.entries(changes)) next.set(k, v);
    navigate(`/ui/dashboards?${next}`, { replace: true });
  };
  const picker = rangePicker(range, { id: "range" });
  picker.addEventListener("change", () => go({ range: picker.value }));
  const vars = Object.entries(dashboard.parameterDetails || {})
    .filter(([, p]) => !p.hideFromView)
    .map(([name, p]) => variableControl(name, p, values[name], (n, v) => go({ [`var.${n}`]: v })));
  main.append(
    h("div", { class: "page-head" }, h("h1", {}, dashboard.name || id), link("/ui/dashboards", "All dashboards", { class: "btn btn-small" })),
    dashboard.description ? h("p", { class: "muted" }, dashboard.description) : null,
    h("div", { class: "dash-controls" }, h("div", { class: "field inline" }, h("label", { for: "range" }, "Time range"), picker), vars));
  const pending = [];
  for (const section of dashboard.sections || []) {
    const box = h("section", { class: "dash-section" }, h("h2", {}, section.name || ""));
    for (const row of section.rows || []) {
      const rowEl = h("div", { class: "dash-row" });
      for (const chart of row.charts || []) {
        const body = h("div", { class: "dash-chart-body chart" });
        const card = h("article", { class: "card dash-chart", "aria-label": chart.name || "chart" },
          h("h3", { class: "dash-chart-title" }, chart.name || ""), body);
        rowEl.append(card);
        pending.push(drawChart(body, chart, values, range, row.heightFactor));
      }
      box.append(rowEl);
    }
    main.append(box);
  }
  const done = await Promise.all(pending);
  main.dataset.chartsDrawn = String(done.length);
}

/** Runs a chart's enabled sources and draws them as its type says. */
async function drawChart(el, chart, values, range, heightFactor) {
  const type = chart.chartSettings?.type || "line";
  if (type === "markdown-widget") {
    el.append(h("div", { class: "markdown" }, chart.chartSettings?.plainMarkdownContent || ""));
    return true;
  }
  const sources = (chart.sources || []).filter((s) => !s.disabled && s.query);
  let results;
  try {
    results = await Promise.all(sources.map((s) => runQuery(substitute(s.query, values), range, { autoEvents: !chart.noDefaultEvents })));
  } catch (e) {
    el.append(h("p", { class: "query-error", role: "alert" }, e.message));
    return false;
  }
  const failed = results.find((r) => r?.errorType);
  if (failed) {
    el.append(h("p", { class: "query-error", role: "alert" }, `${failed.errorType}: ${failed.errorMessage || ""}`));
    return false;
  }
  const merged = { timeseries: results.flatMap((r) => r?.timeseries || []) };
  const events = results.flatMap((r) => r?.events || []);
  const height = Math.round(220 * ((heightFactor || 100) / 100));
  if (type === "sparkline") singleStat(el, merged);
  else if (type === "table") el.append(lastValues(merged));
  else lineChart(el, merged, { height, events });
  return true;
}

function lastValues(result) {
  const rows = (result.timeseries || []).map((ts) => {
    const data = ts.data || [];
    const last = data.length ? data[data.length - 1][1] : null;
    return h("tr", {}, h("td", {}, seriesName(ts)), h("td", { class: "num" }, last === null ? "—" : formatValue(last)));
  });
  return h("table", { class: "table" }, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Series"), h("th", { scope: "col" }, "Last value"))), h("tbody", {}, rows));
}
