"""What the end-to-end tests share: the site's URLs, HTTP calls with timeouts, the consent form, and
the list of every secret, code and token the tests saw (for the database dump check).

Nothing here talks to the database; conftest.py does that.
"""

import base64
import hashlib
import json
import os
import re
import secrets
from html.parser import HTMLParser
from urllib.parse import parse_qs, quote, urlsplit

import requests

BASE = os.environ.get("OAUTH_IDP_E2E_URL", "http://127.0.0.1:8765").rstrip("/")
BENCH = os.environ.get("OAUTH_IDP_BENCH", "/opt/bench")
SITE = os.environ.get("OAUTH_IDP_SITE", "idp.localhost")

# Every request gets a timeout: a hung server fails a test instead of hanging the run.
TIMEOUT = 30

METHOD = BASE + "/api/method/"
BUILTIN = METHOD + "frappe.integrations.oauth2."
AUTHORIZE = METHOD + "oauth_idp.api.authorize.authorize"
APPROVE = METHOD + "oauth_idp.api.authorize.approve"
TOKEN = METHOD + "oauth_idp.api.token.get_token"
REVOKE = METHOD + "oauth_idp.api.revoke.revoke_token"
INTROSPECT = METHOD + "oauth_idp.api.introspect.introspect_token"
USERINFO = METHOD + "oauth_idp.api.userinfo.openid_profile"
JWKS = METHOD + "oauth_idp.api.discovery.jwks"
DISCOVERY = METHOD + "oauth_idp.api.discovery.openid_configuration"
TODO = BASE + "/api/resource/ToDo"

STANDARD_ERROR_MEMBERS = {"error", "error_description", "error_uri", "state"}
LEAKS = ('"exc', "_server_messages", "Traceback")  # Frappe's exc, exc_type and error messages

# Every client secret, authorization code, access token and refresh token the tests saw.
SEEN: list[str] = []


def remember(*values) -> None:
	for value in values:
		if isinstance(value, str) and value:
			SEEN.append(value)


def remember_tokens(body) -> None:
	if isinstance(body, dict):
		remember(body.get("access_token"), body.get("refresh_token"))


# PKCE (RFC 7636) -------------------------------------------------------------------------------------


def b64url(data: bytes) -> str:
	return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def s256(verifier: str) -> str:
	return b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def pkce_pair() -> tuple[str, str]:
	verifier = secrets.token_urlsafe(48)  # 64 characters of the unreserved set
	return verifier, s256(verifier)


# HTTP ------------------------------------------------------------------------------------------------


def query_of(url: str) -> dict[str, str]:
	"""The query parameters of a URL, each of which must appear once."""
	parsed = parse_qs(urlsplit(url).query, keep_blank_values=True)
	for name, values in parsed.items():
		assert len(values) == 1, f"{name} appears {len(values)} times in {url}"
	return {name: values[0] for name, values in parsed.items()}


# Added by the provider when it sends the user to log in: a login after this time satisfies
# prompt=login and max_age.
LOGIN_AFTER = "oauth_idp_login_after"


def request_after_login(login_location: str) -> tuple[str, dict[str, str]]:
	"""The path and the parameters a login redirect (`/login?redirect-to=…`) comes back to."""
	back = query_of(login_location)["redirect-to"]
	params = query_of(back)
	assert re.fullmatch(r"\d+\.[0-9a-f]{64}", params.pop(LOGIN_AFTER)), back  # a signed time
	return urlsplit(back).path, params


def login(user: str, password: str) -> requests.Session:
	session = requests.Session()
	response = session.post(METHOD + "login", data={"usr": user, "pwd": password}, timeout=TIMEOUT)
	assert response.status_code == 200, response.text
	return session


def basic(client_id: str, secret: str, *, form_encode: bool = True) -> str:
	"""An HTTP Basic header value. RFC 6749 §2.3.1 wants id and secret form-encoded first; Postman
	and many libraries do not do it."""
	if form_encode:
		client_id, secret = quote(client_id, safe=""), quote(secret, safe="")
	raw = f"{client_id}:{secret}".encode()
	return "Basic " + base64.b64encode(raw).decode("ascii")


def post_token(data=None, *, url: str = TOKEN, **kwargs) -> requests.Response:
	"""POST to the token endpoint; every token in a successful answer is remembered."""
	kwargs.setdefault("timeout", TIMEOUT)
	response = requests.post(url, data=data, **kwargs)
	if response.status_code == 200:
		try:
			remember_tokens(response.json())
		except ValueError:
			pass
	return response


