"""The consent page in headless Chromium, driven as a person drives it: logged out, the login page,
then the consent page, then Allow or Deny (RFC 6749 §4.1.1, §4.1.2, §4.1.2.1; §3.1.2 on redirect
URIs that carry a query)."""

import os
import secrets
import tempfile
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from oauth_e2e import AUTHORIZE, BASE, query_of, remember
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
	"--no-sandbox",
	"--disable-gpu",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
	"--no-first-run",
	"--disable-quic",
]
# The README shows docs/consent.png; set OAUTH_IDP_SCREENSHOT to a path to write a new one there.
SCREENSHOT = Path(os.environ.get("OAUTH_IDP_SCREENSHOT") or tempfile.gettempdir() + "/oauth_idp_consent.png")
WAIT_MS = 20_000


def long_state() -> str:
	"""About 4000 characters with spaces, '+', '%', '&', '=' and non-ASCII letters."""
	piece = "a b+c%20d&e=f%%g ü é 日本 ✓ 🚀 ;/?#[]@!$'()*,~ "
	state = (piece * (4000 // len(piece) + 1))[:3990] + secrets.token_hex(5)
	assert len(state) == 4000
	return state


@pytest.fixture(scope="module")
def browser():
	if not os.path.exists(CHROMIUM):
		pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package")
	with sync_playwright() as playwright:
		browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
		yield browser
		browser.close()


class Redirects:
	"""Catches the navigations to the client's redirect URI (nothing listens on its port)."""

	def __init__(self, page, port: int):
		self.urls: list[str] = []

		def handle(route):
			self.urls.append(route.request.url)
			route.fulfill(status=200, content_type="text/html", body="<p>client got the answer</p>")

		page.route(f"http://127.0.0.1:{port}/**", handle)

	def wait(self, page) -> str:
		page.wait_for_function(
			"() => document.body && document.body.innerText.includes('client got the answer')",
			timeout=WAIT_MS,
		)
		assert len(self.urls) == 1, self.urls
		return self.urls[0]


def login_through_the_page(page, user) -> None:
	page.wait_for_selector("#login_email", timeout=WAIT_MS)
	assert urlsplit(page.url).path == "/login", page.url
	page.fill("#login_email", user.email)
	page.fill("#login_password", user.password)
	page.locator("form.form-login button.btn-login[type=submit]").first.click()


def test_browser_login_consent_allow_returns_code_and_exact_state_rfc6749_4_1_2(
	browser, make_client, test_user, redirect_port
):
	client = make_client(app_name="Pilot Notes", allowed_scopes="openid email all")
	state = long_state()
	params = {
		"response_type": "code",
		"client_id": client.client_id,
		"redirect_uri": client.redirect_uri,
		"scope": "openid email all",
		"state": state,
	}
	context = browser.new_context()
	try:
		page = context.new_page()
		redirects = Redirects(page, redirect_port)
		page.goto(AUTHORIZE + "?" + urlencode(params), timeout=WAIT_MS)
		login_through_the_page(page, test_user)

		page.wait_for_selector("#allow", timeout=WAIT_MS)
		assert client.app_name in page.locator("h1").inner_text()
		scope_lines = page.locator("#scopes li").all_inner_texts()
		assert scope_lines == [
			"Confirm your identity (sign you in)",
			"See your email address",
			"Act as you: everything your account can do on this site",
		], scope_lines
		assert test_user.email in page.content()
		SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
		page.screenshot(path=str(SCREENSHOT), full_page=True)

		page.click("#allow")
		url = redirects.wait(page)
	finally:
		context.close()

	assert url.startswith(client.redirect_uri + "?"), url
	answer = query_of(url)
	assert answer["state"] == state, "RFC 6749 §4.1.2: state must come back exactly as sent"
	assert answer["state"].encode("utf-8") == state.encode("utf-8")
	assert answer.get("code") and "error" not in answer
	remember(answer["code"])
	# The code works (client_secret_post; no PKCE for this confidential client).
	token = client.redeem(answer["code"], None)
	assert token.status_code == 200, token.text


def test_browser_deny_redirects_access_denied_keeping_registered_query_rfc6749_4_1_2_1_and_3_1_2(
	browser, make_client, test_user, redirect_port
):
	redirect_uri = f"http://127.0.0.1:{redirect_port}/cb?tenant=7"
	client = make_client(redirect_uris=[redirect_uri])
	state = "deny " + secrets.token_urlsafe(8) + " ü+%&"
	params = {
		"response_type": "code",
		"client_id": client.client_id,
		"redirect_uri": redirect_uri,
		"scope": "all",
		"state": state,
	}
	context = browser.new_context()
	try:
		page = context.new_page()
		redirects = Redirects(page, redirect_port)
		page.goto(AUTHORIZE + "?" + urlencode(params), timeout=WAIT_MS)
		login_through_the_page(page, test_user)
		page.wait_for_selector("#deny", timeout=WAIT_MS)
		page.click("#deny")
		url = redirects.wait(page)
	finally:
		context.close()

	parts = urlsplit(url)
	assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"http://127.0.0.1:{redirect_port}/cb", url
	answer = query_of(url)
	assert answer.get("tenant") == "7", f"the registered query was lost: {url}"
	assert answer.get("error") == "access_denied", answer
	assert answer.get("state") == state, answer
	assert "code" not in answer
	assert BASE not in url
