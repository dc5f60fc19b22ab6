"""Signing in and out, and API Access: a token generated, copied, used from outside, revoked."""

import re

from playwright.sync_api import expect

from conftest import copy_secret, open_menu_item, row_action, screenshot, sign_in, sign_in_admin, sign_out


def test_a_wrong_password_is_refused_with_the_servers_message_then_sign_in_and_out(page, server):
    page.goto("/")
    expect(page).to_have_url(re.compile("/ui/signin"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    screenshot(page, "signin")
    page.get_by_label("Email").fill(server.admin)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("alert")).not_to_be_empty()

    sign_in(page, server.admin, server.password)
    expect(page.get_by_role("heading", name="API Access")).to_be_visible()
    sign_out(page)
    page.goto("/ui/profile")
    expect(page).to_have_url(re.compile("/ui/signin"))


def test_generate_copy_use_and_revoke_an_api_token(page, server):
    sign_in_admin(page, server)
    open_menu_item(page, "API Access")
    page.get_by_role("button", name="Generate token").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").fill("e2e laptop")
    dialog.get_by_label("Name").press("Enter")
    secret = copy_secret(page)
    screenshot(page, "api-access-new-token", phone=False)

    assert server.call("GET", "/api/v2/cloudintegration", token=secret).status_code == 200

    dialog.get_by_role("button", name="Done").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    row = page.get_by_role("row").filter(has_text="e2e laptop")
    expect(row).to_have_count(1)
    expect(row).not_to_contain_text(secret)  # listings show the public id, never the secret
    screenshot(page, "api-access")

    row_action(page, "e2e laptop", "Revoke")
    confirm = page.get_by_role("dialog")
    expect(confirm).to_contain_text("cannot be undone")
    screenshot(page, "confirm-revoke", phone=False)
    confirm.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("row").filter(has_text="e2e laptop")).to_have_count(0)

    assert server.call("GET", "/api/v2/cloudintegration", token=secret).status_code == 401


def test_escape_closes_a_dialog_and_rename_works(page, server):
    sign_in_admin(page, server)
    page.get_by_role("button", name="Generate token").click()
    page.get_by_role("dialog").get_by_label("Name").fill("to rename")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Copy")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    row_action(page, "to rename", "Rename")
    page.get_by_role("dialog").get_by_label("Name").fill("renamed token")
    page.keyboard.press("Enter")
    expect(page.get_by_role("row").filter(has_text="renamed token")).to_have_count(1)


def test_a_user_changes_their_password(page, server):
    email, password = server.make_user()
    sign_in(page, email, password)
    page.get_by_label("Current password").fill(password)
    page.get_by_label("New password", exact=True).fill("a-new-password-1")
    page.get_by_label("Repeat the new password").fill("a-new-password-1")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password is changed.")).to_be_visible()
    sign_out(page)
    sign_in(page, email, "a-new-password-1")


def test_super_admin_mode_is_a_switch_for_super_admins(page, server):
    sign_in_admin(page, server)
    switch = page.get_by_role("switch", name="Super Admin mode")
    expect(switch).not_to_be_checked()
    switch.check()
    expect(page.get_by_role("note")).to_contain_text("Super Admin mode")
    screenshot(page, "super-admin-mode", phone=False)
    page.get_by_role("switch", name="Super Admin mode").uncheck()
    expect(page.get_by_role("note")).to_have_count(0)


def test_a_user_who_is_not_a_super_admin_has_no_switch(page, server):
    email, password = server.make_user(permissions=["user_management"])
    sign_in(page, email, password)
    expect(page.get_by_role("link", name="Accounts")).to_be_visible()
    expect(page.get_by_role("switch", name="Super Admin mode")).to_have_count(0)


def test_sign_out_everywhere_ends_the_other_sessions(page, server, browser):
    email, password = server.make_user()
    other_context = browser.new_context(base_url=server.url)
    try:
        other = other_context.new_page()
        sign_in(other, email, password)
        sign_in(page, email, password)
        page.get_by_role("button", name="Sign out everywhere").click()
        page.get_by_role("dialog").get_by_role("button", name="Sign out everywhere").click()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        other.reload()
        expect(other.get_by_role("heading", name="Sign in")).to_be_visible()
    finally:
        other_context.close()
