// Accounts › Audit: the audit trail, newest first, a page at a time from the server.

import { api } from "../api.js";
import { h, when } from "../dom.js";
import { dataTable } from "../components/table.js";
import { accountsHead } from "./accounts.js";

export async function render(main) {
  accountsHead(main, "audit");
  const table = dataTable({
    caption: "Audit trail",
    pageSize: 25,
    empty: "Nothing recorded yet.",
    fetchPage: (offset, limit) => api("GET", `/api/crest/v1/audit?offset=${offset}&limit=${limit}`),
    columns: [
      { label: "When", value: (e) => when(e.atMs) },
      { label: "Who", value: (e) => e.actor },
      { label: "Action", value: (e) => e.action, render: (e) => h("code", {}, e.action) },
      { label: "Target", value: (e) => e.target },
      { label: "From", value: (e) => e.source },
      { label: "Outcome", value: (e) => String(e.outcome), render: (e) => h("span", { class: e.outcome < 400 ? "badge badge-ok" : "badge badge-bad" }, String(e.outcome)) },
    ],
  });
  main.append(h("section", { class: "card" }, h("div", { class: "card-head" }, h("h2", {}, "Audit trail")),
    h("p", { class: "muted" }, "Every change, refused change and sign-in, newest first."), table.el));
  await table.reload();
}
