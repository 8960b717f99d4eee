"""Requests a new user tried in order to break the provider: each must get a clear, standard
answer, and a narrow token must reach nothing beyond its scopes."""

import requests
from oauth_e2e import (
	APPROVE,
	AUTHORIZE,
	BASE,
	METHOD,
	TIMEOUT,
	TODO,
	assert_insufficient_scope,
	authorize,
	bearer_get,
	code_from,
	login,
	parse_consent,
	query_of,
	remember_tokens,
	request_after_login,
	scoped_token,
)


def test_a_narrow_token_gets_no_desk_or_website_page_rfc6750_3_1(make_client, test_user):
	token = scoped_token(make_client, test_user)
	for path in ("/app", "/app/todo", "/me"):
		assert_insufficient_scope(bearer_get(token, BASE + path, allow_redirects=False), "all")


def test_link_search_needs_the_searched_doctypes_scope_rfc6750_3_1(make_client, test_user):
	token = scoped_token(make_client, test_user)
	for doctype in ("User", "DocType", "Note"):
		search = bearer_get(
			token, METHOD + "frappe.desk.search.search_link", params={"doctype": doctype, "txt": ""}
		)
		assert_insufficient_scope(search, f"{doctype}:read")
	allowed = bearer_get(
		token, METHOD + "frappe.desk.search.search_link", params={"doctype": "ToDo", "txt": ""}
	)
	assert allowed.status_code == 200, allowed.text[:300]


def test_doctype_metadata_needs_the_doctypes_scope_rfc6750_3_1(make_client, test_user):
	token = scoped_token(make_client, test_user)
	assert_insufficient_scope(bearer_get(token, BASE + "/api/v2/doctype/User/meta"), "User:read")
	assert bearer_get(token, BASE + "/api/v2/doctype/ToDo/meta").status_code == 200


def test_a_bearer_header_with_a_tab_is_malformed_not_guest_rfc6750_2_1(make_client, test_user):
	token = scoped_token(make_client, test_user)
	response = requests.get(TODO, headers={"Authorization": f"Bearer\t{token}"}, timeout=TIMEOUT)
	assert response.status_code == 400, response.text[:300]
	assert response.json()["error"] == "invalid_request"


def test_a_consent_form_with_a_wrong_csrf_token_gets_the_apps_page(make_client, test_user):
	client = make_client()
	session = login(test_user.email, test_user.password)
	params, _ = client.authorization_params(pkce=False)
	page = session.get(AUTHORIZE, params=params, timeout=TIMEOUT)
	form = parse_consent(page.text)
	response = session.post(
		APPROVE, data={**form.fields, "csrf_token": "wrong", "decision": "allow"}, allow_redirects=False
	)
	assert response.status_code == 400
	assert response.headers["Content-Type"].startswith("text/html"), response.headers
	assert "This form has expired" in response.text and "_server_messages" not in response.text


def test_a_logged_out_consent_decision_leads_back_to_the_consent_page(make_client, test_user):
	client = make_client()
	session = login(test_user.email, test_user.password)
	params, _ = client.authorization_params(pkce=False)
	form = parse_consent(session.get(AUTHORIZE, params=params, timeout=TIMEOUT).text)
	response = requests.post(APPROVE, data={**form.fields, "decision": "allow"}, allow_redirects=False)
	assert response.status_code == 302
	path, back = request_after_login(response.headers["Location"])
	assert (path, back) == ("/api/method/oauth_idp.api.authorize.authorize", params)
	again = session.get(BASE + path, params=back, allow_redirects=False, timeout=TIMEOUT)
	assert again.status_code == 200 and 'id="allow"' in again.text


def test_unsupported_request_features_are_refused_not_ignored_oidc_core_6(make_client, test_user):
	client = make_client(skip_consent=1)
	session = login(test_user.email, test_user.password)
	for extra, error in (
		({"request": "eyJhbGciOiJub25lIn0.e30."}, "request_not_supported"),
		({"request_uri": "https://rp.example/request.jwt"}, "request_uri_not_supported"),
		({"response_mode": "form_post"}, "invalid_request"),
		({"response_mode": "fragment"}, "invalid_request"),
	):
		params, _ = client.authorization_params(pkce=False, **extra)
		response = authorize(session, params)
		assert response.status_code == 302, response.status_code
		answer = query_of(response.headers["Location"])
		assert answer.get("error") == error and answer.get("state") == params["state"], (extra, answer)
	params, _ = client.authorization_params(pkce=False, response_mode="query")
	code_from(authorize(session, params), client.redirect_uri, params["state"])
