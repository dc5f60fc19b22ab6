// Organization console › OAuth Apps: server-to-server apps; create, regenerate the secret, delete.

import { api, seg } from "../api.js";
import { h, when } from "../dom.js";
import { session } from "../session.js";
import { serviceRoles } from "../permissions.js";
import { dataTable } from "../components/table.js";
import { confirmDialog, confirmThen, formDialog, openDialog } from "../components/modal.js";
import { checkboxes, checkedValues, field, value } from "../components/form.js";
import { secretBox } from "../components/secret.js";
import { showError } from "../components/toast.js";
import { rowActions } from "../components/menu.js";
import { consoleHead, makesCredentials, originalNote, roleChips } from "./console_tokens.js";

const BASE = "/api/crest/v1/csp/apps";

function credentials(c, title) {
  return h("div", { class: "stack" },
    h("p", {}, title),
    secretBox({ label: "Client ID", secret: c.clientId, note: "" }),
    secretBox({ label: "Client secret", secret: c.clientSecret }),
    h("p", { class: "muted small" }, "Exchange them: POST /csp/gateway/am/api/auth/authorize with HTTP Basic client_id:secret and grant_type=client_credentials. Organization: ",
      h("code", {}, c.orgId)));
}

export async function render(main) {
  consoleHead(main, "apps");
  const s = session();
  const roles = serviceRoles(s.permissions || [], s.superAdmin);
  const table = dataTable({
    caption: "OAuth apps",
    empty: "No OAuth apps yet.",
    columns: [
      { label: "Name", value: (a) => a.name, render: (a) => h("strong", {}, a.name) },
      { label: "Client ID", value: (a) => a.clientId, render: (a) => h("code", {}, a.clientId) },
      { label: "Roles", value: (a) => a.roles.join(" "), render: (a) => roleChips(a.roles) },
      { label: "Access token lifetime", value: (a) => `${a.accessTokenTtlMinutes} min` },
      { label: "Created", value: (a) => when(a.createdEpochMillis) },
      { label: "Actions", class: "actions", render: (a) => actions(a) },
    ],
  });
  const load = async () => table.setRows(await api("GET", BASE));
  function actions(a) {
    const regen = async () => {
      if (!(await confirmDialog({ title: "Regenerate secret", message: `Make a new secret for ${a.name}? The current secret and its access tokens stop working at once.`, confirmLabel: "Regenerate" }))) return;
      try {
        const c = await api("POST", `${BASE}/${seg(a.clientId)}/secret`);
        const done = h("button", { type: "button", class: "btn btn-primary" }, "Done");
        const dlg = openDialog({ title: `New secret for ${a.name}`, content: h("div", { class: "dialog-body" }, credentials(c, "The new credentials:"), h("div", { class: "dialog-actions" }, done)) });
        done.addEventListener("click", dlg.close);
      } catch (e) {
        showError(e);
      }
    };
    const del = () => confirmThen({ title: "Delete OAuth app", message: `Delete ${a.name}? Its access tokens stop working at once.` }, () => api("DELETE", `${BASE}/${seg(a.clientId)}`), { done: `${a.name} is deleted.`, then: load });
    return rowActions(a.name, [
      makesCredentials() ? { label: "Regenerate secret", run: regen } : null,
      { label: "Delete", run: del, danger: true },
    ]);
  }
  const create = makesCredentials() ? h("button", { type: "button", class: "btn btn-primary" }, "Create OAuth app") : null;
  create?.addEventListener("click", () => formDialog({
    title: "Create OAuth app",
    submitLabel: "Create",
    wide: true,
    fields: [
      field({ label: "Name", name: "name", required: true, autofocus: true }),
      field({ label: "Description", name: "description" }),
      field({ label: "Access token lifetime (minutes)", name: "ttl", type: "number", value: "30", min: "1", max: "300", required: true }),
      checkboxes({ legend: "Roles", name: "role", items: roles.map((r) => ({ value: r.name, label: `${r.label} (${r.name})` })), checked: ["aoa:viewer"], help: "Only roles you hold." }),
    ],
    onSubmit: async (form) => {
      const c = await api("POST", BASE, {
        name: value(form, "name"), description: value(form, "description"),
        roles: checkedValues(form, "role"), accessTokenTtlMinutes: Number(value(form, "ttl")),
      });
      return credentials(c, "The app is created. Its secret is shown only now.");
    },
    onClose: () => load().catch(showError),
  }));
  main.append(h("section", { class: "card" },
    h("div", { class: "card-head" }, h("h2", {}, "OAuth Apps"), h("span", { class: "grow" }), create),
    makesCredentials()
      ? h("p", { class: "muted" }, "Server-to-server apps get access tokens with their client ID and secret.")
      : originalNote("OAuth apps"),
    table.el));
  await load();
}
