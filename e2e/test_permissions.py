"""What a person without a permission cannot do is not offered, and the server refuses it anyway."""

import re

from playwright.sync_api import expect

from conftest import FETCH, screenshot, sign_in


def test_without_accounts_there_is_no_way_to_manage_accounts(page, server):
    email, password = server.make_user(permissions=["dashboard_management"])
    sign_in(page, email, password)
    expect(page.get_by_role("heading", name="API Access")).to_be_visible()

    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Accounts")).to_have_count(0)
    page.get_by_role("button", name=re.compile("User menu")).click()
    expect(page.get_by_role("menuitem", name="API Access")).to_be_visible()
    expect(page.get_by_role("menuitem", name="Accounts")).to_have_count(0)
    page.keyboard.press("Escape")
    # Without API Tokens, no token can be generated either.
    expect(page.get_by_role("button", name="Generate token")).to_have_count(0)
    screenshot(page, "profile-without-accounts")

    page.goto("/ui/accounts/service-accounts")
    expect(page.get_by_role("heading", name="No access")).to_be_visible()
    expect(page.get_by_role("button", name="Create service account")).to_have_count(0)
    expect(page.get_by_role("link", name="Service Accounts")).to_have_count(0)

    page.goto("/ui/console/tokens")
    expect(page.get_by_role("heading", name="Organization console")).to_be_visible()
    expect(page.get_by_role("link", name="OAuth Apps")).to_have_count(0)

    create = ["POST", "/api/v2/account/serviceaccount", {"identifier": "sa::not-allowed"}]
    assert page.evaluate(FETCH, create) == 403
    grant = ["POST", "/api/v2/account/grant/user_management", [email]]
    assert page.evaluate(FETCH, grant) == 403
    assert page.evaluate(FETCH, ["DELETE", f"/api/v2/account/{server.admin}", None]) == 403
    r = server.call("GET", "/api/v2/account/serviceaccount/sa::not-allowed")
    assert r.status_code == 404
    r = server.call("GET", f"/api/v2/account/user/{email}")
    assert "user_management" not in r.json()["groups"]


def test_a_change_without_the_csrf_header_is_refused(page, server):
    email, password = server.make_user(permissions=["token_management"])
    sign_in(page, email, password)
    status = page.evaluate("""async () => (await fetch("/api/v2/apitoken", {method: "POST", credentials: "same-origin"})).status""")
    assert status == 403
