// Tables that filter and page: rows in memory (filtered here) or pages fetched from the server.

import { h, replace } from "../dom.js";

let counter = 0;

/**
 * columns: [{label, value(row) → text for filtering, render(row) → node or text}]
 * rows: an array, or fetchPage(offset, limit) → {items, totalItems} for server-side paging.
 * selects: extra filters [{label, options: [{value, label}], test(row, value)}].
 */
export function dataTable({ columns, rows = [], fetchPage, pageSize = 10, caption, empty = "None yet.", selects = [], filterLabel = "Filter" }) {
  const id = ++counter;
  let all = rows;
  let offset = 0;
  let remoteTotal = 0;
  const filter = h("input", { type: "search", id: `tf-${id}`, placeholder: "Type to filter", autocomplete: "off", "aria-label": caption ? `Filter ${caption.toLowerCase()}` : undefined });
  const filterBox = h("div", { class: "field inline" }, h("label", { for: `tf-${id}` }, fetchPage ? "Filter this page" : filterLabel), filter);
  const selectEls = selects.map((s, i) => {
    const sel = h("select", { id: `ts-${id}-${i}` }, s.options.map((o) => h("option", { value: o.value }, o.label)));
    sel.addEventListener("change", () => { offset = 0; draw(); });
    return { spec: s, el: sel, box: h("div", { class: "field inline" }, h("label", { for: sel.id }, s.label), sel) };
  });
  const tbody = h("tbody");
  const table = h("table", { class: "table" },
    caption ? h("caption", { class: "visually-hidden" }, caption) : null,
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c.label)))), tbody);
  const prev = h("button", { type: "button", class: "btn btn-small" }, "‹ Previous");
  const next = h("button", { type: "button", class: "btn btn-small" }, "Next ›");
  const info = h("span", { class: "page-info", "aria-live": "polite" });
  const el = h("div", { class: "table-block" },
    h("div", { class: "table-tools" }, filterBox, selectEls.map((s) => s.box)),
    h("div", { class: "table-wrap" }, table),
    h("div", { class: "pager" }, info, h("span", { class: "pager-buttons" }, prev, next)));

  const text = (c, row) => String((c.value ? c.value(row) : "") ?? "").toLowerCase();
  const visible = () => {
    const q = filter.value.trim().toLowerCase();
    return all.filter((row) =>
      (!q || columns.some((c) => text(c, row).includes(q))) &&
      selectEls.every((s) => !s.el.value || s.spec.test(row, s.el.value)));
  };

  function draw() {
    const shown = visible();
    const total = fetchPage ? remoteTotal : shown.length;
    const page = fetchPage ? shown : shown.slice(offset, offset + pageSize);
    replace(tbody, page.length ? page.map((row) => h("tr", {},
      columns.map((c) => {
        const content = c.render ? c.render(row) : (c.value ? c.value(row) : "");
        return h("td", { "data-label": c.label, class: c.class }, content);
      }))) : h("tr", {}, h("td", { colspan: columns.length, class: "empty" }, all.length ? "Nothing matches the filter." : empty)));
    const from = total ? offset + 1 : 0;
    const to = fetchPage ? offset + all.length : Math.min(offset + pageSize, total);
    info.textContent = total ? `${from}–${to} of ${total}` : "";
    prev.disabled = offset === 0;
    next.disabled = offset + pageSize >= total;
  }

  async function load() {
    if (fetchPage) {
      const page = await fetchPage(offset, pageSize);
      all = page.items || [];
      remoteTotal = page.totalItems ?? all.length;
    }
    draw();
  }

  filter.addEventListener("input", () => { if (!fetchPage) offset = 0; draw(); });
  prev.addEventListener("click", () => { offset = Math.max(0, offset - pageSize); load(); });
  next.addEventListener("click", () => { offset += pageSize; load(); });
  draw();

  return {
    el,
    /** Replaces the rows (in-memory tables). */
    setRows(newRows) {
      all = newRows;
      if (offset >= all.length) offset = 0;
      draw();
    },
    /** Fetches the current page again (server-paged tables). */
    reload: load,
  };
}

/** The heading of a column of tokens' public ids. */
export const PUBLIC_ID = "ID (not the secret)";

/** A token's public id, shortened (the whole id in its tooltip) so nobody takes it for a secret. */
export function publicId(id) {
  const text = String(id ?? "");
  return h("code", { class: "public-id", title: `Public ID, not the secret: ${text}` }, text.length > 8 ? `${text.slice(0, 8)}…` : text);
}

/**
 * The column that names a token in a listing of `tokenID`s: its public id, shortened; or, when the
 * operator made tokens retrievable (then a listing may hold a secret), the value whole, as "Token".
 */
export function tokenIdColumn(retrievable) {
  return retrievable
    ? { label: "Token", value: (t) => t.tokenID, render: (t) => h("code", {}, t.tokenID) }
    : { label: PUBLIC_ID, value: (t) => t.tokenID, render: (t) => publicId(t.tokenID) };
}
