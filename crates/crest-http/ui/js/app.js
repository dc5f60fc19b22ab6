// The UI's entry point: client-side routing (history.pushState), the session check, page frames.

import { h } from "./dom.js";
import { can, forget, loadSession, session, signOut } from "./session.js";
import { frame } from "./components/layout.js";
import { clearStale, showError, toast } from "./components/toast.js";
import * as signin from "./pages/signin.js";
import * as profile from "./pages/profile.js";
import * as users from "./pages/users.js";
import * as serviceAccounts from "./pages/service_accounts.js";
import * as groups from "./pages/groups.js";
import * as roles from "./pages/roles.js";
import * as tokens from "./pages/tokens.js";
import * as audit from "./pages/audit.js";
import * as consoleTokens from "./pages/console_tokens.js";
import * as consoleApps from "./pages/console_apps.js";
import * as query from "./pages/query.js";
import * as dashboards from "./pages/dashboards.js";
import * as alerts from "./pages/alerts.js";
import * as alertDetail from "./pages/alert_detail.js";
import * as maintenanceWindows from "./pages/maintenance_windows.js";

const root = document.getElementById("app");

/** Signed-in pages: path → [section, page module, permission needed]. */
const PAGES = {
  "/ui/profile": ["profile", profile, null],
  "/ui/query": ["query", query, null],
  "/ui/dashboards": ["dashboards", dashboards, null],
  "/ui/accounts/users": ["accounts", users, "user_management"],
  "/ui/accounts/service-accounts": ["accounts", serviceAccounts, "user_management"],
  "/ui/accounts/groups": ["accounts", groups, "user_management"],
  "/ui/accounts/roles": ["accounts", roles, "user_management"],
  "/ui/accounts/tokens": ["accounts", tokens, "user_management"],
  "/ui/accounts/audit": ["accounts", audit, "user_management"],
  "/ui/console/tokens": ["console", consoleTokens, null],
  "/ui/console/apps": ["console", consoleApps, "user_management"],
  "/ui/alerts": ["alerts", alerts, null],
  "/ui/maintenance-windows": ["alerts", maintenanceWindows, null],
};

/** Signed-in pages whose path holds an id: [pattern, section, page module, permission needed];
 *  the page gets the decoded id as `ctx.id`. */
const PATTERNS = [
  [/^\/ui\/alerts\/([^/]+)$/, "alerts", alertDetail, null],
];

/** The page entry for `path` and its id, if any. */
function pageOf(path) {
  if (PAGES[path]) return { entry: PAGES[path] };
  for (const [pattern, ...entry] of PATTERNS) {
    const m = pattern.exec(path);
    if (m) return { entry, id: decodeURIComponent(m[1]) };
  }
  return { entry: null };
}

const ALIASES = { "/": "/ui/profile", "/ui": "/ui/profile", "/ui/": "/ui/profile", "/ui/accounts": "/ui/accounts/users", "/ui/console": "/ui/console/tokens" };

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  clearStale();
  render();
}

let rendering = 0;

async function render() {
  const turn = ++rendering;
  let path = location.pathname.replace(/\/+$/, "") || "/";
  if (ALIASES[path] || ALIASES[`${path}/`]) {
    history.replaceState(null, "", ALIASES[path] || ALIASES[`${path}/`]);
    path = location.pathname;
  }
  const ctx = { navigate, rerender: render };
  try {
    if (path === "/invite" || path === "/ui/invite") return signin.renderInvite(root, ctx);
    if (path === "/ui/signout") {
      await signOut().catch(() => {});
      toast("You are signed out.");
      return navigate("/ui/signin", { replace: true });
    }
    if (session() === null) await loadSession();
    if (turn !== rendering) return;
    if (path === "/ui/signin") {
      if (session()) return navigate(new URLSearchParams(location.search).get("next") || "/ui/profile", { replace: true });
      return signin.render(root, ctx);
    }
    if (!session()) {
      return navigate(`/ui/signin?next=${encodeURIComponent(path + location.search)}`, { replace: true });
    }
    const { entry, id } = pageOf(path);
    if (!entry) return notFound(frame(root, { section: "", ...ctx }));
    const [section, page, permission] = entry;
    const main = frame(root, { section, ...ctx });
    if (permission && !can(permission)) return noAccess(main);
    await page.render(main, { ...ctx, id });
    if (turn === rendering) document.title = `${main.querySelector("h1")?.textContent || "Crest"} · Crest`;
  } catch (e) {
    showError(e);
  }
}

function notFound(main) {
  main.append(h("div", { class: "page-head" }, h("h1", {}, "Page not found")),
    h("p", {}, "There is no such page. ", h("a", { href: "/ui/profile", "data-link": true }, "Go to API Access"), "."));
}

function noAccess(main) {
  main.append(h("div", { class: "page-head" }, h("h1", {}, "No access")),
    h("p", {}, "Your account does not hold the permission this page needs. Ask an administrator."));
}

document.addEventListener("click", (e) => {
  const a = e.target.closest("a[data-link]");
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(a.getAttribute("href"));
});
window.addEventListener("popstate", render);
window.addEventListener("crest:signed-out", () => {
  if (!session()) return;
  forget();
  toast("Your session has ended. Sign in again.", "info");
  navigate(`/ui/signin?next=${encodeURIComponent(location.pathname)}`, { replace: true });
});

render();
