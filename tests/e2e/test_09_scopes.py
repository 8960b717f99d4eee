"""Scopes that mean something, over HTTP with a real client library (requests-oauthlib): a token
reaches only what is in both its scopes and its user's role permissions, scope first, and the
Administrator's narrow token is narrow too (RFC 6750 §3.1 insufficient_scope)."""

import os

import pytest
from oauth_e2e import (
	BASE,
	METHOD,
	TIMEOUT,
	TODO,
	assert_insufficient_scope,
	authorize,
	code_from,
	login,
	remember_tokens,
)
from requests_oauthlib import OAuth2Session

NOTE = BASE + "/api/resource/Note"
# The site is served over plain HTTP on 127.0.0.1.
os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")


def scoped_session(client, session, scope: str) -> OAuth2Session:
	"""requests-oauthlib runs the code flow; the user's browser is `session`."""
	oauth = OAuth2Session(client.client_id, redirect_uri=client.redirect_uri, scope=scope.split())
	url, state = oauth.authorization_url(METHOD + "frappe.integrations.oauth2.authorize")
	response = authorize(session, {}, url=url)
	code_from(response, client.redirect_uri, state)
	token = oauth.fetch_token(
		METHOD + "frappe.integrations.oauth2.get_token",
		authorization_response=response.headers["Location"],
		client_secret=client.secret,
		timeout=TIMEOUT,
	)
	remember_tokens(token)
	return oauth


@pytest.fixture(scope="module")
def todo_reader(make_client):
	return make_client(
		allowed_scopes="openid",
		scopes=[{"document_type": "ToDo", "read": 1}],
		methods=[{"method": "frappe.auth.get_logged_user"}],
		skip_consent=1,
	)


@pytest.mark.parametrize("who", ["user", "Administrator"])
def test_a_todo_read_token_reads_todos_and_nothing_else(todo_reader, test_user, admin_session, who):
	browser = login(test_user.email, test_user.password) if who == "user" else admin_session
	oauth = scoped_session(todo_reader, browser, "ToDo:read")

	listed = oauth.get(TODO, params={"fields": '["name","description"]'}, timeout=TIMEOUT)
	assert listed.status_code == 200 and listed.json()["data"], listed.text[:300]
	name = listed.json()["data"][0]["name"]
	assert oauth.get(f"{TODO}/{name}", timeout=TIMEOUT).status_code == 200

	assert_insufficient_scope(oauth.post(TODO, json={"description": "no"}, timeout=TIMEOUT), "ToDo:create")
	assert_insufficient_scope(oauth.get(NOTE, timeout=TIMEOUT), "Note:read")
	assert_insufficient_scope(oauth.delete(f"{TODO}/{name}", timeout=TIMEOUT), "ToDo:delete")
	# The method is in the client's table, but this token was not granted its scope.
	assert_insufficient_scope(
		oauth.get(METHOD + "frappe.auth.get_logged_user", timeout=TIMEOUT),
		"method:frappe.auth.get_logged_user",
	)
	# Counting what the user may see is governed by the DocType scopes, like Frappe's other data
	# APIs; frappe.client.get_count counts without any permission check, so it needs `all`.
	count = METHOD + "frappe.desk.reportview.get_count"
	counted = oauth.get(count, params={"doctype": "ToDo"}, timeout=TIMEOUT)
	assert counted.status_code == 200, counted.text[:300]
	assert_insufficient_scope(oauth.get(count, params={"doctype": "Note"}, timeout=TIMEOUT), "Note:read")
	unchecked = oauth.get(METHOD + "frappe.client.get_count", params={"doctype": "ToDo"}, timeout=TIMEOUT)
	assert_insufficient_scope(unchecked, "all")


def test_a_granted_method_scope_lets_the_token_call_it(todo_reader, test_user):
	browser = login(test_user.email, test_user.password)
	oauth = scoped_session(todo_reader, browser, "method:frappe.auth.get_logged_user")
	response = oauth.get(METHOD + "frappe.auth.get_logged_user", timeout=TIMEOUT)
	assert (response.status_code, response.json().get("message")) == (200, test_user.email), response.text[
		:300
	]


def test_a_scope_outside_the_clients_table_cannot_be_requested_rfc6749_4_1_2_1(todo_reader, test_user):
	browser = login(test_user.email, test_user.password)
	params, _ = todo_reader.authorization_params(scope="ToDo:write", pkce=False)
	response = authorize(browser, params)
	assert response.status_code == 302
	assert "error=invalid_scope" in response.headers["Location"], response.headers["Location"]


def test_the_consent_page_names_each_scope_in_plain_words(make_client, test_user):
	client = make_client(allowed_scopes="openid", scopes=[{"document_type": "ToDo", "read": 1, "create": 1}])
	browser = login(test_user.email, test_user.password)
	params, _ = client.authorization_params(scope="ToDo:read ToDo:create", pkce=False)
	page = browser.get(METHOD + "oauth_idp.api.authorize.authorize", params=params, timeout=TIMEOUT)
	assert page.status_code == 200
	assert "Read ToDo" in page.text and "Create ToDo" in page.text, page.text[:1000]
