"""The documentation UI (Swagger UI) calls the API with the browser's session and its CSRF header."""

import re

from playwright.sync_api import expect

from conftest import screenshot, sign_in_admin


def test_try_an_operation_from_the_documentation(page, server):
    sign_in_admin(page, server)
    page.goto("/api-docs/ui/")
    operation = page.locator(".opblock").filter(has=page.locator('[data-path="/api/v2/cluster/info"]'))
    operation.locator(".opblock-summary").first.click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    live = operation.locator(".live-responses-table")
    expect(live.locator("tbody .response-col_status").first).to_have_text(re.compile("200"))
    expect(operation.locator(".curl-command")).to_contain_text("X-CSRF-Token")
    operation.locator(".live-responses-table").scroll_into_view_if_needed()
    screenshot(page, "api-docs", phone=False, whole=False)
