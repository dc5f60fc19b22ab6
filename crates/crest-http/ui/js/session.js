// The signed-in session: who, which permissions, Super Admin mode; signing in and out.

import { api, setCsrfToken } from "./api.js";

const PATH = "/api/crest/v1/session";
let current = null;

function keep(info) {
  current = info || null;
  setCsrfToken(current?.csrfToken);
  return current;
}

/** The session (SessionInfo), or null when signed out. */
export function session() {
  return current;
}

/** Whether the session holds `permission` (a wire name such as `user_management`). */
export function can(permission) {
  return !!current && (current.permissions || []).includes(permission);
}

/** Reads the session from the server; null when nobody is signed in. */
export async function loadSession() {
  try {
    return keep(await api("GET", PATH, undefined, { expect401: true }));
  } catch (e) {
    if (e.status === 401) return keep(null);
    throw e;
  }
}

export async function signIn(email, password) {
  return keep(await api("POST", PATH, { email, password }, { expect401: true }));
}

export async function signOut() {
  try {
    await api("DELETE", PATH, undefined, { expect401: true });
  } finally {
    keep(null);
  }
}

export async function signOutEverywhere() {
  try {
    await api("POST", `${PATH}/sign-out-everywhere`, {}, { expect401: true });
  } finally {
    keep(null);
  }
}

export async function setSuperAdminMode(enabled) {
  return keep(await api("PUT", `${PATH}/super-admin-mode`, { enabled }));
}

/** Forgets the session locally (after a 401). */
export function forget() {
  keep(null);
}
