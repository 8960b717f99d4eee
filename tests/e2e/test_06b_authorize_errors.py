"""The authorization endpoint's errors and redirect rules (RFC 6749 §3.1.2, §4.1.2.1, §4.1.3;
RFC 7636 §4.4.1; RFC 8252 §7.3), and code redemption rules at the token endpoint."""

import secrets
import time
from urllib.parse import unquote, urlsplit

import pytest
import requests
from oauth_e2e import (
	AUTHORIZE,
	BUILTIN,
	TIMEOUT,
	answer_consent,
	assert_oauth_error,
	authorize,
	code_from,
	login,
	pkce_pair,
	query_of,
	remember,
	request_after_login,
)


def assert_error_page(response: requests.Response, error: str | None = None) -> None:
	"""§4.1.2.1: an unverifiable client or redirect URI gets a page on the site, never a redirect."""
	assert response.status_code == 400, f"{response.status_code} {response.headers.get('Location')}"
	assert "Location" not in response.headers, response.headers["Location"]
	assert response.headers.get("Content-Type", "").startswith("text/html")
	assert "Traceback" not in response.text
	if error:
		assert error in response.text


def assert_error_redirect(response: requests.Response, redirect_uri: str, state: str, error: str) -> dict:
	assert response.status_code == 302, f"{response.status_code}: {response.text[:300]}"
	location = response.headers["Location"]
	assert location.split("?")[0] == redirect_uri, location
	answer = query_of(location)
	assert answer.get("error") == error, answer
	assert answer.get("state") == state, answer
	assert "code" not in answer
	return answer


@pytest.mark.parametrize("url", [AUTHORIZE, BUILTIN + "authorize"], ids=["own", "builtin"])
def test_unknown_client_id_is_an_error_page_not_a_redirect_rfc6749_4_1_2_1(make_client, user_session, url):
	client = make_client()
	params, _ = client.authorization_params(client_id="0123456789abcdef01234567")
	assert_error_page(user_session.get(url, params=params, allow_redirects=False, timeout=TIMEOUT))


@pytest.mark.parametrize(
	"redirect_uri",
	[
		"https://attacker.example/cb",
		"http://127.0.0.1:{port}/cb/extra",
		"http://127.0.0.1:{port}/cb?x=1",
		"http://127.0.0.1:{port}/CB",
		"http://localhost.attacker.example:{port}/cb",
	],
)
def test_unregistered_redirect_uri_is_an_error_page_rfc6749_3_1_2_3(
	make_client, user_session, redirect_port, redirect_uri
):
	client = make_client(skip_consent=1)
	params, _ = client.authorization_params(redirect_uri=redirect_uri.format(port=redirect_port))
	response = user_session.get(AUTHORIZE, params=params, allow_redirects=False, timeout=TIMEOUT)
	assert_error_page(response)


@pytest.mark.parametrize("response_type", ["token", "id_token", "code token", "code id_token", "none"])
def test_unsupported_response_type_redirects_with_error_and_state_rfc6749_4_1_2_1(
	make_client, user_session, response_type
):
	"""Discovery lists response_types_supported ["code"]: every other response type, hybrid ones
	included, is unsupported_response_type (RFC 6749 §4.1.2.1), not unauthorized_client (which says
	this client may not use a type the server supports)."""
	client = make_client(skip_consent=1)
	params, _ = client.authorization_params(response_type=response_type)
	response = user_session.get(AUTHORIZE, params=params, allow_redirects=False, timeout=TIMEOUT)
	assert_error_redirect(response, client.redirect_uri, params["state"], "unsupported_response_type")


def test_bad_scope_redirects_with_invalid_scope_rfc6749_4_1_2_1(make_client, user_session):
	client = make_client(skip_consent=1, allowed_scopes="openid")
	for scope in ("all", "openid secret_admin", 'bad"scope'):
		params, _ = client.authorization_params(scope=scope)
		response = user_session.get(AUTHORIZE, params=params, allow_redirects=False, timeout=TIMEOUT)
		assert_error_redirect(response, client.redirect_uri, params["state"], "invalid_scope")


