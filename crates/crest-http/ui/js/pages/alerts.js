// Alerts › Alerts: every alert the signed-in person may view, with its state, severity and last
// change; Snooze and Unsnooze for those who may change it.

import { allItems } from "../api.js";
import { h, link, when } from "../dom.js";
import { ALERT_TABS, pageHead } from "../components/layout.js";
import { dataTable } from "../components/table.js";
import { rowActions } from "../components/menu.js";
import { STATES, lastChange, mayChangeAlerts, severityCell, severityLabel, severityOf, snoozeAction, snoozeText, stateBadges, states, statesText } from "../components/alert_state.js";

/** The heading of the Alerts section, with its tabs. */
export function alertsHead(main, current) {
  pageHead(main, { title: "Alerts", subtitle: "What the alert evaluator finds, and when alerts are held back", base: "/ui", tabs: ALERT_TABS, current });
}

/** The link to an alert's page. */
export function alertLink(alert) {
  return link(`/ui/alerts/${encodeURIComponent(alert.id)}`, alert.name || alert.id);
}

export async function render(main) {
  alertsHead(main, "alerts");
  const writer = mayChangeAlerts();
  const table = dataTable({
    caption: "Alerts",
    pageSize: 20,
    empty: "No alerts yet. Create them through the Alert API (POST /api/v2/alert).",
    selects: [{
      label: "State",
      options: [{ value: "", label: "Any" }, ...["FIRING", "SNOOZED", "IN_MAINTENANCE", "NO_DATA", "INVALID", "CHECKING"].map((s) => ({ value: s, label: STATES[s][0] }))],
      test: (a, v) => states(a).includes(v),
    }],
    columns: [
      { label: "Name", value: (a) => a.name, render: (a) => h("strong", {}, alertLink(a)) },
      { label: "State", value: statesText, render: (a) => h("div", {}, stateBadges(a), snoozeText(a) ? h("div", { class: "muted small" }, snoozeText(a)) : null) },
      { label: "Severity", value: (a) => severityLabel(severityOf(a).severity), render: severityCell },
      { label: "Last change", value: (a) => when(lastChange(a)) },
      { label: "Tags", value: (a) => (a.tags?.customerTags || []).join(" "), render: (a) => tagChips(a.tags?.customerTags || []) },
      writer ? { label: "Actions", class: "actions", render: (a) => rowActions(a.name, [snoozeAction(a, load)]) } : null,
    ].filter(Boolean),
  });
  async function load() {
    table.setRows(await allItems("/api/v2/alert"));
  }
  main.append(h("section", { class: "card" },
    h("div", { class: "card-head" }, h("h2", {}, "Alerts")),
    h("p", { class: "muted" }, writer
      ? "Open an alert for its conditions, targets and firings. Snoozing stops its checks and notifications for a while."
      : "Open an alert for its conditions, targets and firings. Snoozing alerts needs the Alerts permission."),
    table.el));
  await load();
}

/** An alert's tags as chips; a dash when it has none. */
export function tagChips(tags) {
  if (!tags.length) return h("span", { class: "muted" }, "—");
  return h("ul", { class: "chips" }, tags.map((t) => h("li", { class: "chip" }, t)));
}
