"""OpenID Connect authorization request parameters that change who must be asked (OIDC Core
§3.1.2.1: prompt, max_age) and the PKCE downgrade defence (RFC 9700 §4.8.2)."""

import time

import pytest
import requests
from oauth_e2e import AUTHORIZE, BASE, TIMEOUT, TODO, assert_oauth_error, login, query_of


def _redirect_answer(response, client, state) -> dict:
	assert response.status_code == 302, f"{response.status_code}: {response.text[:300]}"
	location = response.headers["Location"]
	assert location.startswith(client.redirect_uri + "?"), f"no redirect to the client: {location[:200]}"
	answer = query_of(location)
	assert answer.get("state") == state, answer
	return answer


def test_prompt_none_logged_out_is_login_required_not_the_login_page_oidc_core_3_1_2_1(make_client):
	"""prompt=none: "The Authorization Server MUST NOT display any authentication or consent user
	interface pages. An error is returned if an End-User is not already authenticated" (§3.1.2.6:
	login_required)."""
	client = make_client(skip_consent=1)
	params, _ = client.authorization_params(scope="openid", prompt="none", pkce=False)
	response = requests.get(AUTHORIZE, params=params, allow_redirects=False, timeout=TIMEOUT)
	answer = _redirect_answer(response, client, params["state"])
	assert answer.get("error") == "login_required", answer


def test_prompt_none_without_consent_is_consent_required_oidc_core_3_1_2_6(make_client, user_session):
	client = make_client(skip_consent=0)
	params, _ = client.authorization_params(scope="openid", prompt="none", pkce=False)
	response = user_session.get(AUTHORIZE, params=params, allow_redirects=False, timeout=TIMEOUT)
	answer = _redirect_answer(response, client, params["state"])
	assert answer.get("error") == "consent_required", answer


def test_prompt_none_with_consent_returns_a_code_oidc_core_3_1_2_1(make_client, user_session):
	client = make_client(skip_consent=1)
	params, _ = client.authorization_params(scope="openid", prompt="none", pkce=False)
	response = user_session.get(AUTHORIZE, params=params, allow_redirects=False, timeout=TIMEOUT)
	answer = _redirect_answer(response, client, params["state"])
	assert answer.get("code"), answer


@pytest.mark.parametrize("extra", [{"prompt": "login"}, {"max_age": "0"}], ids=["prompt=login", "max_age=0"])
def test_reauthentication_request_sends_the_user_to_log_in_again_oidc_core_3_1_2_1(
	make_client, test_user, extra
):
	"""prompt=login: "SHOULD prompt the End-User for reauthentication." max_age: "If the elapsed time
	is greater than this value, the OP MUST attempt to actively re-authenticate the End-User." The
	old session ends; after a new login the same request is answered with a code."""
	client = make_client(skip_consent=1)
	session = login(test_user.email, test_user.password)
	params, _ = client.authorization_params(scope="openid", pkce=False, **extra)
	response = session.get(AUTHORIZE, params=params, allow_redirects=False, timeout=TIMEOUT)
	location = response.headers.get("Location", "")
	assert response.status_code == 302 and location.startswith("/login?"), (response.status_code, location)
	assert not location.startswith(client.redirect_uri), f"{extra}: a code was issued without a new login"
	assert session.get(TODO, timeout=TIMEOUT).status_code == 403, "the old session must have ended"

	time.sleep(1)  # the new login must come after the request to log in again
	again = login(test_user.email, test_user.password)
	back = query_of(location)["redirect-to"]
	response = again.get(BASE + back, allow_redirects=False, timeout=TIMEOUT)
	answer = _redirect_answer(response, client, params["state"])
	assert answer.get("code"), answer


def test_code_verifier_for_a_code_issued_without_challenge_is_refused_rfc9700_4_8_2(
	make_client, user_session
):
	"""PKCE downgrade: "the authorization server MUST ensure that if there was no code_challenge in
	the authorization request, a request to the token endpoint containing a code_verifier is
	rejected." (RFC 9700 §4.8.2; OAuth 2.1 §4.1.3)"""
	client = make_client(skip_consent=1)
	code, _verifier, _params = client.get_code(user_session, pkce=False)
	response = client.redeem(code, "v" * 64)
	assert_oauth_error(response, 400, "invalid_grant")


def test_a_logged_out_user_asked_to_log_in_logs_in_once_oidc_core_3_1_2_1(make_client, test_user):
	"""prompt=login from a logged-out browser: the login it is sent to is the fresh login."""
	client = make_client(skip_consent=1)
	params, _ = client.authorization_params(scope="openid", pkce=False, prompt="login")
	response = requests.get(AUTHORIZE, params=params, allow_redirects=False, timeout=TIMEOUT)
	assert response.status_code == 302 and response.headers["Location"].startswith("/login?")
	time.sleep(1)
	session = login(test_user.email, test_user.password)
	back = query_of(response.headers["Location"])["redirect-to"]
	answer = _redirect_answer(
		session.get(BASE + back, allow_redirects=False, timeout=TIMEOUT), client, params["state"]
	)
	assert answer.get("code"), answer
