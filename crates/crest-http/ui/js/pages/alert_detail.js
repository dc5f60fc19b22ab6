// Alerts › one alert: its state (Snooze and Unsnooze for those who may), its conditions and
// targets, the series failing now, and the history of its firings (its events, newest first).

import { api, seg } from "../api.js";
import { h, link, replace, when } from "../dom.js";
import { dataTable } from "../components/table.js";
import { rowActions } from "../components/menu.js";
import { SEVERITIES, lastChange, severityBadge, severityCell, severityLabel, snoozeAction, snoozeText, stateBadges } from "../components/alert_state.js";
import { alertsHead, tagChips } from "./alerts.js";

/** The most firings the history reads (the API's largest page). */
const FIRINGS = 1000;

export async function render(main, { id }) {
  alertsHead(main, "alerts");
  const back = h("p", {}, link("/ui/alerts", "‹ All alerts"));
  const read = () => api("GET", `/api/v2/alert/${seg(id)}`);
  let alert;
  try {
    alert = await read();
  } catch (e) {
    if (e.status !== 404) throw e;
    main.append(back, h("section", { class: "card" }, h("h2", {}, "No such alert"),
      h("p", { class: "muted" }, `There is no alert ${id}, or you may not view it.`)));
    return;
  }
  const holder = h("div");
  main.append(back, holder);
  /** Draws `a` and fills its history. */
  async function show(a) {
    const firings = firingsCard();
    replace(holder, stateCard(a, async () => show(await read())), conditionsCard(a), firings.el);
    await loadFirings(a, firings.table);
  }
  await show(alert);
}

/** Fills `table` with the firings of `a` since its creation. */
async function loadFirings(a, table) {
  const since = a.created || a.createdEpochMillis || 0;
  const page = await api("GET", `/api/v2/event/alertFirings?alertId=${encodeURIComponent(a.id)}&earliestStartTimeEpochMillis=${since}&limit=${FIRINGS}`);
  table.setRows(page?.items || []);
}

function facts(rows) {
  return h("dl", { class: "facts" }, rows.filter(Boolean).map(([term, detail]) => [h("dt", {}, term), h("dd", {}, detail)]));
}

function stateCard(a, reload) {
  const failing = a.failingHostLabelPairs || [];
  const snooze = snoozeText(a);
  return h("section", { class: "card", "aria-labelledby": "alert-name" },
    h("div", { class: "card-head" },
      h("h2", { id: "alert-name" }, a.name),
      h("span", { class: "grow" }),
      rowActions(a.name, [snoozeAction(a, reload)])),
    facts([
      ["State", stateBadges(a)],
      snooze ? ["Snooze", snooze] : null,
      ["Severity", severityCell(a)],
      ["Last change", when(lastChange(a))],
      ["Last checked", when(a.lastProcessedMillis, "Not yet")],
      failing.length ? ["Failing series", h("ul", { class: "plain" }, failing.map((p) => h("li", {},
        h("code", {}, `${p.host || "(no source)"} ${p.label || ""}`.trim()), " ", severityBadge(p.severity), p.startTime ? h("span", { class: "muted small" }, ` since ${when(p.startTime)}`) : null)))] : null,
      a.activeMaintenanceWindows?.length ? ["Maintenance", a.activeMaintenanceWindows.join(", ")] : null,
      a.lastErrorMessage ? ["Error", h("span", { class: "form-error inline-error" }, a.lastErrorMessage)] : null,
      ["Tags", tagChips(a.tags?.customerTags || [])],
      ["ID", h("code", {}, a.id)],
    ]));
}

/** The targets of a comma-separated `target`, one per line. */
function targetList(target) {
  const list = String(target || "").split(",").map((t) => t.trim()).filter(Boolean);
  if (!list.length) return h("span", { class: "muted" }, "None");
  return h("ul", { class: "plain" }, list.map((t) => h("li", {}, h("code", {}, t))));
}

function query(text) {
  return text ? h("code", { class: "query" }, text) : h("span", { class: "muted" }, "—");
}

function conditionsCard(a) {
  const threshold = String(a.alertType || "").toUpperCase() === "THRESHOLD";
  const minutes = a.minutes ? `true for ${a.minutes} minute${a.minutes === 1 ? "" : "s"}` : "—";
  const resolve = a.resolveAfterMinutes || a.minutes;
  const common = [
    ["Type", threshold ? "Threshold (one condition per severity)" : "Classic"],
    ["Fires when", minutes],
    ["Resolves after", resolve ? `${resolve} minute${resolve === 1 ? "" : "s"} without a true minute` : "—"],
    a.displayExpression ? ["Display expression", query(a.displayExpression)] : null,
  ];
  if (!threshold) {
    return h("section", { class: "card" }, h("h2", {}, "Condition and targets"),
      facts([["Condition", query(a.condition)], ...common, ["Severity", severityBadge((a.severity || "").toUpperCase())], ["Targets", targetList(a.target)]]));
  }
  const conditions = a.conditions || {};
  const targets = a.targets || {};
  const levels = [...SEVERITIES].reverse().filter((s) => conditions[s.toLowerCase()] !== undefined);
  const table = dataTable({
    caption: "Conditions by severity",
    pageSize: 4,
    columns: [
      { label: "Severity", value: severityLabel, render: severityBadge },
      { label: "Condition", value: (s) => conditions[s.toLowerCase()], render: (s) => query(conditions[s.toLowerCase()]) },
      { label: "Targets", value: (s) => targets[s.toLowerCase()] || "", render: (s) => targetList(targets[s.toLowerCase()]) },
    ],
    rows: levels,
  });
  return h("section", { class: "card" }, h("h2", {}, "Conditions and targets"), facts(common), table.el);
}

function firingsCard() {
  const table = dataTable({
    caption: "Firings",
    pageSize: 10,
    empty: "It has not fired yet.",
    columns: [
      { label: "Started", value: (e) => when(e.startTime) },
      { label: "Ended", value: (e) => (ongoing(e) ? "Ongoing" : when(e.endTime)), render: (e) => (ongoing(e) ? h("span", { class: "badge badge-bad" }, "Ongoing") : when(e.endTime)) },
      { label: "Severity", value: (e) => severityLabel(e.annotations?.severity), render: (e) => severityBadge(String(e.annotations?.severity || "").toUpperCase()) },
      { label: "Sources", value: (e) => (e.hosts || []).join(" "), render: (e) => ((e.hosts || []).length ? (e.hosts || []).join(", ") : h("span", { class: "muted" }, "—")) },
      { label: "Details", value: (e) => e.annotations?.details || "" },
    ],
  });
  const el = h("section", { class: "card" }, h("h2", {}, "History of firings"),
    h("p", { class: "muted" }, "Each time it fired (or its data went missing), newest first."), table.el);
  return { el, table };
}

/** Whether an event is still under way. */
function ongoing(e) {
  return e.runningState === "ONGOING" || !e.endTime;
}
