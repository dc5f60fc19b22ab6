"""Accounts: service accounts and their tokens, users, groups, roles, the organization's tokens, audit."""

import re
import uuid

from playwright.sync_api import expect

from conftest import copy_secret, open_menu_item, row_action, screenshot, sign_in_admin, sign_out


def test_create_a_service_account_and_use_its_token(page, server):
    sign_in_admin(page, server)
    open_menu_item(page, "Accounts")
    page.get_by_role("link", name="Service Accounts").click()
    expect(page).to_have_url(re.compile("/ui/accounts/service-accounts"))
    name = f"sa::e2e-{uuid.uuid4().hex[:6]}"
    page.get_by_role("button", name="Create service account").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("ID").fill(name)
    dialog.get_by_label("Description").fill("made by the browser tests")
    dialog.get_by_label("Proxies").check()
    dialog.get_by_role("button", name="Create").click()

    tokens = page.get_by_role("dialog", name=f"Tokens of {name}")
    tokens.get_by_label("New token's name").fill("ci")
    tokens.get_by_label("New token's name").press("Enter")
    secret = copy_secret(page, tokens)
    screenshot(page, "service-account-token", phone=False)
    assert server.call("GET", "/api/v2/cloudintegration", token=secret).status_code == 200
    page.keyboard.press("Escape")

    row = page.get_by_role("row").filter(has_text=name)
    expect(row).to_contain_text("Active")
    screenshot(page, "service-accounts")
    row_action(page, name, "Deactivate")
    page.get_by_role("dialog").get_by_role("button", name="Deactivate").click()
    expect(row).to_contain_text("Inactive")
    assert server.call("GET", "/api/v2/cloudintegration", token=secret).status_code == 401


def test_users_groups_roles_tokens_and_audit_pages(page, server):
    sign_in_admin(page, server)
    page.goto("/ui/accounts/users")
    email = f"e2e-{uuid.uuid4().hex[:6]}@example.com"
    page.get_by_role("button", name="Create user").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Email address").fill(email)
    dialog.get_by_label("Dashboards").check()
    dialog.get_by_label("Invite").uncheck()
    dialog.get_by_role("button", name="Create").click()
    row = page.get_by_role("row").filter(has_text=email)
    expect(row).to_contain_text("Dashboards")
    page.get_by_role("searchbox", name="Filter users").fill(email)
    expect(page.get_by_role("table", name="Users").get_by_role("row")).to_have_count(2)  # heading, user
    screenshot(page, "users")
    row_action(page, email, "Delete")
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(page.get_by_role("row").filter(has_text=email)).to_have_count(0)

    role, group = f"e2e role {uuid.uuid4().hex[:4]}", f"e2e group {uuid.uuid4().hex[:4]}"
    page.get_by_role("link", name="Roles").click()
    page.get_by_role("button", name="Create role").click()
    page.get_by_role("dialog").get_by_label("Name").fill(role)
    page.get_by_role("dialog").get_by_label("Events").check()
    page.get_by_role("dialog").get_by_role("button", name="Create").click()
    expect(page.get_by_role("row").filter(has_text=role)).to_contain_text("Events")
    screenshot(page, "roles")

    page.get_by_role("link", name="Groups").click()
    page.get_by_role("button", name="Create group").click()
    page.get_by_role("dialog").get_by_label("Name", exact=True).fill(group)
    page.get_by_role("dialog").get_by_label(role).check()
    page.get_by_role("dialog").get_by_role("button", name="Create").click()
    expect(page.get_by_role("row").filter(has_text=group)).to_contain_text(role)
    screenshot(page, "groups")

    page.get_by_role("link", name="API Tokens").click()
    expect(page).to_have_url(re.compile("/ui/accounts/tokens"))
    page.get_by_label("Account type").select_option(label="Users")
    page.get_by_label("Usage").select_option(label="Never used")
    expect(page.get_by_role("heading", name="API Tokens")).to_be_visible()
    screenshot(page, "org-tokens")

    page.get_by_role("link", name="Audit").click()
    expect(page.get_by_role("table")).to_contain_text("createRole")
    screenshot(page, "audit")


def test_revoke_any_token_of_the_organization(page, server):
    r = server.call("POST", "/api/v2/account/serviceaccount", json={"identifier": f"sa::e2e-{uuid.uuid4().hex[:6]}", "active": True})
    assert r.status_code == 200, r.text
    sa = r.json()["response"]["identifier"]
    r = server.call("POST", f"/api/v2/apitoken/serviceaccount/{sa}", json={"tokenName": "org-revoke"})
    secret = r.json()["response"][-1]["tokenID"]
    assert server.call("GET", "/api/v2/cloudintegration", token=secret).status_code == 200

    sign_in_admin(page, server)
    page.goto("/ui/accounts/tokens")
    page.get_by_label("Filter").fill(sa)
    page.get_by_role("button", name=f"Revoke org-revoke of {sa}").click()
    page.get_by_role("dialog").get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("row").filter(has_text=sa)).to_have_count(0)
    assert server.call("GET", "/api/v2/cloudintegration", token=secret).status_code == 401


def test_invite_a_user_who_sets_a_password_from_the_link(page, server, context):
    sign_in_admin(page, server)
    page.goto("/ui/accounts/users")
    email = f"invited-{uuid.uuid4().hex[:6]}@example.com"
    page.get_by_role("button", name="Create user").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Email address").fill(email)
    expect(dialog.get_by_label("Invite")).to_be_checked()
    dialog.get_by_label("Email address").press("Enter")
    link = copy_secret(page)
    assert "/invite#" in link
    screenshot(page, "invite-link", phone=False)
    dialog.get_by_role("button", name="Done").click()
    sign_out(page)

    page.goto(link)
    expect(page.get_by_role("heading", name="Welcome to Crest")).to_be_visible()
    page.get_by_label("New password").fill("invited-password-1")
    page.get_by_label("Repeat the password").fill("invited-password-1")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("invited-password-1")
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("heading", name="API Access")).to_be_visible()


def test_the_user_menu_works_from_the_keyboard(page, server):
    sign_in_admin(page, server)
    page.get_by_role("button", name=re.compile("User menu")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("menuitem", name="API Access")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("menuitem", name="Accounts")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/ui/accounts/users"))
    expect(page.get_by_role("heading", name="Accounts")).to_be_visible()
    page.get_by_role("button", name=re.compile("User menu")).focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    expect(page.get_by_role("menu")).to_be_hidden()
    expect(page.get_by_role("button", name=re.compile("User menu"))).to_be_focused()
