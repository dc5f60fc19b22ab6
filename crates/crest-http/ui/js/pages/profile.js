// Your profile: API Access (your API tokens: generate, rename, revoke), password, sessions.

import { api, seg } from "../api.js";
import { h, when } from "../dom.js";
import { can, session, signOutEverywhere } from "../session.js";
import { label } from "../permissions.js";
import { pageHead } from "../components/layout.js";
import { dataTable, tokenIdColumn } from "../components/table.js";
import { rowActions } from "../components/menu.js";
import { confirmDialog, confirmThen, formDialog } from "../components/modal.js";
import { field, value } from "../components/form.js";
import { secretBox } from "../components/secret.js";
import { showError, toast } from "../components/toast.js";

const TOKENS = "/api/v2/apitoken";

export async function render(main, { navigate }) {
  const s = session();
  pageHead(main, { title: "API Access", subtitle: `Signed in as ${s.identifier}` });

  const table = dataTable({
    caption: "Your API tokens",
    empty: "You have no API tokens.",
    columns: [
      { label: "Name", value: (t) => t.tokenName || "", render: (t) => t.tokenName || h("span", { class: "muted" }, "(no name)") },
      tokenIdColumn(s.tokensRetrievable),
      { label: "Created", value: (t) => when(t.dateGenerated) },
      { label: "Last used", value: (t) => when(t.lastUsed, "Never") },
      { label: "Actions", class: "actions", render: (t) => actions(t) },
    ],
  });
  const count = h("span", { class: "muted" });
  const load = async () => {
    const list = await api("GET", TOKENS);
    table.setRows(list);
    count.textContent = `${list.length} of 20 tokens`;
  };

  function actions(t) {
    const rename = () => formDialog({
      title: "Rename token",
      fields: field({ label: "Name", name: "name", value: t.tokenName || "", required: true, autofocus: true }),
      onSubmit: async (form) => {
        await api("PUT", `${TOKENS}/${seg(t.tokenID)}`, { tokenID: t.tokenID, tokenName: value(form, "name") });
        toast("Token renamed.");
        await load();
      },
    });
    const revoke = () => confirmThen({
      title: "Revoke token",
      message: `Revoke "${t.tokenName || t.tokenID}"? Anything using it stops working at once. This cannot be undone.`,
      confirmLabel: "Revoke",
    }, () => api("DELETE", `${TOKENS}/${seg(t.tokenID)}`), { done: "Token revoked.", failed: "Revoking the token failed", then: load });
    return rowActions(t.tokenName || t.tokenID, [
      { label: "Rename", run: rename },
      { label: "Revoke", run: revoke, danger: true },
    ]);
  }

  const generate = can("token_management")
    ? h("button", { type: "button", class: "btn btn-primary" }, "Generate token")
    : null;
  generate?.addEventListener("click", () => formDialog({
    title: "Generate API token",
    submitLabel: "Generate",
    fields: field({ label: "Name", name: "name", required: true, autofocus: true, placeholder: "e.g. deploy script", help: "A name helps you recognise the token later." }),
    onSubmit: async (form) => {
      const list = await api("POST", TOKENS);
      const secret = list[list.length - 1].tokenID;
      const name = value(form, "name");
      if (name) await api("PUT", `${TOKENS}/${seg(secret)}`, { tokenID: secret, tokenName: name });
      return secretBox({ label: `Your new token "${name}"`, secret });
    },
    onClose: () => load().catch(showError),
  }));

  main.append(
    h("section", { class: "card", "aria-labelledby": "tokens-h" },
      h("div", { class: "card-head" }, h("h2", { id: "tokens-h" }, "API Tokens"), count, h("span", { class: "grow" }), generate),
      h("p", { class: "muted" }, "Scripts and tools call the API with ", h("code", {}, "Authorization: Bearer <token>"),
        ". A token carries your permissions. Its secret is shown only when it is generated."),
      can("token_management") ? null : h("p", { class: "note" }, "Generating tokens needs the API Tokens permission; you can still rename and revoke your tokens."),
      table.el),
    h("div", { class: "grid-2" }, passwordCard(), accountCard(s, navigate)));
  await load();
}

function passwordCard() {
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, "Change password");
  const form = h("form", { class: "stack", "aria-labelledby": "password-h" },
    field({ label: "Current password", name: "currentPassword", type: "password", required: true, autocomplete: "current-password" }),
    field({ label: "New password", name: "newPassword", type: "password", required: true, autocomplete: "new-password", help: "At least 8 characters." }),
    field({ label: "Repeat the new password", name: "repeat", type: "password", required: true, autocomplete: "new-password" }),
    error, h("div", {}, submit));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const { currentPassword, newPassword, repeat } = form.elements;
    error.hidden = false;
    if (newPassword.value !== repeat.value) { error.textContent = "The new passwords differ."; return; }
    error.hidden = true;
    submit.disabled = true;
    try {
      await api("POST", "/api/crest/v1/password", { currentPassword: currentPassword.value, newPassword: newPassword.value });
      form.reset();
      toast("Your password is changed.");
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
    } finally {
      submit.disabled = false;
    }
  });
  return h("section", { class: "card" }, h("h2", { id: "password-h" }, "Password"), form);
}

function accountCard(s, navigate) {
  const everywhere = h("button", { type: "button", class: "btn" }, "Sign out everywhere");
  everywhere.addEventListener("click", async () => {
    const ok = await confirmDialog({
      title: "Sign out everywhere",
      message: "End every browser session of your account, this one included? API tokens keep working.",
      confirmLabel: "Sign out everywhere",
    });
    if (!ok) return;
    await signOutEverywhere().catch(showError);
    navigate("/ui/signin", { replace: true });
  });
  const perms = (s.permissions || []).map(label).sort();
  return h("section", { class: "card" },
    h("h2", {}, "Your account"),
    h("dl", { class: "facts" },
      h("dt", {}, "Account"), h("dd", {}, s.identifier),
      h("dt", {}, "Permissions"), h("dd", {}, perms.length ? h("ul", { class: "chips" }, perms.map((p) => h("li", { class: "chip" }, p))) : h("span", { class: "muted" }, "None yet")),
      h("dt", {}, "Signed in"), h("dd", {}, when(s.createdEpochMillis)),
      h("dt", {}, "Session ends"), h("dd", {}, when(s.expiresEpochMillis), h("span", { class: "muted small" }, " (later while you use it)"))),
    h("div", { class: "row-actions" }, everywhere));
}
