// Accounts › API Tokens: every token of the organization, filtered by account type and use; revoke.

import { api } from "../api.js";
import { h, when } from "../dom.js";
import { PUBLIC_ID, dataTable, publicId } from "../components/table.js";
import { confirmThen } from "../components/modal.js";
import { rowActions } from "../components/menu.js";
import { accountsHead } from "./accounts.js";

const TYPES = {
  USER_ACCOUNT: "User",
  SERVICE_ACCOUNT: "Service account",
  INACTIVE_SERVICE_ACCOUNT: "Inactive service account",
  CSP_USER_ACCOUNT: "CSP user",
  CSP_AUTHORIZED_USER_ACCOUNT: "CSP user",
  CSP_SERVICE_ACCOUNT: "OAuth app",
  CSP_AUTHORIZED_SERVICE_ACCOUNT: "OAuth app",
};
const DAY = 24 * 3600 * 1000;

const USAGE = {
  recent: (t) => t.lastUsed && Date.now() - t.lastUsed < 7 * DAY,
  stale: (t) => !t.lastUsed || Date.now() - t.lastUsed >= 30 * DAY,
  never: (t) => !t.lastUsed,
};

export async function render(main) {
  accountsHead(main, "tokens");
  const table = dataTable({
    caption: "Every API token of the organization",
    pageSize: 15,
    empty: "The organization has no API tokens.",
    selects: [
      {
        label: "Account type",
        options: [{ value: "", label: "All" }, { value: "USER_ACCOUNT", label: "Users" }, { value: "SERVICE_ACCOUNT", label: "Service accounts" }, { value: "INACTIVE_SERVICE_ACCOUNT", label: "Inactive service accounts" }, { value: "CSP_SERVICE_ACCOUNT", label: "OAuth apps" }],
        test: (t, v) => t.accountType === v,
      },
      {
        label: "Usage",
        options: [{ value: "", label: "Any" }, { value: "recent", label: "Used in the last 7 days" }, { value: "stale", label: "Not used for 30 days" }, { value: "never", label: "Never used" }],
        test: (t, v) => !!USAGE[v](t),
      },
    ],
    columns: [
      { label: "Name", value: (t) => t.name, render: (t) => t.name || h("span", { class: "muted" }, "(no name)") },
      { label: "Account", value: (t) => t.account, render: (t) => h("strong", {}, t.account) },
      { label: "Type", value: (t) => TYPES[t.accountType] || t.accountType },
      { label: PUBLIC_ID, value: (t) => t.id, render: (t) => publicId(t.id) },
      { label: "Created", value: (t) => when(t.dateGenerated || t.createdEpochMillis) },
      { label: "Last used", value: (t) => when(t.lastUsed, "Never") },
      { label: "Actions", class: "actions", render: (t) => revoke(t) },
    ],
  });
  const load = async () => table.setRows(await api("GET", "/api/v2/apitoken/customertokens"));
  function revoke(t) {
    if (t.accountType?.startsWith("CSP_")) return h("span", { class: "muted small" }, "Managed in the Organization console");
    return rowActions(`${t.name || t.id} of ${t.account}`, [{
      label: "Revoke",
      danger: true,
      run: () => confirmThen({ title: "Revoke token", message: `Revoke "${t.name || t.id}" of ${t.account}? Anything using it stops working at once.`, confirmLabel: "Revoke" }, () => api("PUT", "/api/v2/apitoken/customertokens/revoke", { tokenID: t.id }), { done: "Token revoked.", failed: "Revoking the token failed", then: load }),
    }]);
  }
  main.append(h("section", { class: "card" }, h("div", { class: "card-head" }, h("h2", {}, "API Tokens")), table.el));
  await load();
}
