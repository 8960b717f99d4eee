"""Requests shaped to slip past the provider, over HTTP: other routes to a method, a `cmd` parameter,
a token offered as a login, bodies Frappe cannot parse, unserved HTTP methods, forged markers. Each
gets a clear, standard answer, and a narrow token still reaches only its scopes."""

from types import SimpleNamespace

import pytest
import requests
from oauth_e2e import (
	APPROVE,
	AUTHORIZE,
	BASE,
	BUILTIN,
	DISCOVERY,
	INTROSPECT,
	JWKS,
	LEAKS,
	METHOD,
	REVOKE,
	TIMEOUT,
	TOKEN,
	USERINFO,
	assert_insufficient_scope,
	assert_oauth_error,
	bearer_get,
	login,
	scoped_token,
)

WELL_KNOWN = BASE + "/.well-known/openid-configuration"
BROKEN_JSON = {"data": b'{"a":', "headers": {"Content-Type": "application/json"}}


def assert_no_leak(response):
	assert response.status_code < 500, f"{response.status_code}: {response.text[:300]}"
	for leak in LEAKS:
		assert leak not in response.text, f"{leak!r} in {response.text[:300]}"


@pytest.mark.parametrize(
	"path",
	[
		"frappe.client.get_password/x/y",
		"frappe.client.get_password//",
		"frappe.client.get_password/%2F",
	],
)
def test_extra_path_segments_do_not_skip_the_scope_check_rfc6750_3_1(make_client, test_user, site, path):
	token = scoped_token(make_client, test_user)
	key = site.db.get_value("IdP Signing Key", {"active": 1})
	response = bearer_get(
		token,
		METHOD + path,
		params={"doctype": "IdP Signing Key", "name": key, "fieldname": "private_key"},
	)
	assert_insufficient_scope(response, "method:frappe.client.get_password")
	assert "PRIVATE KEY" not in response.text


def test_a_cmd_parameter_is_the_method_checked_rfc6750_3_1(make_client, test_user):
	token = scoped_token(make_client, test_user)
	hijack = bearer_get(
		token,
		METHOD + "frappe.client.get_list",
		params={"cmd": "frappe.auth.get_logged_user", "doctype": "ToDo"},
	)
	assert_insufficient_scope(hijack, "method:frappe.auth.get_logged_user")
	jwks = requests.post(
		JWKS,
		data={"cmd": "frappe.auth.get_logged_user"},
		headers={"Authorization": f"Bearer {token}"},
		timeout=TIMEOUT,
	)
	assert jwks.status_code == 405 and test_user.email not in jwks.text, jwks.text[:300]


def test_an_access_token_is_no_login_at_the_authorization_endpoint_rfc6749_3_1(make_client, test_user):
	token = scoped_token(make_client, test_user)
	wide = make_client(skip_consent=1, client_type="Public")
	params, _ = wide.authorization_params(scope="all")
	for url in (AUTHORIZE, BUILTIN + "authorize"):
		response = requests.get(
			url,
			params=params,
			headers={"Authorization": f"Bearer {token}"},
			allow_redirects=False,
			timeout=TIMEOUT,
		)
		assert response.status_code == 400, f"{response.status_code}: {response.text[:300]}"
		assert response.json()["error"] == "invalid_request"
		assert "Location" not in response.headers


def test_link_search_query_needs_its_method_scope_rfc6750_3_1(make_client, test_user):
	token = scoped_token(make_client, test_user)
	query = "frappe.core.doctype.user.user.user_query"
	response = bearer_get(
		token,
		METHOD + "frappe.desk.search.search_link",
		params={"doctype": "ToDo", "txt": "", "query": query},
	)
	assert_insufficient_scope(response, f"method:{query}")


def test_a_record_outside_the_scopes_is_not_even_known_to_exist_rfc6750_3_1(make_client, test_user):
	token = scoped_token(make_client, test_user)
	for name in ("Administrator", "nobody-at-all@example.com"):
		response = bearer_get(
			token, METHOD + "frappe.desk.form.load.getdoc", params={"doctype": "User", "name": name}
		)
		assert_insufficient_scope(response, "User:read")


@pytest.mark.parametrize("url", [TOKEN, REVOKE, INTROSPECT], ids=["token", "revoke", "introspect"])
@pytest.mark.parametrize("method", ["PATCH", "HEAD", "TRACE", "PUT"])
def test_client_endpoints_answer_unserved_methods_with_405_rfc9110_15_5_6(url, method):
	response = requests.request(method, url, timeout=TIMEOUT)
	assert response.status_code == 405, f"{method}: {response.status_code} {response.text[:300]}"
	assert response.headers.get("Allow") == "POST"
	if method != "HEAD":
		assert_oauth_error(response, 405, "invalid_request")


@pytest.mark.parametrize("url", [AUTHORIZE, BUILTIN + "authorize", APPROVE])
def test_the_authorization_endpoint_answers_unserved_methods_with_its_page(url):
	response = requests.request("PATCH", url, timeout=TIMEOUT)
	assert response.status_code == 405, f"{response.status_code}: {response.text[:300]}"
	assert "POST" in response.headers.get("Allow", "")
	assert response.headers["Content-Type"].startswith("text/html")
	assert_no_leak(response)


def test_discovery_serves_get_and_head_only_rfc8414_3(make_client):
	for url in (DISCOVERY, JWKS, WELL_KNOWN):
		assert requests.head(url, timeout=TIMEOUT).status_code == 200, url
		refused = requests.put(url, timeout=TIMEOUT)
		assert refused.status_code == 405 and refused.headers.get("Allow") == "GET, HEAD", url
		assert refused.json()["error"] == "invalid_request"