def test_public_client_without_code_challenge_is_invalid_request_rfc7636_4_4_1(make_client, user_session):
	client = make_client(client_type="Public", skip_consent=1)
	params, _ = client.authorization_params(pkce=False)
	response = user_session.get(AUTHORIZE, params=params, allow_redirects=False, timeout=TIMEOUT)
	assert_error_redirect(response, client.redirect_uri, params["state"], "invalid_request")


def test_plain_pkce_refused_unless_the_client_allows_it_rfc7636_4_2(make_client, user_session):
	strict = make_client(skip_consent=1, allow_plain_pkce=0)
	verifier, _ = pkce_pair()
	params, _ = strict.authorization_params(
		pkce=False, code_challenge=verifier, code_challenge_method="plain"
	)
	response = user_session.get(AUTHORIZE, params=params, allow_redirects=False, timeout=TIMEOUT)
	assert_error_redirect(response, strict.redirect_uri, params["state"], "invalid_request")
	# §4.3: a missing method means plain, so it is refused the same way.
	params, _ = strict.authorization_params(pkce=False, code_challenge=verifier)
	response = user_session.get(AUTHORIZE, params=params, allow_redirects=False, timeout=TIMEOUT)
	assert_error_redirect(response, strict.redirect_uri, params["state"], "invalid_request")

	lenient = make_client(skip_consent=1, allow_plain_pkce=1)
	params, _ = lenient.authorization_params(
		pkce=False, code_challenge=verifier, code_challenge_method="plain"
	)
	code = code_from(authorize(user_session, params), lenient.redirect_uri, params["state"])
	assert lenient.redeem(code, verifier).status_code == 200


def test_loopback_redirect_uri_may_use_any_port_rfc8252_7_3(make_client, user_session):
	client = make_client(skip_consent=1, redirect_uris=["http://127.0.0.1/cb"])
	redirect_uri = "http://127.0.0.1:54321/cb"
	params, _ = client.authorization_params(redirect_uri=redirect_uri, pkce=False)
	code = code_from(authorize(user_session, params), redirect_uri, params["state"])
	assert client.redeem(code, None, redirect_uri).status_code == 200
	# Only the port may differ: not the path, and not for a non-loopback host.
	params, _ = client.authorization_params(redirect_uri="http://127.0.0.1:54321/other")
	assert_error_page(user_session.get(AUTHORIZE, params=params, allow_redirects=False, timeout=TIMEOUT))
	https = make_client(skip_consent=1, redirect_uris=["https://app.example/cb"])
	params, _ = https.authorization_params(redirect_uri="https://app.example:8443/cb")
	assert_error_page(user_session.get(AUTHORIZE, params=params, allow_redirects=False, timeout=TIMEOUT))


@pytest.mark.parametrize(
	"browser_session", [False, True], ids=["api-login-session", "session-with-csrf-token"]
)
def test_post_authorization_request_logged_in_oidc_core_3_1_2_1(make_client, test_user, browser_session):
	"""OIDC Core §3.1.2.1: the authorization endpoint MUST support GET and POST (form body). A
	relying party's auto-submitted form carries no Frappe CSRF token, while a real browser session
	has one (every desk page, or a consent page, gives it one)."""
	client = make_client(skip_consent=0)
	session = login(test_user.email, test_user.password)
	if browser_session:
		# A consent page first, as a browser that used the site: the session now has a CSRF token.
		params, _ = client.authorization_params(pkce=False)
		first = session.get(AUTHORIZE, params=params, allow_redirects=False, timeout=TIMEOUT)
		assert first.status_code == 200 and 'id="allow"' in first.text

	params, _ = client.authorization_params(pkce=False)
	response = session.post(AUTHORIZE, data=params, allow_redirects=False, timeout=TIMEOUT)
	if browser_session:
		# Frappe's CSRF check stops the POST before the endpoint; it comes back as the same GET.
		assert response.status_code == 303, f"{response.status_code}: {response.text[:400]}"
		assert query_of(response.headers["Location"]) == params
		response = session.get(AUTHORIZE, params=params, allow_redirects=False, timeout=TIMEOUT)
	assert response.status_code == 200, f"{response.status_code}: {response.text[:400]}"
	assert 'id="allow"' in response.text, response.text[:400]
	code = code_from(answer_consent(session, response, "allow"), client.redirect_uri, params["state"])
	assert client.redeem(code, None).status_code == 200


