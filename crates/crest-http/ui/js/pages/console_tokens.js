// Organization console › API Tokens: your organization API tokens (name, lifetime, roles), revoke.

import { api, seg } from "../api.js";
import { h, when } from "../dom.js";
import { session } from "../session.js";
import { serviceRoles } from "../permissions.js";
import { consoleTabs, pageHead } from "../components/layout.js";
import { dataTable } from "../components/table.js";
import { rowActions } from "../components/menu.js";
import { confirmThen, formDialog } from "../components/modal.js";
import { showError } from "../components/toast.js";
import { checkboxes, checkedValues, field, value } from "../components/form.js";
import { secretBox } from "../components/secret.js";

const BASE = "/api/crest/v1/csp/tokens";
const LIFETIMES = [
  ["", "Never expires"], ["60", "1 hour"], ["1440", "1 day"], ["43200", "30 days"], ["129600", "90 days"], ["525600", "1 year"],
];

export function consoleHead(main, current) {
  pageHead(main, { title: "Organization console", subtitle: "VMware Cloud services–compatible credentials for SDKs, proxies and scripts", base: "/ui/console", tabs: consoleTabs(), current });
}

/** Whether this instance makes identity-service credentials: an original subscription exchanges
 *  none, so it makes none (the server refuses too). */
export function makesCredentials() {
  return session()?.subscription !== "original";
}

/** What the console says instead of offering credentials under an original subscription. */
export function originalNote(what) {
  return h("p", { class: "note", role: "note" }, `This instance serves an original subscription: it exchanges no ${what} for access tokens, so it makes none. Scripts and tools use API tokens (API Access).`);
}

/** A token's or an app's roles; none means the organization's Member role only. */
export function roleChips(roles) {
  if (!roles.length) return h("span", { class: "muted" }, "None (Member only)");
  return h("ul", { class: "chips" }, roles.map((r) => h("li", { class: "chip" }, r)));
}

export async function render(main) {
  consoleHead(main, "tokens");
  const s = session();
  const roles = serviceRoles(s.permissions || [], s.superAdmin);
  const table = dataTable({
    caption: "Your organization API tokens",
    empty: "You have no organization API tokens.",
    selects: [{ label: "State", options: [{ value: "", label: "All" }, { value: "live", label: "Active" }, { value: "dead", label: "Revoked or expired" }], test: (t, v) => (v === "live") === alive(t) }],
    columns: [
      { label: "Name", value: (t) => t.name, render: (t) => h("strong", {}, t.name) },
      { label: "Roles", value: (t) => t.roles.join(" "), render: (t) => roleChips(t.roles) },
      { label: "Created", value: (t) => when(t.createdEpochMillis) },
      { label: "Expires", value: (t) => when(t.expiresEpochMillis, "Never") },
      { label: "State", value: (t) => state(t), render: (t) => h("span", { class: alive(t) ? "badge badge-ok" : "badge" }, state(t)) },
      { label: "Actions", class: "actions", render: (t) => (t.revoked ? "" : revoke(t)) },
    ],
  });
  const load = async () => table.setRows(await api("GET", BASE));
  function revoke(t) {
    return rowActions(t.name, [{
      label: "Revoke",
      danger: true,
      run: () => confirmThen({ title: "Revoke organization API token", message: `Revoke "${t.name}"? The access tokens made from it stop working too.`, confirmLabel: "Revoke" }, () => api("DELETE", `${BASE}/${seg(t.id)}`), { done: "Token revoked.", then: load }),
    }]);
  }
  const create = makesCredentials() ? h("button", { type: "button", class: "btn btn-primary" }, "Generate API token") : null;
  create?.addEventListener("click", () => formDialog({
    title: "Generate organization API token",
    submitLabel: "Generate",
    wide: true,
    fields: [
      field({ label: "Name", name: "name", required: true, autofocus: true, placeholder: "e.g. proxy on host-7" }),
      field({ label: "Lifetime", name: "ttl", options: LIFETIMES.map(([v, l]) => ({ value: v, label: l })), value: "" }),
      checkboxes({ legend: "Roles (scopes)", name: "role", items: roles.map((r) => ({ value: r.name, label: `${r.label} (${r.name})` })), checked: ["aoa:viewer"], help: "Only roles you hold." }),
    ],
    onSubmit: async (form) => {
      const ttl = value(form, "ttl");
      const body = { name: value(form, "name"), roles: checkedValues(form, "role") };
      if (ttl) body.ttlMinutes = Number(ttl);
      const created = await api("POST", BASE, body);
      return h("div", {}, secretBox({ label: `Your new API token "${created.details.name}"`, secret: created.token }),
        h("p", { class: "muted small" }, "Exchange it for an access token: POST /csp/gateway/am/api/auth/api-tokens/authorize with the form field api_token=<token>. Organization: ",
          h("code", {}, created.orgId)));
    },
    onClose: () => load().catch(showError),
  }));
  main.append(h("section", { class: "card" },
    h("div", { class: "card-head" }, h("h2", {}, "API Tokens"), h("span", { class: "grow" }), create),
    makesCredentials()
      ? h("p", { class: "muted" }, "Organization API tokens are exchanged for short-lived access tokens. Each token's secret is shown only when it is generated.")
      : originalNote("organization API tokens"),
    table.el));
  await load();
}

function alive(t) {
  return !t.revoked && !(t.expiresEpochMillis && t.expiresEpochMillis < Date.now());
}

function state(t) {
  if (t.revoked) return "Revoked";
  return alive(t) ? "Active" : "Expired";
}
