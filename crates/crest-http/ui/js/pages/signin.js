// The sign-in page, and the page where an invited person sets a first password.

import { api } from "../api.js";
import { h } from "../dom.js";
import { signIn } from "../session.js";
import { field } from "../components/form.js";

function card(title, ...content) {
  return h("main", { class: "auth", id: "main" },
    h("div", { class: "auth-card" },
      h("div", { class: "auth-brand" }, h("img", { src: "/ui/assets/img/logo.svg", alt: "", class: "logo" }), h("span", {}, "Crest")),
      h("h1", {}, title), content));
}

export function render(root, { navigate }) {
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, "Sign in");
  const form = h("form", { class: "stack", "aria-label": "Sign in" },
    field({ label: "Email", name: "email", type: "email", required: true, autocomplete: "username", autofocus: true }),
    field({ label: "Password", name: "password", type: "password", required: true, autocomplete: "current-password" }),
    error, submit);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.hidden = true;
    submit.disabled = true;
    try {
      await signIn(form.elements.email.value.trim(), form.elements.password.value);
      navigate(new URLSearchParams(location.search).get("next") || "/ui/profile", { replace: true });
    } catch (err) {
      error.textContent = err.status === 429
        ? `Too many failed attempts. Try again in ${err.retryAfter || "a few"} seconds.`
        : err.message;
      error.hidden = false;
      submit.disabled = false;
      form.elements.password.select();
    }
  });
  root.replaceChildren(card("Sign in", form,
    h("p", { class: "muted small" }, "Scripts and tools use API tokens instead: see the ",
      h("a", { href: "/api-docs/ui/" }, "API documentation"), ".")));
  document.title = "Sign in · Crest";
  form.elements.email.focus();
}

export function renderInvite(root, { navigate }) {
  const token = location.hash.slice(1);
  const error = h("p", { class: "form-error", role: "alert", hidden: !token }, token ? "" : "This link is incomplete: open the whole link you were sent.");
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block", disabled: !token }, "Set password");
  const form = h("form", { class: "stack", "aria-label": "Accept the invitation" },
    field({ label: "New password", name: "password", type: "password", required: true, autocomplete: "new-password", help: "At least 8 characters." }),
    field({ label: "Repeat the password", name: "repeat", type: "password", required: true, autocomplete: "new-password" }),
    error, submit);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const password = form.elements.password.value;
    error.hidden = false;
    if (password !== form.elements.repeat.value) { error.textContent = "The passwords differ."; return; }
    error.hidden = true;
    submit.disabled = true;
    try {
      await api("POST", "/api/crest/v1/invites/accept", { token, password }, { expect401: true });
      history.replaceState(null, "", "/ui/signin");
      navigate("/ui/signin", { replace: true });
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
      submit.disabled = false;
    }
  });
  root.replaceChildren(card("Welcome to Crest", h("p", {}, "Choose a password to finish setting up your account."), form));
  document.title = "Accept invitation · Crest";
}
