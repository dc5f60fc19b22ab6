"""Fixtures of the browser end-to-end tests: the server and its administrator, Debian's Chromium,
a fresh browser context per test (clipboard allowed), signing in, screenshots, API calls."""

import os
import pathlib
import re
import uuid

import pytest
import requests
from playwright.sync_api import Page, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags, Chromium misbehaves on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SHOTS = pathlib.Path(os.environ.get("CREST_SCREENSHOTS", "target/screenshots"))

expect.set_options(timeout=15_000)

# A state-changing call from the signed-in page, as the UI makes it (session cookie + CSRF header).
FETCH = """async ([method, path, body]) => {
  const s = await (await fetch("/api/crest/v1/session")).json();
  const r = await fetch(path, {method, credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRF-Token": s.response.csrfToken},
    body: body === null ? undefined : JSON.stringify(body)});
  return r.status;
}"""


class Server:
    """The crest server that e2e/run.sh started, and its bootstrap administrator."""

    def __init__(self):
        self.url = os.environ["CREST_E2E_URL"].rstrip("/")
        self.admin = os.environ.get("CREST_E2E_ADMIN", "admin@localhost")
        self.token = os.environ["CREST_E2E_TOKEN"]
        self.password = os.environ["CREST_E2E_PASSWORD"]

    def call(self, method, path, token=None, **kwargs):
        """A request from outside the browser, with an API token (the admin's by default)."""
        headers = kwargs.pop("headers", {})
        headers.setdefault("Authorization", f"Bearer {token or self.token}")
        return requests.request(method, self.url + path, headers=headers, timeout=30, **kwargs)

    def make_user(self, permissions=(), password=None):
        """A user made through the API by the administrator, with a password; answers (email, password)."""
        email = f"e2e-{uuid.uuid4().hex[:8]}@example.com"
        password = password or f"pw-{uuid.uuid4().hex}"
        r = self.call("POST", "/api/v2/account/user", json={"emailAddress": email, "groups": list(permissions)})
        assert r.status_code == 200, r.text
        r = self.call("PUT", f"/api/v2/account/user/{email}", json={"identifier": email, "credential": password, "groups": list(permissions)})
        assert r.status_code == 200, r.text
        return email, password


@pytest.fixture(scope="session")
def server():
    return Server()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def context(browser, server):
    ctx = browser.new_context(base_url=server.url, viewport=LAPTOP, permissions=["clipboard-read", "clipboard-write"])
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A page; a script error or a Content-Security-Policy violation fails the test."""
    p = context.new_page()
    problems = []
    p.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    p.on("console", lambda m: m.type == "error" and "Content Security Policy" in m.text and problems.append(m.text))
    yield p
    assert not problems, problems


def sign_in(page: Page, email, password):
    """Signs in through the sign-in page and waits for the signed-in frame."""
    page.goto("/ui/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("button", name=re.compile("User menu"))).to_be_visible()


def sign_in_admin(page: Page, server: Server):
    sign_in(page, server.admin, server.password)


def open_menu_item(page: Page, name):
    """Opens the gear/user menu and follows one of its items."""
    page.get_by_role("button", name=re.compile("User menu")).click()
    page.get_by_role("menuitem", name=name).click()


def sign_out(page: Page):
    """Signs out through the user menu and waits for the sign-in page it lands on: a navigation
    begun before the sign-out's own has finished races it (and can land on the old session)."""
    open_menu_item(page, "Sign out")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def row_action(page: Page, subject, action):
    """Opens the Actions menu of the table row named `subject` and picks `action` from it."""
    page.get_by_role("button", name=f"Actions for {subject}", exact=True).click()
    menu = page.get_by_role("menu", name=f"Actions for {subject}", exact=True)
    expect(menu).to_be_visible()
    menu.get_by_role("menuitem", name=action, exact=True).click()


def copy_secret(page: Page, scope=None):
    """Clicks the Copy button of a secret shown once; answers what the clipboard then holds,
    after checking that it is the secret shown."""
    scope = scope or page.get_by_role("dialog")
    box = scope.locator(".secret").last
    box.get_by_role("button", name="Copy").click()
    expect(box.get_by_role("button", name="Copied")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied and copied == box.locator("input").input_value()
    return copied


def screenshot(page: Page, name, phone=True, whole=None):
    """Saves the page as {name}.png (laptop) and, unless phone=False, {name}-phone.png; the whole
    page (unless whole=False), or only the viewport while a dialog is open."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    if whole is None:
        whole = page.get_by_role("dialog").count() == 0
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=whole)
    if phone:
        size = page.viewport_size
        page.set_viewport_size(PHONE)
        page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=whole)
        page.set_viewport_size(size)
