// An alert's state for people: its status badges, its severity, when its state last changed,
// its snooze, and the Snooze and Unsnooze actions (offered only to those who may change it).

import { api, seg } from "../api.js";
import { h, when } from "../dom.js";
import { can, session } from "../session.js";
import { formDialog } from "./modal.js";
import { field, value } from "./form.js";
import { showError, toast } from "./toast.js";

/** Each `status` value the API reports: its label and its badge. */
export const STATES = {
  FIRING: ["Firing", "badge badge-bad"],
  SNOOZED: ["Snoozed", "badge badge-warn"],
  IN_MAINTENANCE: ["In maintenance", "badge badge-info"],
  INVALID: ["Invalid", "badge badge-bad"],
  NO_DATA: ["No data", "badge badge-warn"],
  CHECKING: ["Checking", "badge badge-ok"],
  NONE: ["None", "badge"],
  TRASH: ["In the trash", "badge"],
};

/** The severities, lowest first, as the API writes them. */
export const SEVERITIES = ["INFO", "SMOKE", "WARN", "SEVERE"];

const SEVERITY_BADGE = { INFO: "badge", SMOKE: "badge badge-info", WARN: "badge badge-warn", SEVERE: "badge badge-bad" };

/** "Warn" for WARN. */
export function severityLabel(s) {
  const up = String(s || "").toUpperCase();
  return up ? up[0] + up.slice(1).toLowerCase() : "";
}

/** The alert's states, most telling first (the API's order). */
export function states(alert) {
  return alert.status?.length ? alert.status : ["CHECKING"];
}

/** The states as text, for filtering: "Firing Snoozed". */
export function statesText(alert) {
  return states(alert).map((s) => (STATES[s] || [s])[0]).join(" ");
}

/** One badge per state; each keeps the API's word in its title. */
export function stateBadges(alert) {
  return h("span", { class: "badges" }, states(alert).map((s) => {
    const [label, cls] = STATES[s] || [s, "badge"];
    return h("span", { class: cls, title: s, dataset: { state: s } }, label);
  }));
}

/**
 * The severity to show: a CLASSIC alert's own; a THRESHOLD alert's current one while it fires
 * (the API then reports it as `severity`), otherwise the highest of its `severityList`.
 */
export function severityOf(alert) {
  if (alert.severity) return { severity: alert.severity.toUpperCase(), highest: false };
  const list = (alert.severityList || []).map((s) => s.toUpperCase());
  const highest = [...SEVERITIES].reverse().find((s) => list.includes(s));
  return { severity: highest || "", highest: !!highest && list.length > 1 };
}

export function severityBadge(severity) {
  if (!severity) return h("span", { class: "muted" }, "—");
  return h("span", { class: SEVERITY_BADGE[severity] || "badge" }, severityLabel(severity));
}

/** The severity cell: the badge, and "highest" when it is the highest of several not firing. */
export function severityCell(alert) {
  const { severity, highest } = severityOf(alert);
  return h("span", { class: "badges" }, severityBadge(severity), highest ? h("span", { class: "muted small" }, "highest") : null);
}

/**
 * When the alert's state last changed, as the API exposes it: `lastEventTime`, the start of its
 * last event (it fired, or its data went missing); an alert that never did has been in its state
 * since it was created (`created`).
 */
export function lastChange(alert) {
  return alert.lastEventTime || alert.created || alert.createdEpochMillis || null;
}

/** Whether the alert is snoozed now (the API leaves `snoozed` out once a snooze has run out). */
export function isSnoozed(alert) {
  return alert.snoozed !== undefined && alert.snoozed !== null && alert.snoozed !== 0;
}

/** "Snoozed until 6 Dec 2026, 11:00" or "Snoozed until unsnoozed"; null when not snoozed. */
export function snoozeText(alert) {
  if (!isSnoozed(alert)) return null;
  return alert.snoozed < 0 ? "Snoozed until unsnoozed" : `Snoozed until ${when(alert.snoozed)}`;
}

/** Whether the signed-in person may change alerts at all: the Alerts permission, or Super
 *  Admin mode. */
export function mayChangeAlerts() {
  return can("alerts_management") || !!session()?.superAdminMode;
}

/** Whether the signed-in person may change this alert: alerts at all and, when the alert has an
 *  ACL, a place in it (`modifyAclAccess`). The server checks the same and refuses the rest. */
export function mayChange(alert) {
  return mayChangeAlerts() && alert.modifyAclAccess !== false && !alert.inTrash;
}

const DURATIONS = [
  ["3600", "1 hour"],
  ["86400", "1 day"],
  ["", "Until unsnoozed"],
];

/**
 * The alert's snooze action for those who may change it: Unsnooze while snoozed, otherwise Snooze
 * (a dialog that asks for how long). `then` runs after a change (the page's reload). Null for
 * the others.
 */
export function snoozeAction(alert, then) {
  if (!mayChange(alert)) return null;
  const path = `/api/v2/alert/${seg(alert.id)}`;
  if (isSnoozed(alert)) {
    return {
      label: "Unsnooze",
      run: async () => {
        try {
          await api("POST", `${path}/unsnooze`);
          toast(`${alert.name} is no longer snoozed.`);
          await then();
        } catch (e) {
          showError(e, "Unsnoozing failed");
        }
      },
    };
  }
  return {
    label: "Snooze",
    run: () => formDialog({
      title: `Snooze ${alert.name}`,
      submitLabel: "Snooze",
      fields: [
        h("p", { class: "muted" }, "A snoozed alert is not checked and sends no notifications."),
        field({ label: "For", name: "seconds", value: "3600", options: DURATIONS.map(([v, l]) => ({ value: v, label: l })) }),
      ],
      onSubmit: async (form) => {
        const seconds = value(form, "seconds");
        await api("POST", `${path}/snooze${seconds ? `?seconds=${seconds}` : ""}`);
        toast(`${alert.name} is snoozed.`);
        await then();
      },
    }),
  };
}