def test_post_authorization_request_logged_out_goes_to_login_with_every_parameter(make_client):
	client = make_client()
	params, _ = client.authorization_params(state="s p+a%c&e ü")
	response = requests.post(AUTHORIZE, data=params, allow_redirects=False, timeout=TIMEOUT)
	assert response.status_code == 302, response.text[:300]
	location = response.headers["Location"]
	assert urlsplit(location).path == "/login", location
	path, back = request_after_login(location)
	assert path == urlsplit(AUTHORIZE).path
	assert back == params, (back, params)
	assert unquote(location) != location  # the whole request is encoded into one parameter


def test_get_authorization_request_logged_out_goes_to_login(make_client):
	client = make_client()
	params, _ = client.authorization_params()
	response = requests.get(AUTHORIZE, params=params, allow_redirects=False, timeout=TIMEOUT)
	assert response.status_code == 302
	assert request_after_login(response.headers["Location"])[1] == params


def test_expired_code_is_invalid_grant_rfc6749_4_1_2(make_client, user_session):
	client = make_client(skip_consent=1, code_lifetime=1)
	code, _verifier, _params = client.get_code(user_session, pkce=False)
	time.sleep(2.2)
	assert_oauth_error(client.redeem(code, None), 400, "invalid_grant")


def test_token_redirect_uri_must_equal_the_authorization_one_rfc6749_4_1_3_and_5_2(
	make_client, user_session, redirect_port
):
	"""§4.1.3: the token request's redirect_uri must be identical to the authorization request's;
	§5.2: a grant that "does not match the redirection URI used in the authorization request" is
	invalid_grant."""
	other = f"http://127.0.0.1:{redirect_port}/other"
	client = make_client(skip_consent=1, redirect_uris=[f"http://127.0.0.1:{redirect_port}/cb", other])
	code, _verifier, _params = client.get_code(user_session, pkce=False)
	response = client.redeem(code, None, other)
	assert_oauth_error(response, 400)
	assert response.json()["error"] == "invalid_grant", response.json()


def test_token_redirect_uri_required_when_it_was_in_the_authorization_request_rfc6749_4_1_3(
	make_client, user_session, redirect_port
):
	client = make_client(skip_consent=1)  # one registered URI, sent in the authorization request
	code, _verifier, _params = client.get_code(user_session, pkce=False)
	data = {"grant_type": "authorization_code", "code": code, **client.auth_params()}  # no redirect_uri
	response = requests.post(BUILTIN + "get_token", data=data, timeout=TIMEOUT)
	assert_oauth_error(response, 400)
	assert response.json()["error"] in ("invalid_request", "invalid_grant"), response.json()


def test_code_of_client_a_cannot_be_redeemed_by_client_b_rfc6749_4_1_3(make_client, user_session):
	a = make_client(skip_consent=1)
	b = make_client(skip_consent=1, redirect_uris=[a.redirect_uri])
	code, _verifier, _params = a.get_code(user_session, pkce=False)
	assert_oauth_error(b.redeem(code, None), 400, "invalid_grant")
	remember(code)


def test_state_comes_back_unchanged_on_success_rfc6749_4_1_2(make_client, user_session):
	client = make_client(skip_consent=1)
	state = "x y+z%41&q=1 ü 🚀 " + secrets.token_urlsafe(8)
	params, _ = client.authorization_params(state=state, pkce=False)
	code_from(authorize(user_session, params), client.redirect_uri, state)
