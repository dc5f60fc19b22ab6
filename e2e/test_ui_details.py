"""The finer points of the pages: token ids that cannot be taken for secrets, tabs that never
hide on a phone, one keyboard-friendly Actions menu per row, "None yet" in empty lists, and an
Organization console that offers no credentials under an original subscription."""

import json
import re
import uuid

from playwright.sync_api import Page, expect

from conftest import PHONE, SHOTS, screenshot, sign_in, sign_in_admin, sign_out

EMPTY_PAGE = {"items": [], "offset": 0, "limit": 1000, "totalItems": 0, "moreItems": False}


def envelope(response):
    return json.dumps({"status": {"result": "OK", "message": "", "code": 200}, "response": response})


def patch_session(page: Page, **fields):
    """Makes the session the UI reads say `fields` (e.g. the subscription mode)."""

    def handle(route):
        if route.request.method != "GET":
            route.continue_()
            return
        answer = route.fetch()
        body = answer.json()
        body["response"].update(fields)
        route.fulfill(response=answer, body=json.dumps(body))

    page.route(re.compile(r".*/api/crest/v1/session$"), handle)


def test_token_listings_show_a_short_public_id_never_taken_for_the_secret(page, server):
    name = f"e2e id {uuid.uuid4().hex[:4]}"
    r = server.call("POST", "/api/v2/apitoken")
    assert r.status_code == 200, r.text
    secret = r.json()["response"][-1]["tokenID"]
    assert server.call("PUT", f"/api/v2/apitoken/{secret}", json={"tokenID": secret, "tokenName": name}).status_code == 200
    public = next(t["tokenID"] for t in server.call("GET", "/api/v2/apitoken").json()["response"] if t["tokenName"] == name)
    assert public != secret

    sign_in_admin(page, server)
    table = page.get_by_role("table", name="Your API tokens")
    expect(table.get_by_role("columnheader", name="ID (not the secret)")).to_be_visible()
    expect(table.get_by_role("columnheader", name="Token ID")).to_have_count(0)
    page.get_by_role("searchbox", name="Filter your api tokens").fill(name)
    row = table.get_by_role("row").filter(has_text=name)
    shown = row.locator("code.public-id")
    expect(shown).to_have_text(f"{public[:8]}…")
    expect(shown).to_have_attribute("title", re.compile("not the secret"))
    expect(row).not_to_contain_text(secret)
    screenshot(page, "api-access-public-ids")

    page.goto("/ui/accounts/tokens")
    org = page.get_by_role("table", name="Every API token of the organization")
    expect(org.get_by_role("columnheader", name="ID (not the secret)")).to_be_visible()
    page.get_by_role("searchbox", name="Filter every api token of the organization").fill(name)
    expect(org.get_by_role("row").filter(has_text=name).locator("code.public-id")).to_have_text(f"{public[:8]}…")
    server.call("DELETE", f"/api/v2/apitoken/{public}")


def test_tabs_wrap_on_a_phone_so_none_is_cut_off(page, server):
    sign_in_admin(page, server)
    page.set_viewport_size(PHONE)
    page.goto("/ui/accounts/audit")
    tabs = page.get_by_role("navigation", name="Accounts sections")
    expect(tabs.get_by_role("link", name="Audit")).to_be_visible()
    links = tabs.get_by_role("link")
    expect(links).to_have_count(6)
    for i in range(6):
        box = links.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (links.nth(i).inner_text(), box)
    assert tabs.evaluate("el => el.scrollWidth <= el.clientWidth")
    nav = page.get_by_role("navigation", name="Main")
    assert nav.evaluate("el => el.scrollWidth <= el.clientWidth")
    page.screenshot(path=str(SHOTS / "accounts-tabs-phone.png"))


