"""The community thread's flow with rauth, against the built-in provider's URLs (RFC 6749 §4.1).

rauth sends client_id and client_secret in the token request body (client_secret_post, §2.3.1).
"""

import json
import secrets

import requests
from oauth_e2e import (
	BASE,
	BUILTIN,
	TIMEOUT,
	answer_consent,
	code_from,
	parse_consent,
	remember,
	remember_tokens,
)
from rauth import OAuth2Service


def _service(client) -> OAuth2Service:
	return OAuth2Service(
		client_id=client.client_id,
		client_secret=client.secret,
		name=client.app_name,
		authorize_url=BUILTIN + "authorize",
		access_token_url=BUILTIN + "get_token",
		base_url=BASE + "/api/resource/",
	)


def _read_todos(service, code, client, test_user):
	auth_session = service.get_auth_session(
		data={"code": code, "grant_type": "authorization_code", "redirect_uri": client.redirect_uri},
		decoder=json.loads,
	)
	remember(auth_session.access_token)
	auth_session.headers["Accept"] = "application/json"
	response = auth_session.get("ToDo", params={"fields": '["name","description"]'}, timeout=TIMEOUT)
	assert response.status_code == 200, response.text
	rows = response.json()["data"]
	assert {"name": test_user.todo_name, "description": test_user.todo_description} in rows, rows
	# Nothing but the user's own ToDos: the request ran as the token's user.
	assert all(row["name"] == test_user.todo_name for row in rows), rows
	return auth_session


def test_rauth_code_flow_with_consent_form_rfc6749_4_1(make_client, user_session, test_user):
	client = make_client(skip_consent=0)
	service = _service(client)
	state = secrets.token_urlsafe(16)
	url = service.get_authorize_url(
		scope="all", response_type="code", redirect_uri=client.redirect_uri, state=state
	)

	page = user_session.get(url, allow_redirects=False, timeout=TIMEOUT)
	assert page.status_code == 200, f"expected the consent page, got {page.status_code}: {page.text[:300]}"
	form = parse_consent(page.text)
	assert form.fields.get("state") == state
	code = code_from(answer_consent(user_session, page, "allow"), client.redirect_uri, state)

	_read_todos(service, code, client, test_user)

	# Consent is remembered: the same request now goes straight back with a code (no second page).
	again = user_session.get(url, allow_redirects=False, timeout=TIMEOUT)
	code_from(again, client.redirect_uri, state)


def test_rauth_code_flow_skip_consent_client_rfc6749_4_1(make_client, user_session, test_user):
	client = make_client(skip_consent=1)
	service = _service(client)
	state = secrets.token_urlsafe(16)
	url = service.get_authorize_url(
		scope="all", response_type="code", redirect_uri=client.redirect_uri, state=state
	)
	response = user_session.get(url, allow_redirects=False, timeout=TIMEOUT)
	code = code_from(response, client.redirect_uri, state)

	# The raw token response too: what rauth decodes (RFC 6749 §5.1).
	raw = requests.post(
		BUILTIN + "get_token",
		data={
			"code": code,
			"grant_type": "authorization_code",
			"redirect_uri": client.redirect_uri,
			"client_id": client.client_id,
			"client_secret": client.secret,
		},
		timeout=TIMEOUT,
	)
	assert raw.status_code == 200, raw.text
	body = raw.json()
	remember_tokens(body)
	assert body["token_type"] == "Bearer"
	assert isinstance(body["expires_in"], int) and body["expires_in"] == 3600, body
	assert body["scope"] == "all", body
	assert raw.headers.get("Cache-Control") == "no-store" and raw.headers.get("Pragma") == "no-cache"

	code2 = code_from(user_session.get(url, allow_redirects=False, timeout=TIMEOUT), client.redirect_uri)
	_read_todos(service, code2, client, test_user)
