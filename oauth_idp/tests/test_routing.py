"""What a token's request calls is what Frappe runs, so no path shape, `cmd` parameter or provider URL
takes a request around the scope check (RFC 6750 §3.1 insufficient_scope); and a token is no login
at the authorization endpoint (RFC 6749 §3.1)."""

import json

import frappe

from oauth_idp.tests.utils import (
	IdPTestCase,
	authorization_code,
	http_request,
	make_client,
	make_user,
	redeem,
)

USER = "oauth-idp-routing-test@example.com"
LOGGED_USER = "frappe.auth.get_logged_user"
GET_PASSWORD = "frappe.client.get_password"

# Every way of asking Frappe to run LOGGED_USER, some with a data method's name in the path.
ROUTES_TO_LOGGED_USER = [
	("GET", f"/api/method/{LOGGED_USER}", {}),
	("GET", f"/api/method/{LOGGED_USER}/x/y", {}),
	("GET", f"/api/method/{LOGGED_USER}//", {}),
	("GET", f"/api/method/{LOGGED_USER}/%2F", {}),
	("GET", f"/api/v1/method/{LOGGED_USER}/a/b", {}),
	("GET", f"/api/v2/method/{LOGGED_USER}", {}),
	("GET", "/api/method/frappe.client.get_list", {"query_string": {"cmd": LOGGED_USER, "doctype": "ToDo"}}),
	("POST", "/api/method/frappe.client.get_list", {"json": {"cmd": LOGGED_USER, "doctype": "ToDo"}}),
	("POST", "/api/resource/ToDo", {"data": {"cmd": LOGGED_USER}}),
	("POST", "/", {"data": {"cmd": LOGGED_USER}}),
]


def answer(response) -> dict:
	try:
		return json.loads(response.get_data(as_text=True))
	except ValueError:
		return {}


