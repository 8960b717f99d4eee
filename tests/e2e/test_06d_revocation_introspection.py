"""Revocation (RFC 7009) and introspection (RFC 7662) over raw HTTP."""

import time

import requests
from oauth_e2e import (
	BUILTIN,
	INTROSPECT,
	REVOKE,
	TIMEOUT,
	assert_invalid_token,
	assert_oauth_error,
	basic,
	bearer_get,
)


def test_revocation_requires_client_authentication_rfc7009_2_1(make_client, user_session):
	client = make_client(skip_consent=1)
	token = client.tokens(user_session, pkce=False)
	anonymous = requests.post(REVOKE, data={"token": token["access_token"]}, timeout=TIMEOUT)
	assert_oauth_error(anonymous, 401, "invalid_client")
	wrong = requests.post(
		REVOKE,
		data={"token": token["access_token"], "client_id": client.client_id, "client_secret": "nope"},
		timeout=TIMEOUT,
	)
	assert_oauth_error(wrong, 401, "invalid_client")
	assert bearer_get(token["access_token"]).status_code == 200
	get = requests.get(REVOKE, params={"token": token["access_token"]}, timeout=TIMEOUT)
	assert_oauth_error(get, 405)


def test_client_cannot_revoke_another_clients_token_rfc7009_2_1(make_client, user_session):
	owner = make_client(skip_consent=1)
	other = make_client(skip_consent=1)
	token = owner.tokens(user_session, pkce=False)
	for value in (token["access_token"], token["refresh_token"]):
		response = other.revoke(value)
		assert response.status_code < 500, response.text
	assert bearer_get(token["access_token"]).status_code == 200, "another client revoked this token"
	assert owner.refresh(token["refresh_token"]).status_code == 200


def test_unknown_token_revocation_is_200_rfc7009_2_2(make_client):
	client = make_client()
	response = client.revoke("never-issued-" + "x" * 30)
	assert response.status_code == 200, response.text
	assert response.headers.get("Cache-Control") == "no-store"
	builtin = requests.post(
		BUILTIN + "revoke_token",
		data={"token": "never-issued"},
		headers={"Authorization": basic(client.client_id, client.secret)},
		timeout=TIMEOUT,
	)
	assert builtin.status_code == 200, builtin.text


def test_revoking_refresh_token_revokes_its_access_token_rfc7009_2_1(make_client, user_session):
	client = make_client(skip_consent=1)
	token = client.tokens(user_session, pkce=False)
	assert bearer_get(token["access_token"]).status_code == 200
	response = client.revoke(token["refresh_token"], token_type_hint="refresh_token")
	assert response.status_code == 200, response.text
	assert_invalid_token(bearer_get(token["access_token"]))
	assert_oauth_error(client.refresh(token["refresh_token"]), 400, "invalid_grant")


def test_revoking_with_a_wrong_hint_still_revokes_rfc7009_2_1(make_client, user_session):
	client = make_client(skip_consent=1)
	token = client.tokens(user_session, pkce=False)
	response = client.revoke(token["access_token"], token_type_hint="refresh_token")
	assert response.status_code == 200, response.text
	assert_invalid_token(bearer_get(token["access_token"]))


def test_public_client_revokes_its_own_token_rfc7009_2_1(make_client, user_session):
	client = make_client(client_type="Public", skip_consent=1)
	token = client.tokens(user_session)
	assert client.revoke(token["refresh_token"]).status_code == 200
	assert_invalid_token(bearer_get(token["access_token"]))


def test_introspection_requires_client_authentication_rfc7662_2_1(make_client, user_session):
	client = make_client(skip_consent=1)
	token = client.tokens(user_session, pkce=False)
	response = requests.post(INTROSPECT, data={"token": token["access_token"]}, timeout=TIMEOUT)
	assert_oauth_error(response, 401, "invalid_client")


def test_introspection_of_own_token_is_active_with_details_rfc7662_2_2(make_client, user_session, test_user):
	client = make_client(skip_consent=1)
	token = client.tokens(user_session, pkce=False)
	response = client.introspect(token["access_token"])
	assert response.status_code == 200, response.text
	assert response.headers.get("Cache-Control") == "no-store"
	body = response.json()
	assert body["active"] is True, body
	assert body["scope"] == "all"
	assert body["client_id"] == client.client_id
	assert type(body["exp"]) is int and abs(body["exp"] - (time.time() + 3600)) < 120, body
	assert body.get("username") == test_user.email
	# With Basic authentication and under the built-in's name too.
	builtin = requests.post(
		BUILTIN + "introspect_token",
		data={"token": token["refresh_token"], "token_type_hint": "refresh_token"},
		headers={"Authorization": basic(client.client_id, client.secret)},
		timeout=TIMEOUT,
	)
	assert builtin.status_code == 200 and builtin.json()["active"] is True, builtin.text
	# After revocation: inactive, and nothing else is said.
	client.revoke(token["access_token"])
	assert client.introspect(token["access_token"]).json() == {"active": False}


def test_introspection_of_another_clients_token_is_inactive_rfc7662_2_2(make_client, user_session):
	owner = make_client(skip_consent=1)
	other = make_client(skip_consent=1)
	token = owner.tokens(user_session, pkce=False)
	response = other.introspect(token["access_token"])
	assert response.status_code == 200, response.text
	assert response.json() == {"active": False}
	assert other.introspect("never-issued").json() == {"active": False}
