"""The organization console: an organization API token and an OAuth app, each exchanged for an
access token that then calls the API."""

import uuid

import requests
from playwright.sync_api import expect

from conftest import copy_secret, open_menu_item, row_action, screenshot, sign_in_admin

EXCHANGE_TOKEN = "/csp/gateway/am/api/auth/api-tokens/authorize"
EXCHANGE_APP = "/csp/gateway/am/api/auth/authorize"


def test_generate_an_organization_api_token_and_exchange_it(page, server):
    sign_in_admin(page, server)
    open_menu_item(page, "Organization console")
    expect(page.get_by_role("heading", name="Organization console")).to_be_visible()
    page.get_by_role("button", name="Generate API token").click()
    dialog = page.get_by_role("dialog")
    name = f"e2e proxy {uuid.uuid4().hex[:4]}"
    dialog.get_by_label("Name").fill(name)
    dialog.get_by_label("Lifetime").select_option(label="1 day")
    dialog.get_by_label("Proxies (aoa:proxies)").check()
    dialog.get_by_role("button", name="Generate").click()
    token = copy_secret(page)
    screenshot(page, "console-token-new", phone=False)

    r = requests.post(server.url + EXCHANGE_TOKEN, data={"refresh_token": token}, timeout=30)
    assert r.status_code == 200, r.text
    access = r.json()["access_token"]
    assert server.call("GET", "/api/v2/cloudintegration", token=access).status_code == 200

    dialog.get_by_role("button", name="Done").click()
    row = page.get_by_role("row").filter(has_text=name)
    expect(row).to_contain_text("aoa:proxies")
    screenshot(page, "console-tokens")
    row.get_by_role("button", name=f"Revoke {name}").click()
    page.get_by_role("dialog").get_by_role("button", name="Revoke").click()
    expect(row).to_contain_text("Revoked")
    assert requests.post(server.url + EXCHANGE_TOKEN, data={"refresh_token": token}, timeout=30).status_code in (400, 401)


def test_create_an_oauth_app_exchange_its_credentials_and_regenerate_the_secret(page, server):
    sign_in_admin(page, server)
    page.goto("/ui/console/tokens")
    page.get_by_role("link", name="OAuth Apps").click()
    name = f"e2e app {uuid.uuid4().hex[:4]}"
    page.get_by_role("button", name="Create OAuth app").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").fill(name)
    dialog.get_by_label("Source Tags (aoa:sources)").check()
    dialog.get_by_role("button", name="Create").click()
    boxes = dialog.locator(".secret")
    expect(boxes).to_have_count(2)
    boxes.first.get_by_role("button", name="Copy").click()
    client_id = page.evaluate("navigator.clipboard.readText()")
    assert client_id == boxes.first.locator("input").input_value()
    secret = copy_secret(page)
    assert secret != client_id
    screenshot(page, "console-app-new", phone=False)

    def exchange(s):
        return requests.post(server.url + EXCHANGE_APP, auth=(client_id, s), data={"grant_type": "client_credentials"}, timeout=30)

    r = exchange(secret)
    assert r.status_code == 200, r.text
    assert server.call("GET", "/api/v2/cloudintegration", token=r.json()["access_token"]).status_code == 200

    dialog.get_by_role("button", name="Done").click()
    row = page.get_by_role("row").filter(has_text=name)
    screenshot(page, "console-apps")
    row_action(page, name, "Regenerate secret")
    page.get_by_role("dialog").get_by_role("button", name="Regenerate").click()
    new_secret = copy_secret(page)
    assert new_secret != secret
    assert exchange(secret).status_code in (400, 401)
    assert exchange(new_secret).status_code == 200
    page.get_by_role("dialog").get_by_role("button", name="Done").click()

    row_action(page, name, "Delete")
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(page.get_by_role("row").filter(has_text=name)).to_have_count(0)
    assert exchange(new_secret).status_code in (400, 401)