class TestRouting(IdPTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(USER)  # a System Manager: the roles allow everything, so only the scopes can deny
		cls.client = make_client(
			app_name="Routing Test",
			allowed_scopes="openid",
			skip_consent=1,
			scopes=[{"document_type": "ToDo", "read": 1}],
			methods=[{"method": LOGGED_USER}],
		)
		frappe.db.commit()
		cls.narrow = cls.token("ToDo:read")
		cls.with_method = cls.token(f"ToDo:read method:{LOGGED_USER}")

	@classmethod
	def token(cls, scope: str) -> str:
		status, body = redeem(cls.client, authorization_code(cls.client, USER, scope=scope))
		assert status == 200, body
		frappe.db.commit()
		return body["access_token"]

	def assert_insufficient_scope(self, response, scope: str, where: str):
		where = f"{where} -> {response.status_code} {response.get_data(as_text=True)[:300]}"
		self.assertEqual(response.status_code, 403, where)
		self.assertIn(f'scope="{scope}"', response.headers.get("WWW-Authenticate", ""), where)
		self.assertEqual(answer(response).get("error"), "insufficient_scope", where)

	def test_every_route_to_a_method_needs_that_methods_scope(self):
		for method, path, kwargs in ROUTES_TO_LOGGED_USER:
			with self.subTest(method=method, path=path, kwargs=kwargs):
				denied = http_request(method, path, self.narrow, **kwargs)
				self.assert_insufficient_scope(denied, f"method:{LOGGED_USER}", f"{method} {path}")
				allowed = http_request(method, path, self.with_method, **kwargs)
				where = f"{method} {path} -> {allowed.status_code} {allowed.get_data(as_text=True)[:300]}"
				self.assertEqual(allowed.status_code, 200, where)
				body = answer(allowed)
				self.assertEqual(body.get("message", body.get("data")), USER, where)  # v2 answers in `data`

	def test_the_signing_key_is_out_of_a_narrow_tokens_reach(self):
		key = frappe.db.get_value("IdP Signing Key", {"active": 1})
		params = {"doctype": "IdP Signing Key", "name": key, "fieldname": "private_key"}
		for path in (f"/api/method/{GET_PASSWORD}", f"/api/method/{GET_PASSWORD}/x/y"):
			with self.subTest(path=path):
				response = http_request("GET", path, self.narrow, query_string=params)
				self.assert_insufficient_scope(response, f"method:{GET_PASSWORD}", path)
				self.assertNotIn("PRIVATE KEY", response.get_data(as_text=True))

	def test_a_cmd_parameter_on_a_provider_url_runs_that_endpoint(self):
		jwks = http_request(
			"POST", "/api/method/oauth_idp.api.discovery.jwks", self.with_method, data={"cmd": LOGGED_USER}
		)
		self.assertEqual(jwks.status_code, 405, "the JWKS answers, and it answers only GET")
		self.assertNotIn(USER, jwks.get_data(as_text=True))
		token = http_request(
			"POST",
			"/api/method/frappe.integrations.oauth2.get_token",
			data={"cmd": LOGGED_USER, "grant_type": "authorization_code"},
		)
		self.assertEqual(answer(token).get("error"), "invalid_request", token.get_data(as_text=True))
		self.assertEqual(answer(token).get("error_description"), "Missing code parameter.")
		self.assertEqual(token.headers.get("Cache-Control"), "no-store")

	def test_a_token_is_no_login_at_the_authorization_endpoint(self):
		wide = make_client(app_name="Routing Wide", allowed_scopes="openid all", skip_consent=1)
		frappe.db.commit()
		params = {
			"client_id": wide.name,
			"response_type": "code",
			"redirect_uri": "https://app.example.com/callback",
			"scope": "all",
		}
		for path in (
			"/api/method/frappe.integrations.oauth2.authorize",
			"/api/method/oauth_idp.api.authorize.authorize",
		):
			with self.subTest(path=path):
				response = http_request("GET", path, self.narrow, query_string=params)
				self.assertEqual(response.status_code, 400, response.get_data(as_text=True)[:300])
				self.assertEqual(answer(response).get("error"), "invalid_request")
				self.assertNotIn("Location", response.headers)
		frappe.db.commit()
		self.assertFalse(frappe.db.exists("IdP Grant", {"client": wide.name}), "no code was issued")

	def test_link_search_needs_the_scope_of_the_query_it_runs(self):
		query = "frappe.core.doctype.user.user.user_query"
		for method in ("frappe.desk.search.search_link", "frappe.desk.search.search_widget"):
			with self.subTest(method=method):
				response = http_request(
					"GET",
					f"/api/method/{method}",
					self.narrow,
					query_string={"doctype": "ToDo", "txt": "", "query": query},
				)
				self.assert_insufficient_scope(response, f"method:{query}", method)

	def test_a_token_learns_nothing_of_a_doctype_outside_its_scopes(self):
		"""Not even whether a record exists: the answer is the same 403 for a real name and a made-up
		one, where Frappe itself would answer a made-up name with 404."""
		for name in ("Administrator", "nobody-at-all@example.com"):
			for method, path, kwargs in (
				(
					"GET",
					"/api/method/frappe.desk.form.load.getdoc",
					{"query_string": {"doctype": "User", "name": name}},
				),
				("GET", "/api/method/frappe.client.get", {"query_string": {"doctype": "User", "name": name}}),
				("GET", f"/api/resource/User/{name}", {}),
				("GET", f"/api/v2/document/User/{name}", {}),
			):
				with self.subTest(name=name, path=path):
					self.assert_insufficient_scope(
						http_request(method, path, self.narrow, **kwargs), "User:read", path
					)
		for method, scope in (("PUT", "User:write"), ("DELETE", "User:delete")):
			response = http_request(
				method, "/api/resource/User/nobody-at-all@example.com", self.narrow, json={}
			)
			self.assert_insufficient_scope(response, scope, method)