def test_row_actions_are_one_menu_that_works_from_the_keyboard(page, server):
    sa = f"sa::e2e-menu-{uuid.uuid4().hex[:6]}"
    r = server.call("POST", "/api/v2/account/serviceaccount", json={"identifier": sa, "active": True})
    assert r.status_code == 200, r.text
    sign_in_admin(page, server)
    page.goto("/ui/accounts/service-accounts")
    page.get_by_role("searchbox", name="Filter service accounts").fill(sa)
    row = page.get_by_role("row").filter(has_text=sa)
    expect(row.get_by_role("button")).to_have_count(1)  # one "Actions" button, not four
    button = row.get_by_role("button", name=f"Actions for {sa}")
    expect(button).to_have_attribute("aria-haspopup", "menu")

    button.focus()
    page.keyboard.press("Enter")
    menu = page.get_by_role("menu", name=f"Actions for {sa}")
    expect(menu).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    items = menu.get_by_role("menuitem")
    expect(items).to_have_text(["Tokens", "Edit", "Deactivate", "Delete"])
    expect(items.nth(0)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(items.nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(items.nth(3)).to_be_focused()  # wraps around
    page.keyboard.press("Home")
    expect(items.nth(0)).to_be_focused()
    # Nothing clips the menu: its middle is the menu itself, not what lies under it.
    assert menu.evaluate("""m => { const r = m.getBoundingClientRect();
        return m.contains(document.elementFromPoint(r.left + r.width / 2, r.bottom - 4)); }""")
    screenshot(page, "row-actions-menu", phone=False, whole=False)
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(button).to_be_focused()
    expect(button).to_have_attribute("aria-expanded", "false")

    page.keyboard.press("ArrowDown")  # opens too
    expect(items.nth(0)).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name=f"Edit {sa}")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)

    # A click elsewhere closes it; on a phone it opens within the screen.
    page.set_viewport_size(PHONE)
    button.click()
    expect(menu).to_be_visible()
    box = menu.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    page.screenshot(path=str(SHOTS / "row-actions-menu-phone.png"))
    page.get_by_role("heading", name="Accounts", exact=True).click()
    expect(menu).to_be_hidden()
    server.call("DELETE", f"/api/v2/account/{sa}")


def test_empty_lists_and_fieldsets_say_none_yet(page, server):
    email, password = server.make_user(permissions=["user_management"])
    # Make the organization's roles and custom groups empty for this page.
    page.route(re.compile(r".*/api/v2/role\?.*"), lambda route: route.fulfill(content_type="application/json", body=envelope(EMPTY_PAGE)))
    page.route(re.compile(r".*/api/v2/usergroup\?.*"), lambda route: route.fulfill(content_type="application/json", body=envelope(EMPTY_PAGE)))
    sign_in(page, email, password)
    page.goto("/ui/accounts/users")
    page.get_by_role("button", name="Create user").click()
    dialog = page.get_by_role("dialog")
    for legend in ["Groups", "Roles"]:
        fieldset = dialog.get_by_role("group", name=legend)
        expect(fieldset).to_contain_text("None yet.")
        expect(fieldset.get_by_role("checkbox")).to_have_count(0)
    expect(dialog.get_by_role("group", name="Permissions").get_by_role("checkbox").first).to_be_visible()
    screenshot(page, "none-yet-fieldsets", phone=False)
    page.keyboard.press("Escape")

    page.goto("/ui/accounts/roles")
    expect(page.get_by_role("table", name="Roles")).to_contain_text("None yet.")

    plain, plain_password = server.make_user()
    page.unroute_all()
    sign_out(page)
    sign_in(page, plain, plain_password)
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("None yet")


def test_an_original_subscription_offers_no_console_credentials(page, server):
    sign_in_admin(page, server)
    patch_session(page, subscription="original")
    page.goto("/ui/console/tokens")
    expect(page.get_by_role("heading", name="Organization console")).to_be_visible()
    expect(page.get_by_role("note").filter(has_text="original subscription")).to_be_visible()
    expect(page.get_by_role("button", name="Generate API token")).to_have_count(0)
    screenshot(page, "console-original")
    page.get_by_role("link", name="OAuth Apps").click()
    expect(page.get_by_role("note").filter(has_text="original subscription")).to_be_visible()
    expect(page.get_by_role("button", name="Create OAuth app")).to_have_count(0)
    for button in page.get_by_role("button", name=re.compile("^Actions for ")).all():
        button.click()
        expect(page.get_by_role("menuitem", name="Regenerate secret")).to_have_count(0)
        page.keyboard.press("Escape")
