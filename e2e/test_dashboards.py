"""Dashboards drawn from their JSON: a person opens a dashboard with a variable, sees its charts,
changes the variable, and the charts follow; the view (range and variables) is in the URL."""

import time
import urllib.parse
import uuid

from playwright.sync_api import expect

from conftest import screenshot, sign_in_admin


def report(server, metric, minutes=30):
    now = int(time.time())
    lines = []
    for env, base in (("prod", 100), ("dev", 0)):
        for m in range(minutes):
            lines.append(f"{metric} {base + m} {now - (minutes - m) * 60} source=app-{env} env={env}")
    r = server.call("POST", "/report", data="\n".join(lines) + "\n", headers={"Content-Type": "text/plain"})
    assert r.status_code == 202, r.text


def dashboard(did, metric):
    return {
        "id": did, "url": did, "name": f"E2E {did}", "description": "made by the browser tests",
        "defaultTimeWindow": "1h",
        "parameterDetails": {
            "env": {"parameterType": "LIST", "label": "Environment", "defaultValue": "prod",
                    "valuesToReadableStrings": {"prod": "prod", "dev": "dev"}},
        },
        "sections": [{"name": "Overview", "rows": [
            {"charts": [
                {"name": "Requests", "sources": [{"name": "a", "query": f'ts({metric}, env="${{env}}")'}],
                 "chartSettings": {"type": "line"}},
                {"name": "Latest", "sources": [{"name": "b", "query": f'ts({metric}, env="${{env}}")'}],
                 "chartSettings": {"type": "sparkline"}},
            ]},
            {"heightFactor": 50, "charts": [
                {"name": "Notes", "sources": [], "chartSettings": {"type": "markdown-widget", "plainMarkdownContent": "Runbook: restart it."}},
            ]},
        ]}],
    }


def test_a_dashboard_with_a_variable_follows_it(page, server):
    metric = f"e2e.dash.{uuid.uuid4().hex[:6]}"
    did = f"e2e-{uuid.uuid4().hex[:6]}"
    report(server, metric)
    r = server.call("POST", "/api/v2/dashboard", json=dashboard(did, metric))
    assert r.status_code == 200, r.text

    sign_in_admin(page, server)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboards").click()
    expect(page.get_by_role("heading", name="Dashboards")).to_be_visible()
    page.get_by_role("link", name=f"E2E {did}").click()
    expect(page.get_by_role("heading", name=f"E2E {did}")).to_be_visible()

    requests_chart = page.get_by_role("article", name="Requests")
    expect(requests_chart.locator("canvas")).to_be_visible()
    expect(requests_chart.locator(".u-legend")).to_contain_text("app-prod")
    expect(requests_chart.locator(".u-legend")).not_to_contain_text("app-dev")
    expect(page.get_by_role("article", name="Latest").locator(".stat-value")).to_have_text("129")
    expect(page.get_by_role("article", name="Notes")).to_contain_text("Runbook: restart it.")
    screenshot(page, "dashboard")

    page.get_by_label("Environment").select_option("dev")
    expect(requests_chart.locator(".u-legend")).to_contain_text("app-dev")
    requests_chart = page.get_by_role("article", name="Requests")
    expect(requests_chart.locator(".u-legend")).to_contain_text("app-dev")
    expect(requests_chart.locator(".u-legend")).not_to_contain_text("app-prod")
    expect(page.get_by_role("article", name="Latest").locator(".stat-value")).to_have_text("29")
    shared = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert shared["id"] == [did] and shared["var.env"] == ["dev"] and shared["range"] == ["1h"], page.url

    # the URL alone opens the same view
    other = page.context.new_page()
    other.goto(page.url)
    expect(other.get_by_label("Environment")).to_have_value("dev")
    expect(other.get_by_role("article", name="Requests").locator(".u-legend")).to_contain_text("app-dev")
    other.close()
