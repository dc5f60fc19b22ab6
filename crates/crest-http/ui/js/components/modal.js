// Modal dialogs (<dialog>): confirmations before destructive actions, and forms. Escape closes.

import { h } from "../dom.js";
import { showError, toast } from "./toast.js";

let counter = 0;

/** Opens a dialog holding `content`; answers {dialog, close}. Closing removes it. */
export function openDialog({ title, content, wide = false, onClose }) {
  const heading = h("h2", { class: "dialog-title", id: `dlg-${++counter}` }, title);
  const closeBtn = h("button", { type: "button", class: "icon-btn dialog-x", "aria-label": "Close" }, "×");
  const dialog = h("dialog", { class: wide ? "dialog dialog-wide" : "dialog", "aria-labelledby": heading.id },
    h("div", { class: "dialog-head" }, heading, closeBtn), content);
  const close = () => dialog.close();
  closeBtn.addEventListener("click", close);
  dialog.addEventListener("close", () => {
    dialog.remove();
    onClose?.();
  });
  document.body.append(dialog);
  dialog.showModal();
  const first = dialog.querySelector("[autofocus], input:not([type=hidden]):not([readonly]), select, textarea, .dialog-actions .btn");
  first?.focus();
  return { dialog, close };
}

/** Asks before a destructive action; resolves true when confirmed. */
export function confirmDialog({ title, message, confirmLabel = "Delete", danger = true }) {
  return new Promise((resolve) => {
    let answer = false;
    const cancel = h("button", { type: "button", class: "btn" }, "Cancel");
    const ok = h("button", { type: "submit", class: danger ? "btn btn-danger" : "btn btn-primary" }, confirmLabel);
    const form = h("form", { method: "dialog", class: "dialog-body" },
      h("p", {}, message), h("div", { class: "dialog-actions" }, cancel, ok));
    const { close } = openDialog({ title, content: form, onClose: () => resolve(answer) });
    cancel.addEventListener("click", close);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      answer = true;
      close();
    });
    ok.focus();
  });
}

/**
 * Asks first (`question` as for confirmDialog), then runs `action`; on success shows `done` and
 * calls `then` (the page's reload); a failure shows the server's message after `failed`.
 */
export async function confirmThen(question, action, { done, failed, then } = {}) {
  if (!(await confirmDialog(question))) return;
  try {
    await action();
    if (done) toast(done);
    if (then) await then();
  } catch (e) {
    showError(e, failed);
  }
}

/**
 * A dialog with a form: `fields` are nodes (see form.js), `onSubmit(form)` runs on Enter or the
 * submit button; its error is shown in the dialog, and success closes it (unless it returns a
 * node, which then replaces the form: e.g. a secret shown once).
 */
export function formDialog({ title, fields, submitLabel = "Save", onSubmit, wide = false, onClose }) {
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, submitLabel);
  const cancel = h("button", { type: "button", class: "btn" }, "Cancel");
  const form = h("form", { class: "dialog-body", novalidate: false },
    fields, error, h("div", { class: "dialog-actions" }, cancel, submit));
  const holder = h("div", {}, form);
  const handle = openDialog({ title, content: holder, wide, onClose });
  cancel.addEventListener("click", handle.close);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.hidden = true;
    submit.disabled = true;
    try {
      const result = await onSubmit(form);
      if (result instanceof Node) {
        const done = h("button", { type: "button", class: "btn btn-primary" }, "Done");
        done.addEventListener("click", handle.close);
        holder.replaceChildren(h("div", { class: "dialog-body" }, result, h("div", { class: "dialog-actions" }, done)));
        holder.querySelector(".copy-btn, .btn")?.focus();
      } else {
        handle.close();
      }
    } catch (err) {
      error.textContent = err.message || String(err);
      error.hidden = false;
      submit.disabled = false;
    }
  });
  return handle;
}