def bearer_get(access_token: str, url: str = TODO, **kwargs) -> requests.Response:
	headers = {"Authorization": f"Bearer {access_token}", **kwargs.pop("headers", {})}
	return requests.get(url, headers=headers, timeout=TIMEOUT, **kwargs)


def assert_oauth_error(response: requests.Response, status: int, error: str | None = None) -> dict:
	"""An error from the token, revocation or introspection endpoint (RFC 6749 §5.2)."""
	text = response.text
	for leak in LEAKS:
		assert leak not in text, f"the error body leaks {leak!r}: {text[:500]}"
	assert response.status_code == status, f"expected {status}, got {response.status_code}: {text[:500]}"
	assert response.headers.get("Content-Type", "").startswith("application/json"), response.headers
	body = response.json()
	assert isinstance(body, dict), body
	assert set(body) <= STANDARD_ERROR_MEMBERS, f"non-standard members in {body}"
	if error is not None:
		assert body.get("error") == error, body
	assert response.headers.get("Cache-Control") == "no-store", response.headers
	assert response.headers.get("Pragma") == "no-cache", response.headers
	assert "Set-Cookie" not in response.headers, response.headers.get("Set-Cookie")
	return body


def assert_insufficient_scope(response: requests.Response, scope: str) -> None:
	"""RFC 6750 §3.1: 403, a Bearer challenge naming the scope needed, and a JSON body naming it too."""
	assert response.status_code == 403, f"{response.status_code}: {response.text[:300]}"
	challenge = response.headers.get("WWW-Authenticate", "")
	assert 'error="insufficient_scope"' in challenge and f'scope="{scope}"' in challenge, challenge
	body = response.json()
	assert body["error"] == "insufficient_scope" and scope in body["error_description"], body


def assert_invalid_token(response: requests.Response) -> None:
	"""RFC 6750 §3.1: 401 with a Bearer challenge naming invalid_token; never served as Guest."""
	assert response.status_code == 401, f"{response.status_code}: {response.text[:500]}"
	challenge = response.headers.get("WWW-Authenticate", "")
	assert challenge.startswith("Bearer"), challenge
	assert 'error="invalid_token"' in challenge, challenge
	for leak in LEAKS:
		assert leak not in response.text


# The consent page --------------------------------------------------------------------------------


class FormParser(HTMLParser):
	"""The consent page's form: its action, its hidden fields and its buttons."""

	def __init__(self):
		super().__init__()
		self.action = None
		self.method = None
		self.fields: dict[str, str] = {}
		self.buttons: dict[str, dict] = {}
		self.scope_items: list[str] = []
		self._in_scopes = False
		self._in_li = False
		self.title = ""
		self._in_title = False

	def handle_starttag(self, tag, attrs):
		attrs = dict(attrs)
		if tag == "form":
			self.action, self.method = attrs.get("action"), (attrs.get("method") or "get").lower()
		elif tag == "input" and attrs.get("type") == "hidden":
			assert attrs["name"] not in self.fields, f"hidden field {attrs['name']} twice"
			self.fields[attrs["name"]] = attrs.get("value") or ""
		elif tag == "button":
			self.buttons[attrs.get("id") or ""] = attrs
		elif tag == "ul" and attrs.get("id") == "scopes":
			self._in_scopes = True
		elif tag == "li" and self._in_scopes:
			self._in_li = True
			self.scope_items.append("")
		elif tag == "title":
			self._in_title = True

	def handle_endtag(self, tag):
		if tag == "ul":
			self._in_scopes = False
		elif tag == "li":
			self._in_li = False
		elif tag == "title":
			self._in_title = False

	def handle_data(self, data):
		if self._in_li:
			self.scope_items[-1] += data.strip()
		if self._in_title:
			self.title += data


def parse_consent(html: str) -> FormParser:
	parser = FormParser()
	parser.feed(html)
	assert parser.action and parser.method == "post", "the consent page has no POST form"
	assert "csrf_token" in parser.fields, "the consent form has no csrf_token"
	assert "allow" in parser.buttons and "deny" in parser.buttons, parser.buttons
	return parser


def answer_consent(session: requests.Session, page: requests.Response, decision: str) -> requests.Response:
	"""Press Allow or Deny on a consent page the way a browser submits the form."""
	form = parse_consent(page.text)
	data = {**form.fields, "decision": form.buttons[decision]["value"]}
	action = form.action if "://" in form.action else BASE + form.action
	return session.post(action, data=data, allow_redirects=False, timeout=TIMEOUT)


