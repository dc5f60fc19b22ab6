// Accounts › Users: create or invite users, their permissions, groups and roles, passwords, delete.

import { api, seg } from "../api.js";
import { h, when } from "../dom.js";
import { session } from "../session.js";
import { dataTable } from "../components/table.js";
import { rowActions } from "../components/menu.js";
import { confirmDialog, confirmThen, formDialog, openDialog } from "../components/modal.js";
import { checkedValues, field, value } from "../components/form.js";
import { secretBox } from "../components/secret.js";
import { showError, toast } from "../components/toast.js";
import { accountsHead, allGroups, allRoles, chips, groupChecks, permissionChecks, permissionLabels, roleChecks } from "./accounts.js";

export async function render(main) {
  accountsHead(main, "users");
  const [groups, roles] = await Promise.all([allGroups(), allRoles()]);
  const table = dataTable({
    caption: "Users",
    columns: [
      { label: "Email", value: (u) => u.identifier, render: (u) => h("strong", {}, u.identifier) },
      { label: "Permissions", value: (u) => permissionLabels(u.groups).join(" "), render: (u) => chips(permissionLabels(u.groups), 3) },
      { label: "Groups", value: (u) => u.userGroups.map((g) => g.name).join(" "), render: (u) => chips(u.userGroups.map((g) => g.name), 3) },
      { label: "Roles", value: (u) => u.roles.map((r) => r.name).join(" "), render: (u) => chips(u.roles.map((r) => r.name), 3) },
      { label: "Actions", class: "actions", render: (u) => actions(u) },
    ],
  });
  const invites = dataTable({
    caption: "Pending invitations",
    pageSize: 5,
    empty: "No pending invitations.",
    columns: [
      { label: "Email", value: (i) => i.emailAddress },
      { label: "Invited by", value: (i) => i.invitedBy },
      { label: "Link expires", value: (i) => when(i.expiresEpochMillis) },
      { label: "Actions", class: "actions", render: (i) => newLink(i.emailAddress) },
    ],
  });
  const load = async () => {
    const [list, pending] = await Promise.all([api("GET", "/api/v2/account/user"), api("GET", "/api/crest/v1/invites")]);
    table.setRows(list);
    invites.setRows(Array.isArray(pending) ? pending : pending?.items || []);
  };

  function newLink(email) {
    return rowActions(email, [{ label: "New link", run: async () => {
      if (!(await confirmDialog({ title: "New invitation link", message: `Make a new link for ${email}? Any earlier link stops working.`, confirmLabel: "Make link", danger: false }))) return;
      try {
        const minted = await api("POST", `/api/crest/v1/invites/${seg(email)}/link`);
        const done = h("button", { type: "button", class: "btn btn-primary" }, "Done");
        const dlg = openDialog({ title: "Invitation link", content: h("div", { class: "dialog-body" },
          secretBox({ label: `Link for ${email} (valid 24 hours)`, secret: minted.link, note: "Hand this link to them; it is shown only now." }),
          h("div", { class: "dialog-actions" }, done)), onClose: () => load().catch(showError) });
        done.addEventListener("click", dlg.close);
      } catch (e) {
        showError(e);
      }
    } }]);
  }

  function editor(u) {
    return [
      u ? null : field({ label: "Email address", name: "email", type: "email", required: true, autofocus: true }),
      permissionChecks({ checked: u?.groups || [] }),
      groupChecks(groups, (u?.userGroups || []).map((g) => g.id), ["Everyone", "Service Accounts"]),
      roleChecks(roles, (u?.roles || []).map((r) => r.id)),
    ];
  }

  function actions(u) {
    const edit = () => formDialog({
      title: `Edit ${u.identifier}`,
      wide: true,
      fields: [...editor(u),
        field({ label: "Set a new password (optional)", name: "credential", type: "password", autocomplete: "new-password", help: "At least 8 characters. Leave empty to keep the current one." })],
      onSubmit: async (form) => {
        const body = {
          identifier: u.identifier,
          groups: checkedValues(form, "perm"),
          userGroups: checkedValues(form, "group"),
          roles: checkedValues(form, "role"),
        };
        const credential = form.elements.credential.value;
        if (credential) body.credential = credential;
        await api("PUT", `/api/v2/account/user/${seg(u.identifier)}`, body);
        toast(`${u.identifier} is updated.`);
        await load();
      },
    });
    const del = () => confirmThen({ title: "Delete user", message: `Delete ${u.identifier}? Their tokens are deleted with the account. This cannot be undone.` }, () => api("DELETE", `/api/v2/account/${seg(u.identifier)}`), { done: `${u.identifier} is deleted.`, failed: "Deleting the user failed", then: load });
    return rowActions(u.identifier, [
      { label: "Edit", run: edit },
      u.identifier === session().identifier ? null : { label: "Delete", run: del, danger: true },
    ]);
  }

  const create = h("button", { type: "button", class: "btn btn-primary" }, "Create user");
  create.addEventListener("click", () => formDialog({
    title: "Create user",
    wide: true,
    submitLabel: "Create",
    fields: [...editor(null),
      h("label", { class: "check" }, h("input", { type: "checkbox", name: "invite", checked: true }),
        h("span", {}, "Invite: make a sign-up link for them to set their own password"))],
    onSubmit: async (form) => {
      const email = value(form, "email");
      const user = { emailAddress: email, groups: checkedValues(form, "perm"), userGroups: checkedValues(form, "group"), roles: checkedValues(form, "role") };
      if (!form.elements.invite.checked) {
        await api("POST", "/api/v2/account/user", user);
        toast(`${email} is created. Set a password with Edit.`);
        return undefined;
      }
      await api("POST", "/api/v2/account/user/invite", [user]);
      try {
        const minted = await api("POST", `/api/crest/v1/invites/${seg(email)}/link`);
        return secretBox({ label: `Invitation link for ${email} (valid 24 hours)`, secret: minted.link, note: "Hand this link to them; it is shown only now." });
      } catch (e) {
        toast(`${email} is invited. ${e.message}`, "info");
        return undefined;
      }
    },
    onClose: () => load().catch(showError),
  }));

  main.append(h("section", { class: "card" },
    h("div", { class: "card-head" }, h("h2", {}, "Users"), h("span", { class: "grow" }), create), table.el),
  h("section", { class: "card" }, h("div", { class: "card-head" }, h("h2", {}, "Pending invitations")),
    h("p", { class: "muted" }, "Invited people choose their password from their link, valid 24 hours."), invites.el));
  await load();
}
