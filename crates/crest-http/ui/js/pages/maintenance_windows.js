// Alerts › Maintenance Windows: each window's title, reason, times, running state and what it
// covers (alert tags, sources, source tags).

import { allItems } from "../api.js";
import { h, when } from "../dom.js";
import { dataTable } from "../components/table.js";
import { alertsHead } from "./alerts.js";

/** Each `runningState` the API reports: its label and its badge. */
const RUNNING = {
  ONGOING: ["Ongoing", "badge badge-info"],
  PENDING: ["Pending", "badge badge-warn"],
  ENDED: ["Ended", "badge"],
};

/** A time in epoch seconds, for people. */
const seconds = (s) => when(s ? s * 1000 : null);

/** What a window covers, as [heading, values, all-of?] groups; the empty ones left out. */
function coverage(w) {
  return [
    ["Alert tags", w.relevantCustomerTags || [], w.relevantCustomerTagsAnded],
    ["Sources", w.relevantHostNames || [], false],
    ["Source tags", w.relevantHostTags || [], w.relevantHostTagsAnded],
  ].filter(([, values]) => values.length);
}

function coverageText(w) {
  return coverage(w).map(([heading, values]) => `${heading}: ${values.join(" ")}`).join(" ");
}

function covers(w) {
  const groups = coverage(w);
  if (!groups.length) return h("span", { class: "muted" }, "—");
  return h("div", { class: "covers" }, groups.map(([heading, values, all]) => h("div", {},
    h("span", { class: "muted small" }, `${heading}${values.length > 1 ? (all ? " (all of)" : " (any of)") : ""}: `),
    h("ul", { class: "chips inline-chips" }, values.map((v) => h("li", { class: "chip" }, v))))));
}

export async function render(main) {
  alertsHead(main, "maintenance-windows");
  const table = dataTable({
    caption: "Maintenance windows",
    pageSize: 20,
    empty: "No maintenance windows yet. Create them through the API (POST /api/v2/maintenancewindow).",
    selects: [{
      label: "Running state",
      options: [{ value: "", label: "Any" }, ...Object.entries(RUNNING).map(([value, [label]]) => ({ value, label }))],
      test: (w, v) => w.runningState === v,
    }],
    columns: [
      { label: "Title", value: (w) => w.title, render: (w) => h("strong", {}, w.title) },
      { label: "Reason", value: (w) => w.reason || "", render: (w) => w.reason || h("span", { class: "muted" }, "—") },
      { label: "Start", value: (w) => seconds(w.startTimeInSeconds) },
      { label: "End", value: (w) => seconds(w.endTimeInSeconds) },
      {
        label: "State",
        value: (w) => (RUNNING[w.runningState] || [w.runningState])[0],
        render: (w) => {
          const [label, cls] = RUNNING[w.runningState] || [w.runningState || "—", "badge"];
          return h("span", { class: cls, title: w.runningState, dataset: { state: w.runningState } }, label);
        },
      },
      { label: "Covers", value: coverageText, render: covers },
    ],
  });
  main.append(h("section", { class: "card" },
    h("div", { class: "card-head" }, h("h2", {}, "Maintenance Windows")),
    h("p", { class: "muted" }, "While a window is ongoing, the series it covers keep the state they had; an alert whose every series it holds notifies the window's targets (or no one) instead of its own."),
    table.el));
  table.setRows(await allItems("/api/v2/maintenancewindow"));
}
