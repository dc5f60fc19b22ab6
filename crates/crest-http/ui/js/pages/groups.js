// Accounts › Groups: create, edit (name, description, roles), delete.

import { api, seg } from "../api.js";
import { h } from "../dom.js";
import { dataTable } from "../components/table.js";
import { rowActions } from "../components/menu.js";
import { confirmThen, formDialog } from "../components/modal.js";
import { checkedValues, field, value } from "../components/form.js";
import { toast } from "../components/toast.js";
import { accountsHead, allGroups, allRoles, chips, roleChecks } from "./accounts.js";

const BUILT_IN = ["Everyone", "Service Accounts"];

export async function render(main) {
  accountsHead(main, "groups");
  const roles = await allRoles();
  const table = dataTable({
    caption: "Groups",
    columns: [
      { label: "Name", value: (g) => g.name, render: (g) => h("strong", {}, g.name) },
      { label: "Description", value: (g) => g.description },
      { label: "Members", value: (g) => String(g.userCount) },
      { label: "Roles", value: (g) => g.roles.map((r) => r.name).join(" "), render: (g) => chips(g.roles.map((r) => r.name)) },
      { label: "Actions", class: "actions", render: (g) => actions(g) },
    ],
  });
  const load = async () => table.setRows(await allGroups());
  const editor = (g) => [
    field({ label: "Name", name: "name", value: g?.name || "", required: true, autofocus: true }),
    field({ label: "Description", name: "description", value: g?.description || "" }),
    roleChecks(roles, (g?.roles || []).map((r) => r.id)),
  ];
  const bodyOf = (form) => ({ name: value(form, "name"), description: value(form, "description"), roleIDs: checkedValues(form, "role") });

  function actions(g) {
    const edit = () => formDialog({
      title: `Edit ${g.name}`,
      wide: true,
      fields: editor(g),
      onSubmit: async (form) => {
        await api("PUT", `/api/v2/usergroup/${seg(g.id)}`, { id: g.id, ...bodyOf(form) });
        toast(`${g.name} is updated.`);
        await load();
      },
    });
    const del = () => confirmThen({ title: "Delete group", message: `Delete the group ${g.name}? Its members lose what its roles gave them.` }, () => api("DELETE", `/api/v2/usergroup/${seg(g.id)}`), { done: `${g.name} is deleted.`, failed: "Deleting the group failed", then: load });
    return rowActions(g.name, [
      { label: "Edit", run: edit },
      BUILT_IN.includes(g.name) ? null : { label: "Delete", run: del, danger: true },
    ]);
  }

  const create = h("button", { type: "button", class: "btn btn-primary" }, "Create group");
  create.addEventListener("click", () => formDialog({
    title: "Create group",
    wide: true,
    submitLabel: "Create",
    fields: editor(null),
    onSubmit: async (form) => {
      await api("POST", "/api/v2/usergroup", bodyOf(form));
      toast("Group created.");
      await load();
    },
  }));
  main.append(h("section", { class: "card" },
    h("div", { class: "card-head" }, h("h2", {}, "Groups"), h("span", { class: "grow" }), create),
    h("p", { class: "muted" }, "Add people to groups from Users (Edit). Everyone and Service Accounts are built in."),
    table.el));
  await load();
}
