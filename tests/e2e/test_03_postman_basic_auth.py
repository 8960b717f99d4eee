"""Requests shaped the way Postman sends them: HTTP Basic client authentication (RFC 6749 §2.3.1)
with the client_id repeated in the body, and refresh with Basic (RFC 6749 §6)."""

import pytest
from oauth_e2e import (
	TODO,
	assert_oauth_error,
	basic,
	bearer_get,
	post_token,
)


def test_basic_header_plus_client_id_in_body_then_refresh_with_basic_rfc6749_2_3_1(make_client, user_session):
	client = make_client(skip_consent=1)
	code, _verifier, _params = client.get_code(user_session, pkce=False)
	# Postman's "Send as Basic Auth header" also keeps client_id in the body.
	response = post_token(
		{
			"grant_type": "authorization_code",
			"code": code,
			"redirect_uri": client.redirect_uri,
			"client_id": client.client_id,
		},
		headers={"Authorization": basic(client.client_id, client.secret, form_encode=False)},
	)
	assert response.status_code == 200, response.text
	token = response.json()
	assert token["token_type"] == "Bearer" and isinstance(token["expires_in"], int)
	assert bearer_get(token["access_token"], TODO).status_code == 200

	refreshed = post_token(
		{"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
		headers={"Authorization": basic(client.client_id, client.secret)},
	)
	assert refreshed.status_code == 200, refreshed.text
	new = refreshed.json()
	assert new["access_token"] != token["access_token"]
	assert bearer_get(new["access_token"], TODO).status_code == 200


@pytest.mark.parametrize("form_encode", [False, True], ids=["raw", "form-encoded"])
def test_basic_secret_with_colon_and_percent_is_decoded_rfc6749_2_3_1_appendix_b(
	make_client, user_session, form_encode
):
	"""A secret holding ':' and '%3A' must not be split or double-decoded into something that passes;
	it is simply wrong. The real secret works, form-encoded or not (it has no special characters)."""
	client = make_client(skip_consent=1)
	refresh = client.tokens(user_session, pkce=False)["refresh_token"]
	for wrong in (f"{client.secret}:x", f"x:{client.secret}", client.secret + "%3A", "a:b%3Ac"):
		response = post_token(
			{"grant_type": "refresh_token", "refresh_token": refresh},
			headers={"Authorization": basic(client.client_id, wrong, form_encode=form_encode)},
		)
		body = assert_oauth_error(response, 401, "invalid_client")
		assert response.headers.get("WWW-Authenticate", "").lower().startswith("basic"), response.headers
		assert body["error"] == "invalid_client"
	# The refresh token survived the failed attempts (nothing is written on an error).
	ok = post_token(
		{"grant_type": "refresh_token", "refresh_token": refresh},
		headers={"Authorization": basic(client.client_id, client.secret, form_encode=form_encode)},
	)
	assert ok.status_code == 200, ok.text