def authorize(
	session: requests.Session, params: dict, *, decision: str | None = "allow", url: str = AUTHORIZE
) -> requests.Response:
	"""An authorization request; if the consent page comes, answer it. Returns the final response."""
	response = session.get(url, params=params, allow_redirects=False, timeout=TIMEOUT)
	if response.status_code == 200 and decision is not None and 'id="allow"' in response.text:
		response = answer_consent(session, response, decision)
	return response


def code_from(response: requests.Response, redirect_uri: str, state: str | None = None) -> str:
	assert response.status_code == 302, f"{response.status_code}: {response.text[:500]}"
	location = response.headers["Location"]
	assert location.split("?")[0] == redirect_uri.split("?")[0], location
	params = query_of(location)
	assert "error" not in params, params
	if state is not None:
		assert params.get("state") == state, params
	remember(params["code"])
	return params["code"]


def json_of(response: requests.Response) -> dict:
	try:
		return json.loads(response.text)
	except ValueError:
		raise AssertionError(f"not JSON ({response.status_code}): {response.text[:500]}") from None


# Clients and the code flow ---------------------------------------------------------------------------


def unused_port() -> int:
	"""A loopback port nothing listens on: redirects there are read, never followed."""
	import socket

	with socket.socket() as sock:
		sock.bind(("127.0.0.1", 0))
		return sock.getsockname()[1]


class Client:
	"""An IdP Client made for one test, as the test sees it."""

	def __init__(
		self,
		client_id: str,
		secret: str | None,
		redirect_uris: list[str],
		client_type: str = "Confidential",
		app_name: str = "",
	):
		self.client_id = client_id
		self.secret = secret
		self.client_type = client_type
		self.app_name = app_name
		self.redirect_uris = redirect_uris
		self.redirect_uri = redirect_uris[0]

	@property
	def public(self) -> bool:
		return self.client_type == "Public"

	def auth_params(self) -> dict:
		"""client_secret_post, or just the client_id for a public client."""
		params = {"client_id": self.client_id}
		if self.secret:
			params["client_secret"] = self.secret
		return params

	def authorization_params(
		self, *, scope: str = "all", pkce: bool = True, **extra
	) -> tuple[dict, str | None]:
		params = {
			"response_type": "code",
			"client_id": self.client_id,
			"redirect_uri": self.redirect_uri,
			"scope": scope,
			"state": secrets.token_urlsafe(12),
		}
		verifier = None
		if pkce:
			verifier, challenge = pkce_pair()
			params.update(code_challenge=challenge, code_challenge_method="S256")
		params.update(extra)
		return {k: v for k, v in params.items() if v is not None}, verifier

	def get_code(self, session, **kwargs) -> tuple[str, str | None, dict]:
		"""Run the authorization request as the session's user (consenting if asked)."""
		params, verifier = self.authorization_params(**kwargs)
		response = authorize(session, params)
		code = code_from(response, params.get("redirect_uri", self.redirect_uri), params["state"])
		return code, verifier, params

	def redeem(self, code: str, verifier: str | None, redirect_uri: str | None = None) -> requests.Response:
		data = {
			"grant_type": "authorization_code",
			"code": code,
			"redirect_uri": redirect_uri or self.redirect_uri,
			**self.auth_params(),
		}
		if verifier:
			data["code_verifier"] = verifier
		return post_token(data)

	def tokens(self, session, **kwargs) -> dict:
		"""A fresh token response for the session's user."""
		code, verifier, params = self.get_code(session, **kwargs)
		response = self.redeem(code, verifier, params.get("redirect_uri"))
		assert response.status_code == 200, response.text
		return response.json()

	def refresh(self, refresh_token: str) -> requests.Response:
		return post_token(
			{"grant_type": "refresh_token", "refresh_token": refresh_token, **self.auth_params()}
		)

	def revoke(self, token: str, **extra) -> requests.Response:
		return requests.post(REVOKE, data={"token": token, **extra, **self.auth_params()}, timeout=TIMEOUT)

	def introspect(self, token: str) -> requests.Response:
		return requests.post(INTROSPECT, data={"token": token, **self.auth_params()}, timeout=TIMEOUT)


def scoped_token(make_client, user, scope: str = "ToDo:read") -> str:
	"""An access token of `user` from a new client whose scope table grants only ToDo read."""
	client = make_client(
		allowed_scopes="openid", scopes=[{"document_type": "ToDo", "read": 1}], skip_consent=1
	)
	code, verifier, params = client.get_code(login(user.email, user.password), scope=scope)
	response = client.redeem(code, verifier, params["redirect_uri"])  # remembers the tokens
	assert response.status_code == 200, response.text
	return response.json()["access_token"]
