"""The token endpoint's answers to bad requests, over raw HTTP (RFC 6749 §3.2, §5.1, §5.2, §2.3.1).

Every error is JSON with only the standard members, not cached, sets no cookie and leaks nothing of
Frappe's error machinery (assert_oauth_error checks all of that).
"""

import base64
import secrets

import pytest
import requests
from oauth_e2e import (
	BASE,
	BUILTIN,
	TIMEOUT,
	TOKEN,
	assert_invalid_token,
	assert_oauth_error,
	basic,
	bearer_get,
	post_token,
)

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def client(make_client):
	return make_client(skip_consent=1)


@pytest.fixture
def code(client, user_session):
	code, _verifier, _params = client.get_code(user_session, pkce=False)
	return code


def _code_request(client, code, **extra):
	return {
		"grant_type": "authorization_code",
		"code": code,
		"redirect_uri": client.redirect_uri,
		"client_id": client.client_id,
		"client_secret": client.secret,
		**extra,
	}


@pytest.mark.parametrize("url", [TOKEN, BUILTIN + "get_token"], ids=["own", "builtin"])
def test_get_is_405_with_allow_post_rfc6749_3_2(url):
	response = requests.get(url, params={"grant_type": "authorization_code"}, timeout=TIMEOUT)
	assert_oauth_error(response, 405, "invalid_request")
	assert response.headers.get("Allow") == "POST"


def test_success_shape_rfc6749_5_1(client, code):
	response = post_token(_code_request(client, code))
	assert response.status_code == 200, response.text
	body = response.json()
	assert body["token_type"] == "Bearer"
	assert type(body["expires_in"]) is int and body["expires_in"] == 3600
	assert body["access_token"] and body["refresh_token"]
	assert response.headers.get("Cache-Control") == "no-store"
	assert response.headers.get("Pragma") == "no-cache"
	assert "Set-Cookie" not in response.headers


def test_repeated_parameter_is_invalid_request_rfc6749_3_2(client, code):
	body = (
		f"grant_type=authorization_code&code={code}&code={code}&redirect_uri={client.redirect_uri}"
		f"&client_id={client.client_id}&client_secret={client.secret}"
	)
	assert_oauth_error(post_token(body, headers=FORM), 400, "invalid_request")
	# The code was not spent by the refused request.
	assert post_token(_code_request(client, code)).status_code == 200


def test_missing_code_is_invalid_request_rfc6749_4_1_3(client):
	data = _code_request(client, "x")
	del data["code"]
	assert_oauth_error(post_token(data), 400, "invalid_request")


def test_unknown_grant_type_is_unsupported_grant_type_rfc6749_5_2(client, code):
	for grant_type in (
		"password",
		"client_credentials",
		"urn:ietf:params:oauth:grant-type:device_code",
		"nope",
	):
		response = post_token(_code_request(client, code, grant_type=grant_type))
		assert_oauth_error(response, 400, "unsupported_grant_type")


def test_missing_grant_type_is_invalid_request_rfc6749_4_1_3(client, code):
	request = {k: v for k, v in _code_request(client, code).items() if k != "grant_type"}
	body = assert_oauth_error(post_token(request), 400, "invalid_request")
	assert body["error_description"] == "Missing grant_type parameter.", body


@pytest.mark.parametrize(
	"change",
	[
		{"client_secret": "wrong-secret"},
		{"client_secret": None},
		{"client_id": "0123456789abcdef01234567"},
		{"client_id": None, "client_secret": None},
	],
	ids=["wrong-secret", "missing-secret", "unknown-client", "no-client"],
)
def test_bad_client_credentials_are_401_invalid_client_rfc6749_5_2(client, code, change):
	data = {k: v for k, v in {**_code_request(client, code), **change}.items() if v is not None}
	response = post_token(data)
	assert_oauth_error(response, 401, "invalid_client")
	assert response.headers.get("WWW-Authenticate"), "§5.2: a 401 must carry WWW-Authenticate"


