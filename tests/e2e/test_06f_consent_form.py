"""The consent form itself: it is bound to the user's session (CSRF; RFC 6749 §10.12), escapes what
the request put in it, and cannot be framed (RFC 6749 §10.13)."""

import requests
from oauth_e2e import APPROVE, AUTHORIZE, TIMEOUT, answer_consent, login, parse_consent, query_of


def _consent_page(session, client, **extra):
	params, _ = client.authorization_params(pkce=False, **extra)
	page = session.get(AUTHORIZE, params=params, allow_redirects=False, timeout=TIMEOUT)
	assert page.status_code == 200 and 'id="allow"' in page.text, page.status_code
	return params, page


def test_consent_page_cannot_be_framed_or_cached_rfc6749_10_13(make_client, user_session):
	client = make_client()
	_params, page = _consent_page(user_session, client)
	assert page.headers.get("X-Frame-Options") == "DENY"
	assert "frame-ancestors 'none'" in page.headers.get("Content-Security-Policy", "")
	assert page.headers.get("Cache-Control") == "no-store"


def test_forged_consent_without_the_session_csrf_token_gives_no_code_rfc6749_10_12(
	make_client, user_session, test_user
):
	client = make_client()
	params, page = _consent_page(user_session, client)
	form = parse_consent(page.text)
	forged = {**form.fields, "csrf_token": "forged", "decision": "allow"}
	response = user_session.post(APPROVE, data=forged, allow_redirects=False, timeout=TIMEOUT)
	assert "code=" not in response.headers.get("Location", ""), response.headers.get("Location")
	assert response.status_code != 302 or not response.headers["Location"].startswith(client.redirect_uri)
	# Another session's valid token is no better.
	other = login(test_user.email, test_user.password)
	_other_params, other_page = _consent_page(other, client)
	stolen = {
		**form.fields,
		"csrf_token": parse_consent(other_page.text).fields["csrf_token"],
		"decision": "allow",
	}
	response = user_session.post(APPROVE, data=stolen, allow_redirects=False, timeout=TIMEOUT)
	assert "code=" not in response.headers.get("Location", "")
	# Logged out, the decision leads to the login page, not to a code.
	response = requests.post(
		APPROVE, data={**form.fields, "decision": "allow"}, allow_redirects=False, timeout=TIMEOUT
	)
	assert "code=" not in response.headers.get("Location", "")
	# The genuine form still works.
	answer = query_of(answer_consent(user_session, page, "allow").headers["Location"])
	assert answer.get("code") and answer.get("state") == params["state"]


def test_consent_page_escapes_the_request_rfc6749_10_14(make_client, user_session):
	client = make_client()
	state = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
	_params, page = _consent_page(user_session, client, state=state)
	assert "<script>alert(1)" not in page.text
	assert "<img src=x" not in page.text
	assert parse_consent(page.text).fields["state"] == state
