"""The query page: a person types a query, runs it, sees the chart and its legend (the values
under the cursor), shares the view by its URL, and sees a bad query's error where it occurs."""

import time
import urllib.parse
import uuid

from playwright.sync_api import expect

from conftest import screenshot, sign_in_admin


def report(server, metric, sources, minutes=30):
    """Points every minute for the last `minutes` minutes, one series per source, values rising."""
    now = int(time.time())
    lines = []
    for i, source in enumerate(sources):
        for m in range(minutes):
            lines.append(f"{metric} {i * 100 + m} {now - (minutes - m) * 60} source={source} env=e2e")
    r = server.call("POST", "/report", data="\n".join(lines) + "\n", headers={"Content-Type": "text/plain"})
    assert r.status_code == 202, r.text


def test_a_person_types_a_query_and_sees_the_chart(page, server):
    metric = f"e2e.query.{uuid.uuid4().hex[:6]}"
    report(server, metric, ["web-1", "web-2"])
    sign_in_admin(page, server)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Query").click()
    expect(page.get_by_role("heading", name="Query")).to_be_visible()
    page.get_by_label("Query").fill(f"ts({metric})")
    page.get_by_label("Time range").select_option(label="Last hour")
    page.get_by_role("button", name="Run").click()

    chart = page.locator("#chart")
    expect(chart.locator("canvas")).to_be_visible()
    legend = chart.locator(".u-legend")
    expect(legend).to_contain_text(f"{metric} web-1 {{env=e2e}}")
    expect(legend).to_contain_text(f"{metric} web-2 {{env=e2e}}")
    expect(page.locator(".query-meta")).to_contain_text("2 series")
    # the view is in the URL
    shared = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert shared == {"q": [f"ts({metric})"], "range": ["1h"]}, page.url

    # the raw values under the cursor: hovering the plot fills the legend's values
    over = chart.locator(".u-over")
    box = over.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.9, box["y"] + box["height"] / 2)
    values = legend.locator(".u-series .u-value")
    expect(values.nth(1)).not_to_have_text("--")
    shown = values.nth(1).inner_text()
    assert float(shown.replace(",", "")) >= 0, shown
    screenshot(page, "query-chart")

    # the URL alone opens the same view in a new page
    url = page.url
    other = page.context.new_page()
    other.goto(url)
    expect(other.locator("#chart canvas")).to_be_visible()
    expect(other.get_by_label("Query")).to_have_value(f"ts({metric})")
    other.close()


def test_a_bad_query_shows_its_error_by_the_box(page, server):
    sign_in_admin(page, server)
    page.goto("/ui/query")
    page.get_by_label("Query").fill("ts(cpu.load")
    page.get_by_role("button", name="Run").click()
    error = page.get_by_role("alert").filter(has_text="The query failed")
    expect(error).to_be_visible()
    expect(error).to_contain_text("SyntaxError")
    expect(page.locator("#chart canvas")).to_have_count(0)
    screenshot(page, "query-error", phone=False)