@pytest.mark.parametrize(
	("url", "kind"),
	[
		(AUTHORIZE, "page"),
		(BUILTIN + "authorize", "page"),
		(APPROVE, "page"),
		(USERINFO, "bearer"),
		(BUILTIN + "openid_profile", "bearer"),
		(TOKEN, "client"),
		(DISCOVERY, "405"),
		(JWKS, "405"),
	],
)
def test_a_body_frappe_cannot_parse_gets_the_endpoints_own_error_rfc6749_5_2(url, kind):
	response = requests.post(url, timeout=TIMEOUT, **BROKEN_JSON)
	assert_no_leak(response)
	if kind != "page":  # a page may set the browser's session cookies; a client's answer never does
		assert "Set-Cookie" not in response.headers, response.headers.get("Set-Cookie")
	if kind == "page":
		assert response.status_code == 400 and response.headers["Content-Type"].startswith("text/html")
	elif kind == "bearer":
		assert response.status_code == 400 and response.json()["error"] == "invalid_request"
		assert 'error="invalid_request"' in response.headers.get("WWW-Authenticate", "")
	elif kind == "client":
		assert_oauth_error(response, 400, "invalid_request")
	else:
		assert response.status_code == 405 and response.json()["error"] == "invalid_request"


def test_introspection_refuses_public_clients_rfc7662_2_1(make_client, user_session):
	public = make_client(client_type="Public", skip_consent=1)
	token = public.tokens(user_session, scope="openid")
	response = public.introspect(token["access_token"])
	assert_oauth_error(response, 401, "invalid_client")
	assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_userinfo_without_credentials_gets_a_bare_challenge_rfc6750_3_1():
	response = requests.get(USERINFO, timeout=TIMEOUT)
	assert response.status_code == 401
	assert response.headers["WWW-Authenticate"] == 'Bearer realm="oauth_idp"'


def test_a_made_up_login_marker_does_not_skip_prompt_login_oidc_core_3_1_2_1(make_client, test_user):
	client = make_client(skip_consent=1)
	session = login(test_user.email, test_user.password)
	for forged in ("0", "0.0000", "1.2f3c"):
		params, _ = client.authorization_params(
			scope="openid", pkce=False, prompt="login", oauth_idp_login_after=forged
		)
		response = session.get(AUTHORIZE, params=params, allow_redirects=False, timeout=TIMEOUT)
		location = response.headers.get("Location", "")
		assert response.status_code == 302 and location.startswith("/login?"), (forged, location[:200])
		session = login(test_user.email, test_user.password)  # prompt=login ended the session


def test_a_loopback_redirect_to_port_0_is_refused_rfc8252_7_3(make_client, user_session):
	client = make_client(redirect_uris=["http://127.0.0.1/cb"], skip_consent=1)
	params, _ = client.authorization_params(scope="openid", redirect_uri="http://127.0.0.1:0/cb")
	response = user_session.get(AUTHORIZE, params=params, allow_redirects=False, timeout=TIMEOUT)
	assert response.status_code == 400 and "Location" not in response.headers, response.status_code


@pytest.mark.parametrize("path", ["upload_file", "frappe.handler.upload_file"])
def test_no_method_reaches_the_authorization_endpoint_for_a_token_rfc6749_3_1(make_client, test_user, path):
	token = scoped_token(make_client, test_user)
	wide = make_client(skip_consent=1, client_type="Public")
	params, _ = wide.authorization_params(scope="all")
	response = requests.post(
		METHOD + path,
		data={**params, "method": "oauth_idp.api.authorize.authorize"},
		headers={"Authorization": f"Bearer {token}"},
		allow_redirects=False,
		timeout=TIMEOUT,
	)
	assert_insufficient_scope(response, "all")  # no method scope grants a provider endpoint
	assert "Location" not in response.headers


def test_an_administrators_token_reads_no_child_table_under_a_parent_that_lacks_it(make_client):
	token = scoped_token(
		make_client, type("Administrator", (), {"email": "Administrator", "password": "admin"})
	)
	response = bearer_get(
		token,
		METHOD + "frappe.desk.reportview.get",
		params={"doctype": "Has Role", "parent_doctype": "ToDo", "fields": '["name", "role"]'},
	)
	assert_insufficient_scope(response, "Has_Role:read")


@pytest.mark.parametrize(
	("url", "params"),
	[
		(BASE + "/api/resource/ToDo", {"fields": '["name as `n`, (select count(*) from `__Auth`) as `x`"]'}),
		(
			METHOD + "frappe.desk.search.search_widget",
			{
				"doctype": "ToDo",
				"txt": "",
				"filter_fields": '["name`, (select password from `__Auth`) as `x"]',
			},
		),
		(
			BASE + "/api/resource/ToDo",
			{"filters": '[["ifnull((select(count(*))from(tabSessions)),\'.name.\')", ">", 0]]'},
		),
		(
			METHOD + "frappe.desk.search.search_link",
			{"doctype": "ToDo", "txt": "", "filters": '["1=1 or 1=1"]'},
		),
	],
	ids=["fields", "filter_fields", "filter field", "raw filter"],
)
def test_a_scoped_token_names_columns_not_sql(make_client, test_user, url, params):
	token = scoped_token(make_client, test_user)
	response = bearer_get(token, url, params=params)
	assert response.status_code == 400, f"{response.status_code}: {response.text[:300]}"
	assert response.json()["error"] == "invalid_request"
	assert "$pbkdf2" not in response.text
