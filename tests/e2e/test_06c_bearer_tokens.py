"""Bearer tokens on Frappe's REST API (RFC 6750 §2.1, §3, §3.1): a token that is not good is a 401
with a Bearer challenge, never a request served as Guest, never a 500."""

import time

import pytest
import requests
from oauth_e2e import BASE, TIMEOUT, TODO, assert_invalid_token, bearer_get, login, remember


def test_unknown_token_is_401_invalid_token_rfc6750_3_1():
	assert_invalid_token(bearer_get("A" * 43))
	assert_invalid_token(bearer_get("not-a-token-we-issued"))


def test_revoked_token_is_401_invalid_token_rfc6750_3_1(make_client, user_session):
	client = make_client(skip_consent=1)
	token = client.tokens(user_session, pkce=False)
	assert bearer_get(token["access_token"]).status_code == 200
	assert client.revoke(token["access_token"]).status_code == 200
	assert_invalid_token(bearer_get(token["access_token"]))


def test_expired_token_is_401_invalid_token_rfc6750_3_1(make_client, user_session):
	client = make_client(skip_consent=1, access_token_lifetime=1)
	token = client.tokens(user_session, pkce=False)
	assert token["expires_in"] == 1
	time.sleep(2.2)
	assert_invalid_token(bearer_get(token["access_token"]))


def test_disabled_user_token_is_401_invalid_token_rfc6750_3_1(site, make_client, make_user):
	frappe = site
	user = make_user("disabled")
	client = make_client(skip_consent=1)
	token = client.tokens(login(user.email, user.password), pkce=False)
	assert bearer_get(token["access_token"]).status_code == 200
	frappe.db.set_value("User", user.email, "enabled", 0)
	frappe.db.commit()
	assert_invalid_token(bearer_get(token["access_token"]))


def test_disabled_user_refresh_token_is_invalid_grant_rfc6749_6_and_5_2(site, make_client, make_user):
	"""A disabled account can no longer authorize anything: its refresh token must not mint new
	tokens (nor an id_token with the account's claims). §5.2: invalid_grant."""
	frappe = site
	user = make_user("disabled-refresh")
	client = make_client(skip_consent=1)
	token = client.tokens(login(user.email, user.password), pkce=False, scope="openid all")
	frappe.db.set_value("User", user.email, "enabled", 0)
	frappe.db.commit()
	refreshed = client.refresh(token["refresh_token"])
	assert refreshed.status_code == 400, (
		f"a disabled user's refresh token got {refreshed.status_code}: {refreshed.text}"
	)
	assert refreshed.json()["error"] == "invalid_grant", refreshed.text


def test_lower_case_bearer_scheme_works_rfc7235_2_1(make_client, user_session, test_user):
	client = make_client(skip_consent=1)
	token = client.tokens(user_session, pkce=False)
	response = requests.get(
		TODO, headers={"Authorization": f"bearer {token['access_token']}"}, timeout=TIMEOUT
	)
	assert response.status_code == 200, response.text
	assert [row["name"] for row in response.json()["data"]] == [test_user.todo_name]


@pytest.mark.parametrize(
	"header", ["Bearer a b", "Bearer", "Bearer ", "Bearer ä", 'Bearer "quoted"'], ids=repr
)
def test_malformed_bearer_header_is_an_error_not_guest_rfc6750_2_1(header):
	response = requests.get(TODO, headers={"Authorization": header}, timeout=TIMEOUT)
	assert response.status_code in (400, 401), f"{response.status_code}: {response.text[:300]}"
	assert response.headers.get("WWW-Authenticate", "").startswith("Bearer"), response.headers
	for leak in ("Traceback", "_server_messages"):
		assert leak not in response.text


def test_token_scope_and_user_apply_to_the_api(make_client, user_session, test_user):
	"""The request runs as the token's user: only that user's ToDos, and whoami says who."""
	client = make_client(skip_consent=1)
	token = client.tokens(user_session, pkce=False)
	whoami = bearer_get(
		token["access_token"], TODO.replace("/api/resource/ToDo", "/api/method/frappe.auth.get_logged_user")
	)
	assert whoami.status_code == 200 and whoami.json()["message"] == test_user.email
	remember(token["access_token"])


def test_disabled_user_token_introspects_inactive_rfc7662_2_2(site, make_client, make_user):
	"""Introspection must agree with the resource server: a token the API refuses is not active."""
	frappe = site
	user = make_user("disabled-introspect")
	client = make_client(skip_consent=1)
	token = client.tokens(login(user.email, user.password), pkce=False)
	assert client.introspect(token["access_token"]).json()["active"] is True
	frappe.db.set_value("User", user.email, "enabled", 0)
	frappe.db.commit()
	assert_invalid_token(bearer_get(token["access_token"]))
	body = client.introspect(token["access_token"]).json()
	assert body == {"active": False}, f"the API refuses this token but introspection says {body}"


@pytest.mark.parametrize("path", ["/app", "/app/todo", "/me"])
def test_valid_bearer_on_a_desk_page_is_never_a_500(make_client, user_session, path):
	"""A bearer-authenticated request has no browser session. Pages that need one must answer with
	a redirect or an error, not crash (RFC 6750 §3: a resource server answers with a status that
	names the problem)."""
	client = make_client(skip_consent=1)
	token = client.tokens(user_session, pkce=False)
	response = bearer_get(token["access_token"], BASE + path, allow_redirects=False)
	assert response.status_code < 500, f"GET {path} with a valid bearer token: {response.status_code}"