@pytest.mark.parametrize(
	"header",
	[
		"Basic !!!not-base64!!!",
		"Basic " + base64.b64encode(b"no-colon-here").decode(),
		"Basic " + base64.b64encode(b"\xff\xfe:\xfd").decode(),
		"Basic ",
		"Digest abc",
	],
	ids=["not-base64", "no-colon", "not-utf8", "empty", "other-scheme"],
)
def test_malformed_basic_header_is_401_invalid_client_rfc6749_2_3_1(client, code, header):
	data = {"grant_type": "authorization_code", "code": code, "redirect_uri": client.redirect_uri}
	response = post_token(data, headers={"Authorization": header})
	assert_oauth_error(response, 401, "invalid_client")
	assert response.headers.get("WWW-Authenticate")


def test_basic_and_client_secret_in_body_together_is_refused_rfc6749_2_3(client, code):
	response = post_token(
		_code_request(client, code), headers={"Authorization": basic(client.client_id, client.secret)}
	)
	assert response.status_code in (400, 401), response.text
	assert_oauth_error(response, response.status_code)


def test_non_utf8_body_is_invalid_request_rfc6749_appendix_b(client):
	body = b"grant_type=authorization_code&code=\xff\xfe\xfd&client_id=" + client.client_id.encode()
	assert_oauth_error(post_token(body, headers=FORM), 400, "invalid_request")
	percent = "grant_type=authorization_code&code=%FF%FE&client_id=" + client.client_id
	assert_oauth_error(post_token(percent, headers=FORM), 400, "invalid_request")


def test_oversized_parameter_is_400(client, code):
	response = post_token(_code_request(client, code, code_verifier="a" * 9000))
	assert_oauth_error(response, 400, "invalid_request")
	response = post_token(_code_request(client, "c" * 8193))
	assert_oauth_error(response, 400)


def test_empty_refresh_token_is_invalid_request_rfc6749_6(client):
	data = {
		"grant_type": "refresh_token",
		"refresh_token": "",
		"client_id": client.client_id,
		"client_secret": client.secret,
	}
	assert_oauth_error(post_token(data), 400, "invalid_request")


def test_json_body_is_invalid_request_rfc6749_3_2(client, code):
	response = requests.post(TOKEN, json=_code_request(client, code), timeout=TIMEOUT)
	assert_oauth_error(response, 400, "invalid_request")
	# The code is still good: nothing was consumed.
	assert post_token(_code_request(client, code)).status_code == 200


def test_code_redeemed_twice_is_invalid_grant_and_revokes_rfc6749_4_1_2(client, code):
	first = post_token(_code_request(client, code))
	assert first.status_code == 200
	access = first.json()["access_token"]
	assert_oauth_error(post_token(_code_request(client, code)), 400, "invalid_grant")
	assert_invalid_token(bearer_get(access))


def test_too_many_requests_from_one_address_is_429_with_retry_after_rfc6585_4(site, client):
	"""The client endpoints are rate-limited (here to 3 requests a minute, for this test only), each
	endpoint counted once under all of its URLs; what is refused is still an OAuth error, and says
	when to come back. The requests come through a proxy for an address of their own (Frappe takes
	the X-Forwarded-For address), so that the other tests' requests do not count."""
	from frappe.installer import update_site_config

	address = {"X-Forwarded-For": f"198.18.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"}
	wrong = {
		"grant_type": "authorization_code",
		"code": "x",
		"client_id": client.client_id,
		"client_secret": "x",
	}
	v2 = BASE + "/api/v2/method/"
	update_site_config("oauth_idp_requests_per_minute", 3)
	try:
		allowed = [
			post_token(wrong, url=url, headers=address) for url in (BUILTIN + "get_token", TOKEN, TOKEN)
		]
		refused = [
			post_token(wrong, url=url, headers=address)
			for url in (TOKEN, v2 + "oauth_idp.api.token.get_token")
		]
		revocation = requests.post(
			v2 + "frappe.integrations.oauth2.revoke_token",
			data={"token": "x"},
			headers=address,
			timeout=TIMEOUT,
		)
	finally:
		update_site_config("oauth_idp_requests_per_minute", "None")  # Frappe's way to drop a key
	assert [answer.status_code for answer in allowed] == [401, 401, 401], [a.text for a in allowed]
	for answer in refused:
		body = assert_oauth_error(answer, 429, "temporarily_unavailable")
		assert "try again" in body["error_description"], body
		assert 1 <= int(answer.headers["Retry-After"]) <= 60, answer.headers
	assert revocation.status_code != 429, "the revocation endpoint has a counter of its own"
