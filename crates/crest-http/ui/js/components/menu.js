// Menus that a button opens: the user menu and each table row's Actions menu share the keyboard
// behaviour (Enter or ArrowDown opens and focuses the first item, arrows move, Home/End jump,
// Escape closes and gives the focus back to the button, Tab closes).

import { h } from "../dom.js";

let counter = 0;

/** Wires `menu` (role=menu, hidden) to `button`; answers {setOpen, isOpen}. */
export function menuBehaviour(button, menu, { onOpen, onClose } = {}) {
  const items = () => [...menu.querySelectorAll("[role=menuitem]")];
  const setOpen = (open) => {
    if (open === !menu.hidden) return;
    menu.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    if (open) {
      onOpen?.();
      items()[0]?.focus({ preventScroll: true });
    } else {
      onClose?.();
    }
  };
  button.addEventListener("click", () => setOpen(menu.hidden));
  button.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" && menu.hidden) { e.preventDefault(); setOpen(true); }
  });
  menu.addEventListener("keydown", (e) => {
    const entries = items();
    const i = entries.indexOf(document.activeElement);
    if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); setOpen(false); button.focus(); }
    if (e.key === "Tab") setOpen(false);
    if (e.key === "ArrowDown") { e.preventDefault(); entries[(i + 1) % entries.length].focus(); }
    if (e.key === "ArrowUp") { e.preventDefault(); entries[(i - 1 + entries.length) % entries.length].focus(); }
    if (e.key === "Home") { e.preventDefault(); entries[0].focus(); }
    if (e.key === "End") { e.preventDefault(); entries[entries.length - 1].focus(); }
  });
  return { setOpen, isOpen: () => !menu.hidden };
}

// At most one row menu is open; it closes on a click elsewhere, a scroll or a resize (it is
// placed over the page, next to its button, so that no table or dialog clips it).
let openRowMenu = null;
const closeRowMenu = () => openRowMenu?.setOpen(false);
document.addEventListener("click", (e) => {
  if (openRowMenu && !openRowMenu.wrap.contains(e.target)) closeRowMenu();
});
window.addEventListener("resize", closeRowMenu);
document.addEventListener("scroll", (e) => {
  if (openRowMenu && !openRowMenu.wrap.contains(e.target)) closeRowMenu();
}, true);

/** Places the menu below the button (above it when there is no room), within the window. The
 *  coordinates are set through the CSSOM, which the Content-Security-Policy allows (inline style
 *  attributes it does not). */
function place(button, menu) {
  const b = button.getBoundingClientRect();
  const m = menu.getBoundingClientRect();
  const left = Math.max(8, Math.min(b.right - m.width, window.innerWidth - m.width - 8));
  let top = b.bottom + 4;
  if (top + m.height > window.innerHeight - 8) top = Math.max(8, b.top - m.height - 4);
  menu.style.left = `${Math.round(left)}px`;
  menu.style.top = `${Math.round(top)}px`;
}

/**
 * One table row's actions. `actions`: [{label, run, danger}] (nulls skipped). A single action
 * stays a button; several collapse into one "Actions" menu named after `subject`.
 */
export function rowActions(subject, actions) {
  const list = actions.filter(Boolean);
  if (list.length === 0) return "";
  if (list.length === 1) {
    const [a] = list;
    const b = h("button", { type: "button", class: a.danger ? "btn btn-small btn-danger-quiet" : "btn btn-small", "aria-label": `${a.label} ${subject}` }, a.label);
    b.addEventListener("click", () => a.run());
    return b;
  }
  const id = `row-menu-${++counter}`;
  const button = h("button", { type: "button", class: "btn btn-small row-menu-btn", "aria-haspopup": "menu", "aria-expanded": "false", "aria-controls": id, "aria-label": `Actions for ${subject}` },
    "Actions", h("span", { class: "caret", "aria-hidden": "true" }, "▾"));
  const menu = h("div", { class: "menu row-menu", role: "menu", id, "aria-label": `Actions for ${subject}`, hidden: true },
    list.map((a) => h("button", { type: "button", role: "menuitem", class: a.danger ? "danger" : undefined, dataset: { label: a.label } }, a.label)));
  const wrap = h("div", { class: "row-menu-wrap" }, button, menu);
  const self = { wrap };
  const behaviour = menuBehaviour(button, menu, {
    onOpen: () => {
      if (openRowMenu && openRowMenu !== self) closeRowMenu();
      openRowMenu = self;
      place(button, menu);
    },
    onClose: () => { if (openRowMenu === self) openRowMenu = null; },
  });
  self.setOpen = behaviour.setOpen;
  menu.addEventListener("click", (e) => {
    const item = e.target.closest("[role=menuitem]");
    if (!item) return;
    behaviour.setOpen(false);
    button.focus();
    list.find((a) => a.label === item.dataset.label)?.run();
  });
  return wrap;
}
