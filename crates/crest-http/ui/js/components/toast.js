// Messages at the corner of the screen: confirmations and errors (the server's own message).

import { h } from "../dom.js";

/** Shows `message`; `kind` is "ok", "error" or "info". Errors stay until closed. */
export function toast(message, kind = "ok") {
  const box = document.getElementById("toasts");
  const close = h("button", { class: "toast-close", type: "button", "aria-label": "Dismiss" }, "×");
  const item = h("div", { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status" },
    h("span", { class: "toast-text" }, message), close);
  close.addEventListener("click", () => item.remove());
  item.dataset.born = String(Date.now());
  while (box.children.length >= 3) box.firstElementChild.remove();
  box.append(item);
  if (kind !== "error") setTimeout(() => item.remove(), 5000);
  return item;
}

/** Shows a failed call's message. */
export function showError(error, what) {
  const text = error?.message || String(error);
  return toast(what ? `${what}: ${text}` : text, "error");
}

/** Clears the confirmations of an earlier page (errors stay until closed). */
export function clearStale(ageMs = 500) {
  for (const item of document.querySelectorAll("#toasts .toast:not(.toast-error)")) {
    if (Date.now() - Number(item.dataset.born) > ageMs) item.remove();
  }
}
