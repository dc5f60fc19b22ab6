// Accounts › Service Accounts: create, activate or deactivate, permissions, tokens, delete.

import { api, seg } from "../api.js";
import { h, when } from "../dom.js";
import { dataTable, tokenIdColumn } from "../components/table.js";
import { rowActions } from "../components/menu.js";
import { session } from "../session.js";
import { confirmDialog, confirmThen, formDialog, openDialog } from "../components/modal.js";
import { checkedValues, field, value } from "../components/form.js";
import { secretBox } from "../components/secret.js";
import { showError, toast } from "../components/toast.js";
import { accountsHead, allGroups, allRoles, chips, groupChecks, permissionChecks, permissionLabels, roleChecks } from "./accounts.js";

const SA = "/api/v2/account/serviceaccount";
const NO_TOKENS = ["token_management"];

export async function render(main) {
  accountsHead(main, "service-accounts");
  const [groups, roles] = await Promise.all([allGroups(), allRoles()]);
  const table = dataTable({
    caption: "Service accounts",
    selects: [{ label: "Status", options: [{ value: "", label: "All" }, { value: "active", label: "Active" }, { value: "inactive", label: "Inactive" }], test: (a, v) => (v === "active") === a.active }],
    columns: [
      { label: "ID", value: (a) => a.identifier, render: (a) => h("strong", {}, a.identifier) },
      { label: "Description", value: (a) => a.description },
      { label: "Status", value: (a) => (a.active ? "Active" : "Inactive"), render: (a) => h("span", { class: a.active ? "badge badge-ok" : "badge" }, a.active ? "Active" : "Inactive") },
      { label: "Permissions", value: (a) => permissionLabels(a.groups).join(" "), render: (a) => chips(permissionLabels(a.groups), 3) },
      { label: "Tokens", value: (a) => String(a.tokens.length) },
      { label: "Last used", value: (a) => when(a.lastUsed, "Never") },
      { label: "Actions", class: "actions", render: (a) => actions(a) },
    ],
  });
  const load = async () => table.setRows(await api("GET", SA));

  const editor = (a) => [
    a ? null : field({ label: "ID", name: "identifier", required: true, autofocus: true, placeholder: "sa::deploy-bot", help: "Starts with sa:: (added if missing); lower case." }),
    field({ label: "Description", name: "description", value: a?.description || "" }),
    permissionChecks({ checked: a?.groups || [], exclude: NO_TOKENS }),
    groupChecks(groups, (a?.userGroups || []).map((g) => g.id), ["Everyone", "Service Accounts"]),
    roleChecks(roles, (a?.roles || []).map((r) => r.id)),
  ];
  const bodyOf = (form) => ({
    description: value(form, "description"),
    groups: checkedValues(form, "perm"),
    userGroups: checkedValues(form, "group"),
    roles: checkedValues(form, "role"),
  });

  function actions(a) {
    const id = a.identifier;
    const edit = () => formDialog({
      title: `Edit ${id}`,
      wide: true,
      fields: editor(a),
      onSubmit: async (form) => {
        await api("PUT", `${SA}/${seg(id)}`, { identifier: id, active: a.active, ...bodyOf(form) });
        toast(`${id} is updated.`);
        await load();
      },
    });
    const toggle = async () => {
      if (a.active && !(await confirmDialog({ title: "Deactivate service account", message: `Deactivate ${id}? Its tokens are refused until it is activated again.`, confirmLabel: "Deactivate" }))) return;
      try {
        await api("POST", `${SA}/${seg(id)}/${a.active ? "deactivate" : "activate"}`);
        toast(`${id} is ${a.active ? "deactivated" : "activated"}.`);
        await load();
      } catch (e) {
        showError(e);
      }
    };
    const del = () => confirmThen({ title: "Delete service account", message: `Delete ${id} and all its tokens? This cannot be undone.` }, () => api("DELETE", `/api/v2/account/${seg(id)}`), { done: `${id} is deleted.`, failed: "Deleting the service account failed", then: load });
    return rowActions(id, [
      { label: "Tokens", run: () => tokensDialog(id, load) },
      { label: "Edit", run: edit },
      { label: a.active ? "Deactivate" : "Activate", run: toggle },
      { label: "Delete", run: del, danger: true },
    ]);
  }

  const create = h("button", { type: "button", class: "btn btn-primary" }, "Create service account");
  create.addEventListener("click", () => formDialog({
    title: "Create service account",
    wide: true,
    submitLabel: "Create",
    fields: editor(null),
    onSubmit: async (form) => {
      let identifier = value(form, "identifier").toLowerCase();
      if (!identifier.startsWith("sa::")) identifier = `sa::${identifier}`;
      await api("POST", SA, { identifier, active: true, ...bodyOf(form) });
      toast(`${identifier} is created.`);
      await load();
      tokensDialog(identifier, load);
    },
  }));

  main.append(h("section", { class: "card" },
    h("div", { class: "card-head" }, h("h2", {}, "Service Accounts"), h("span", { class: "grow" }), create),
    h("p", { class: "muted" }, "Service accounts are for scripts and tools: they have tokens, never a password."),
    table.el));
  await load();
}

/** A service account's tokens: generate (secret shown once), rename, revoke. */
function tokensDialog(id, onChange) {
  const base = `/api/v2/apitoken/serviceaccount/${seg(id)}`;
  const secretArea = h("div", { class: "secret-area" });
  const table = dataTable({
    caption: `Tokens of ${id}`,
    pageSize: 5,
    empty: "No tokens yet.",
    columns: [
      { label: "Name", value: (t) => t.tokenName || "", render: (t) => t.tokenName || h("span", { class: "muted" }, "(no name)") },
      tokenIdColumn(session().tokensRetrievable),
      { label: "Created", value: (t) => when(t.dateGenerated) },
      { label: "Last used", value: (t) => when(t.lastUsed, "Never") },
      { label: "Actions", class: "actions", render: (t) => revokeButton(t) },
    ],
  });
  const load = async () => table.setRows(await api("GET", base));
  function revokeButton(t) {
    return rowActions(t.tokenName || t.tokenID, [{
      label: "Revoke",
      danger: true,
      run: () => confirmThen({ title: "Revoke token", message: `Revoke "${t.tokenName || t.tokenID}" of ${id}? This cannot be undone.`, confirmLabel: "Revoke" }, () => api("DELETE", `${base}/${seg(t.tokenID)}`), { done: "Token revoked.", then: load }),
    }]);
  }
  const name = field({ label: "New token's name", name: "tokenName", required: true, placeholder: "e.g. ci" });
  const form = h("form", { class: "inline-form" }, name, h("button", { type: "submit", class: "btn btn-primary" }, "Generate token"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      const list = await api("POST", base, { tokenName: value(form, "tokenName") });
      const secret = list[list.length - 1].tokenID;
      secretArea.replaceChildren(secretBox({ label: `New token for ${id}`, secret }));
      secretArea.querySelector(".copy-btn")?.focus();
      form.reset();
      await load();
    } catch (err) {
      showError(err, "Generating the token failed");
    }
  });
  openDialog({ title: `Tokens of ${id}`, wide: true, content: h("div", { class: "dialog-body" }, form, secretArea, table.el), onClose: () => onChange().catch(showError) });
  load().catch(showError);
}
