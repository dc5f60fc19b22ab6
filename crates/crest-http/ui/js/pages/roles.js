// Accounts › Roles: create, edit (name, description, permissions), delete.

import { api, seg } from "../api.js";
import { h } from "../dom.js";
import { dataTable } from "../components/table.js";
import { rowActions } from "../components/menu.js";
import { confirmThen, formDialog } from "../components/modal.js";
import { checkedValues, field, value } from "../components/form.js";
import { toast } from "../components/toast.js";
import { accountsHead, allRoles, chips, permissionChecks, permissionLabels } from "./accounts.js";

export async function render(main) {
  accountsHead(main, "roles");
  const table = dataTable({
    caption: "Roles",
    columns: [
      { label: "Name", value: (r) => r.name, render: (r) => h("strong", {}, r.name) },
      { label: "Description", value: (r) => r.description },
      { label: "Permissions", value: (r) => permissionLabels(r.permissions).join(" "), render: (r) => chips(permissionLabels(r.permissions), 3) },
      { label: "Accounts", value: (r) => String(r.linkedAccountsCount) },
      { label: "Groups", value: (r) => String(r.linkedGroupsCount) },
      { label: "Actions", class: "actions", render: (r) => actions(r) },
    ],
  });
  const load = async () => table.setRows(await allRoles());
  const editor = (r) => [
    field({ label: "Name", name: "name", value: r?.name || "", required: true, autofocus: true }),
    field({ label: "Description", name: "description", value: r?.description || "" }),
    permissionChecks({ checked: r?.permissions || [] }),
  ];
  const bodyOf = (form) => ({ name: value(form, "name"), description: value(form, "description"), permissions: checkedValues(form, "perm") });

  function actions(r) {
    const edit = () => formDialog({
      title: `Edit ${r.name}`,
      wide: true,
      fields: editor(r),
      onSubmit: async (form) => {
        await api("PUT", `/api/v2/role/${seg(r.id)}`, { id: r.id, ...bodyOf(form) });
        toast(`${r.name} is updated.`);
        await load();
      },
    });
    const del = () => confirmThen({ title: "Delete role", message: `Delete the role ${r.name}? Accounts and groups holding it lose its permissions.` }, () => api("DELETE", `/api/v2/role/${seg(r.id)}`), { done: `${r.name} is deleted.`, failed: "Deleting the role failed", then: load });
    return rowActions(r.name, [
      { label: "Edit", run: edit },
      { label: "Delete", run: del, danger: true },
    ]);
  }

  const create = h("button", { type: "button", class: "btn btn-primary" }, "Create role");
  create.addEventListener("click", () => formDialog({
    title: "Create role",
    wide: true,
    submitLabel: "Create",
    fields: editor(null),
    onSubmit: async (form) => {
      await api("POST", "/api/v2/role", bodyOf(form));
      toast("Role created.");
      await load();
    },
  }));
  main.append(h("section", { class: "card" },
    h("div", { class: "card-head" }, h("h2", {}, "Roles"), h("span", { class: "grow" }), create),
    h("p", { class: "muted" }, "Assign roles to users, service accounts and groups from their Edit dialogs."),
    table.el));
  await load();
}
