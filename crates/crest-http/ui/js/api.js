// The fetch wrapper: same-origin cookie, the CSRF header on every change, JSON, the API's envelope.

let csrfToken = "";

/** Remembers the session's CSRF token, sent with every state-changing request. */
export function setCsrfToken(token) {
  csrfToken = token || "";
}

/** A failed call: the HTTP status and the server's message (the envelope's status.message). */
export class ApiError extends Error {
  constructor(status, message, retryAfter) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

const SAFE = new Set(["GET", "HEAD"]);

/**
 * Calls the API and answers the envelope's `response` (or the bare body). A 401 signs the page
 * out (the app shows the sign-in page) unless `expect401` is set.
 */
export async function api(method, path, body, { expect401 = false } = {}) {
  const headers = { Accept: "application/json" };
  if (!SAFE.has(method) && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  const init = { method, headers, credentials: "same-origin" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let resp;
  try {
    resp = await fetch(path, init);
  } catch {
    throw new ApiError(0, "The server cannot be reached. Check the connection and try again.");
  }
  const text = await resp.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!resp.ok) {
    const message =
      data?.status?.message || data?.message || `The server answered ${resp.status} ${resp.statusText}`.trim();
    if (resp.status === 401 && !expect401) {
      window.dispatchEvent(new CustomEvent("crest:signed-out", { detail: message }));
    }
    throw new ApiError(resp.status, message, resp.headers.get("Retry-After"));
  }
  if (data && typeof data === "object" && "response" in data) return data.response;
  return data;
}

/** Path segments are always escaped: ids may hold `@`, `:` and `/`. */
export function seg(value) {
  return encodeURIComponent(value);
}

/**
 * Every item of an offset-paged list (`/api/v2/alert`, `/api/v2/maintenancewindow`…), read a page
 * of `limit` at a time, at most `most` of them (a bound, so that a huge list cannot hang the page).
 */
export async function allItems(path, { limit = 1000, most = 10000 } = {}) {
  const items = [];
  const join = path.includes("?") ? "&" : "?";
  for (let offset = 0; items.length < most; offset += limit) {
    const page = await api("GET", `${path}${join}offset=${offset}&limit=${limit}`);
    items.push(...(page?.items || []));
    if (!page?.moreItems || !(page?.items || []).length) break;
  }
  return items;
}
