// The frame of every signed-in page: the top bar, the user menu, Super Admin mode, section tabs.

import { h, link } from "../dom.js";
import { can, session, setSuperAdminMode } from "../session.js";
import { menuBehaviour } from "./menu.js";
import { showError, toast } from "./toast.js";

/** The Accounts tabs, each with its path. */
export const ACCOUNT_TABS = [
  ["users", "Users"],
  ["service-accounts", "Service Accounts"],
  ["groups", "Groups"],
  ["roles", "Roles"],
  ["tokens", "API Tokens"],
  ["audit", "Audit"],
];

/** The Alerts tabs: each [path under /ui, label]. */
export const ALERT_TABS = [
  ["alerts", "Alerts"],
  ["maintenance-windows", "Maintenance Windows"],
];

/** The Organization console's tabs; OAuth apps need Accounts. */
export function consoleTabs() {
  const tabs = [["tokens", "API Tokens"]];
  if (can("user_management")) tabs.push(["apps", "OAuth Apps"]);
  return tabs;
}

// The open menu closes on a click anywhere else (one listener for every page drawn).
let closeOpenMenu = () => {};
document.addEventListener("click", (e) => {
  if (!e.target.closest(".user")) closeOpenMenu();
});

function userMenu(navigate) {
  const s = session();
  const items = [
    link("/ui/profile", "API Access", { role: "menuitem" }),
    can("user_management") ? link("/ui/accounts/users", "Accounts", { role: "menuitem" }) : null,
    link("/ui/alerts", "Alerts", { role: "menuitem" }),
    link("/ui/console/tokens", "Organization console", { role: "menuitem" }),
    h("a", { href: "/api-docs/ui/", role: "menuitem", target: "_blank", rel: "noopener" }, "API documentation"),
    h("hr", { role: "separator" }),
    h("button", { type: "button", role: "menuitem", class: "menu-signout", "data-action": "sign-out" }, "Sign out"),
  ];
  const menu = h("div", { class: "menu", role: "menu", id: "user-menu", hidden: true }, items);
  const button = h("button", { type: "button", class: "user-btn", "aria-haspopup": "menu", "aria-expanded": "false", "aria-controls": "user-menu", "aria-label": `User menu for ${s.identifier}` },
    h("span", { class: "gear", "aria-hidden": "true" }, "⚙"), h("span", { class: "user-name" }, s.identifier));
  const { setOpen } = menuBehaviour(button, menu);
  menu.addEventListener("click", (e) => {
    if (e.target.closest("[role=menuitem]")) setOpen(false);
    if (e.target.closest("[data-action=sign-out]")) navigate("/ui/signout");
  });
  closeOpenMenu = () => setOpen(false);
  return h("div", { class: "user" }, button, menu);
}

function superAdminToggle(rerender) {
  const s = session();
  if (!s.superAdmin) return null;
  const box = h("input", { type: "checkbox", id: "super-admin-mode", role: "switch", checked: !!s.superAdminMode });
  box.addEventListener("change", async () => {
    try {
      await setSuperAdminMode(box.checked);
      toast(box.checked ? "Super Admin mode is on." : "Super Admin mode is off.");
      rerender();
    } catch (e) {
      box.checked = !box.checked;
      showError(e, "Super Admin mode");
    }
  });
  return h("label", { class: s.superAdminMode ? "sa-toggle on" : "sa-toggle", for: "super-admin-mode" }, box, h("span", {}, "Super Admin mode"));
}

/** The top bar and an empty main area; answers the main area. */
export function frame(root, { section, navigate, rerender }) {
  const item = (href, label, slug) => link(href, label, { class: section === slug ? "active" : "", "aria-current": section === slug ? "page" : undefined });
  const nav = h("nav", { class: "nav", "aria-label": "Main" },
    item("/ui/profile", "API Access", "profile"),
    item("/ui/query", "Query", "query"),
    item("/ui/dashboards", "Dashboards", "dashboards"),
    can("user_management") ? item("/ui/accounts/users", "Accounts", "accounts") : null,
    item("/ui/alerts", "Alerts", "alerts"),
    item("/ui/console/tokens", "Organization console", "console"));
  const main = h("main", { id: "main", class: "main", tabindex: "-1" });
  const bar = h("header", { class: "topbar" },
    link("/ui/profile", [h("img", { src: "/ui/assets/img/logo.svg", alt: "", class: "logo" }), h("span", {}, "Crest")], { class: "brand" }),
    nav,
    h("div", { class: "topbar-right" }, superAdminToggle(rerender), userMenu(navigate)));
  const banner = session().superAdminMode
    ? h("div", { class: "banner", role: "note" }, "Super Admin mode: you act with every permission. Turn it off when done.")
    : null;
  root.replaceChildren(...[h("a", { class: "skip", href: "#main" }, "Skip to content"), bar, banner, main].filter(Boolean));
  return main;
}

/** A page heading and, below it, tabs (each [slug, label]) linking to `${base}/${slug}`. */
export function pageHead(main, { title, subtitle, base, tabs, current }) {
  main.append(h("div", { class: "page-head" }, h("h1", {}, title), subtitle ? h("p", { class: "subtitle" }, subtitle) : null));
  if (tabs) {
    main.append(h("nav", { class: "tabs", "aria-label": `${title} sections` },
      tabs.map(([slug, label]) => link(`${base}/${slug}`, label, {
        class: slug === current ? "tab active" : "tab",
        "aria-current": slug === current ? "page" : undefined,
      }))));
    // Where the tabs overflow sideways (a narrow window; phones wrap them), keep the current one in sight.
    requestAnimationFrame(() => main.querySelector(".tab.active")?.scrollIntoView({ block: "nearest", inline: "center" }));
  }
}
