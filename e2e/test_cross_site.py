"""Cross-site request forgery in a real browser: a signed-in person visits another site whose form
posts to crest. Chromium sends the session cookie only where SameSite=Strict allows (to a page of
the same site on another port, not to another site), and crest refuses the request either way."""

import http.server
import threading

import pytest
from playwright.sync_api import expect

from conftest import sign_in_admin


def attacker_page(target):
    return f"""<!doctype html><title>Win a prize</title>
<form method="POST" action="{target}/api/v2/apitoken" enctype="application/x-www-form-urlencoded">
<input type="hidden" name="tokenName" value="stolen">
<button>Claim your prize</button>
</form>""".encode()


@pytest.fixture
def attacker(server):
    """Another origin on this machine (a port of its own) serving a form aimed at crest."""
    body = attacker_page(server.url)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1]
    httpd.shutdown()


def admin_token_count(server):
    r = server.call("GET", "/api/v2/apitoken")
    assert r.status_code == 200, r.text
    return len(r.json()["response"])


@pytest.mark.parametrize(
    "host, refused_with, because",
    [
        # Same site (127.0.0.1), another origin: the cookie goes along; Origin gives it away.
        ("127.0.0.1", 403, "cannot use a session"),
        # Another site: SameSite=Strict keeps the cookie home; the request is anonymous.
        ("localhost", 401, "authentication is required"),
    ],
)
def test_a_form_on_another_origin_cannot_act_with_the_session(page, server, attacker, host, refused_with, because):
    sign_in_admin(page, server)
    before = admin_token_count(server)
    page.goto(f"http://{host}:{attacker}/")
    with page.expect_response(lambda r: r.url.endswith("/api/v2/apitoken")) as answer:
        page.get_by_role("button", name="Claim your prize").click()
    assert answer.value.status == refused_with
    expect(page.locator("body")).to_contain_text('"result":"ERROR"')
    expect(page.locator("body")).to_contain_text(because)
    assert admin_token_count(server) == before, "the forged request created a token"
    # The session itself is untouched: crest's own page still works.
    page.goto(server.url + "/ui/profile")
    expect(page.get_by_role("heading", name="API Access")).to_be_visible()
