// What the Accounts pages share: the heading with its tabs, lists of groups and roles, pickers.

import { api } from "../api.js";
import { h } from "../dom.js";
import { can } from "../session.js";
import { PERMISSIONS, label } from "../permissions.js";
import { ACCOUNT_TABS, pageHead } from "../components/layout.js";
import { checkboxes } from "../components/form.js";

export function accountsHead(main, current) {
  pageHead(main, { title: "Accounts", base: "/ui/accounts", tabs: ACCOUNT_TABS, current });
}

/** The items of a list or of a page. */
export function items(resp) {
  return Array.isArray(resp) ? resp : resp?.items || [];
}

export async function allGroups() {
  return items(await api("GET", "/api/v2/usergroup?offset=0&limit=1000"));
}

export async function allRoles() {
  return items(await api("GET", "/api/v2/role?offset=0&limit=1000"));
}

/** Checkboxes of permissions; those the signed-in person lacks cannot be handed out. */
export function permissionChecks({ checked = [], exclude = [] } = {}) {
  const box = checkboxes({
    legend: "Permissions",
    name: "perm",
    items: PERMISSIONS.filter((p) => !exclude.includes(p.name)).map((p) => ({ value: p.name, label: p.label })),
    checked,
    help: "You can hand out only the permissions you hold.",
  });
  for (const input of box.querySelectorAll("input")) {
    if (!can(input.value) && !input.checked) input.disabled = true;
  }
  return box;
}

export function groupChecks(groups, checked = [], skip = []) {
  return checkboxes({
    legend: "Groups",
    name: "group",
    items: groups.filter((g) => !skip.includes(g.name)).map((g) => ({ value: g.id, label: g.name })),
    checked,
  });
}

export function roleChecks(roles, checked = []) {
  return checkboxes({ legend: "Roles", name: "role", items: roles.map((r) => ({ value: r.id, label: r.name })), checked });
}

/** A short list of chips, "+N" past `max`. */
export function chips(names, max = 4) {
  if (!names.length) return h("span", { class: "muted" }, "None yet");
  const shown = names.slice(0, max);
  return h("ul", { class: "chips" }, shown.map((n) => h("li", { class: "chip" }, n)),
    names.length > max ? h("li", { class: "chip chip-more" }, `+${names.length - max}`) : null);
}

export const permissionLabels = (names) => (names || []).map(label).sort();
