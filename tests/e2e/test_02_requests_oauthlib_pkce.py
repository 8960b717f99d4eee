"""requests-oauthlib with a public client: PKCE S256 (RFC 7636), refresh token rotation and reuse
detection (OAuth 2.1 §4.3.1, RFC 9700 §4.14.2)."""

import os

from oauth_e2e import (
	AUTHORIZE,
	TIMEOUT,
	TODO,
	assert_invalid_token,
	assert_oauth_error,
	bearer_get,
	code_from,
	pkce_pair,
	remember,
	remember_tokens,
)
from requests_oauthlib import OAuth2Session

# requests-oauthlib refuses plain-http token endpoints unless told; the server is on loopback.
os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")


def test_public_client_pkce_s256_then_refresh_rotation_and_reuse_rfc7636_oauth21_4_3_1(
	make_client, user_session, test_user
):
	client = make_client(client_type="Public", skip_consent=1)
	assert client.secret is None
	oauth = OAuth2Session(client.client_id, redirect_uri=client.redirect_uri, scope=["all"])
	# requests-oauthlib 1.3 has no pkce= argument: the challenge is computed here (RFC 7636 §4.2).
	verifier, challenge = pkce_pair()
	url, state = oauth.authorization_url(AUTHORIZE, code_challenge=challenge, code_challenge_method="S256")

	location = user_session.get(url, allow_redirects=False, timeout=TIMEOUT)
	code = code_from(location, client.redirect_uri, state)

	token = oauth.fetch_token(
		AUTHORIZE.replace("authorize.authorize", "token.get_token"),
		code=code,
		include_client_id=True,
		code_verifier=verifier,
		timeout=TIMEOUT,
	)
	remember_tokens(token)
	assert token["token_type"] == "Bearer"
	assert isinstance(token["expires_in"], int)
	assert token.get("refresh_token"), token

	response = oauth.get(TODO, params={"fields": '["name","description"]'}, timeout=TIMEOUT)
	assert response.status_code == 200, response.text
	assert [row["name"] for row in response.json()["data"]] == [test_user.todo_name]

	first_refresh = token["refresh_token"]
	new = oauth.refresh_token(
		AUTHORIZE.replace("authorize.authorize", "token.get_token"),
		client_id=client.client_id,
		timeout=TIMEOUT,
	)
	remember_tokens(new)
	assert new["access_token"] != token["access_token"]
	assert new["refresh_token"] != first_refresh, "OAuth 2.1 §4.3.1: public clients' refresh tokens rotate"
	assert bearer_get(new["access_token"]).status_code == 200

	# The old refresh token again: invalid_grant, and the whole grant dies with it.
	replay = client.refresh(first_refresh)
	assert_oauth_error(replay, 400, "invalid_grant")
	assert_invalid_token(bearer_get(new["access_token"]))
	assert_oauth_error(client.refresh(new["refresh_token"]), 400, "invalid_grant")


def test_public_client_wrong_code_verifier_is_invalid_grant_rfc7636_4_6(make_client, user_session):
	client = make_client(client_type="Public", skip_consent=1)
	code, verifier, _params = client.get_code(user_session)
	wrong, _ = pkce_pair()
	assert_oauth_error(client.redeem(code, wrong), 400, "invalid_grant")
	# Without any verifier at all.
	code, _verifier, _params = client.get_code(user_session)
	assert_oauth_error(client.redeem(code, None), 400)
	remember(verifier)
