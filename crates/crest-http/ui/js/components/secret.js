// A secret shown once (a new token, an app's secret) with a copy button.

import { h } from "../dom.js";

/** The secret in a read-only box, a Copy button, and the warning that it is shown only now. */
export function secretBox({ label, secret, note = "This is the only time it is shown: copy it now and keep it safe." }) {
  const id = `secret-${Date.now()}-${Math.random().toString(16).slice(2)}`;
  const input = h("input", { id, class: "secret-value", type: "text", value: secret, readonly: true, spellcheck: "false", "data-secret": true });
  const button = h("button", { type: "button", class: "btn btn-primary copy-btn" }, "Copy");
  const status = h("span", { class: "copy-status", role: "status", "aria-live": "polite" });
  input.addEventListener("focus", () => input.select());
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(secret);
    } catch {
      input.select();
      document.execCommand("copy");
    }
    button.textContent = "Copied";
    status.textContent = "Copied to the clipboard.";
  });
  return h("div", { class: "secret" },
    h("label", { for: id }, label),
    h("div", { class: "secret-row" }, input, button),
    h("p", { class: "secret-note" }, note, " ", status));
}
