"""What a token's request calls is what Frappe runs, so no path shape, `cmd` parameter, delegated
method or provider URL takes a request around the scope check (RFC 6750 §3.1 insufficient_scope); a
token is no login at the authorization endpoint (RFC 6749 §3.1); child rows and files are reached only
through documents in scope."""

import io
import json

import frappe

from oauth_idp.api import authorize as authorize_endpoint
from oauth_idp.provider import store
from oauth_idp.tests.utils import (
	IdPTestCase,
	access_token,
	authorization_code,
	call_endpoint,
	http_request,
	json_body,
	list_child_rows,
	make_client,
	make_user,
	own_todo,
	private_file_of_a_note,
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


class TestRouting(IdPTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(USER)  # a System Manager: the roles allow everything, so only the scopes can deny
		cls.client = make_client(
			app_name="Routing Test",
			allowed_scopes="openid",
			skip_consent=1,
			scopes=[
				{"document_type": "ToDo", "read": 1, "write": 1},
				{"document_type": "Page", "read": 1},
			],
			methods=[{"method": LOGGED_USER}],
		)
		frappe.db.commit()
		cls.narrow = cls.token("ToDo:read")
		cls.with_method = cls.token(f"ToDo:read method:{LOGGED_USER}")
		cls.todo = own_todo(cls, USER, "routing test")

	@classmethod
	def token(cls, scope: str, user: str = USER) -> str:
		return access_token(cls.client, user, scope)

	def skip_consent_client_asked_for_all(self, app_name: str):
		"""A client that would issue an `all` code at once to a signed-in user, and such a request."""
		wide = make_client(app_name=app_name, allowed_scopes="openid all", skip_consent=1)
		frappe.db.commit()
		params = {
			"client_id": wide.name,
			"response_type": "code",
			"redirect_uri": "https://app.example.com/callback",
			"scope": "all",
		}
		return wide, params

	def assert_insufficient_scope(self, response, scope: str, where: str):
		where = f"{where} -> {response.status_code} {response.get_data(as_text=True)[:300]}"
		self.assertEqual(response.status_code, 403, where)
		self.assertIn(f'scope="{scope}"', response.headers.get("WWW-Authenticate", ""), where)
		self.assertEqual(json_body(response).get("error"), "insufficient_scope", where)

	def test_every_route_to_a_method_needs_that_methods_scope(self):
		for method, path, kwargs in ROUTES_TO_LOGGED_USER:
			with self.subTest(method=method, path=path, kwargs=kwargs):
				denied = http_request(method, path, self.narrow, **kwargs)
				self.assert_insufficient_scope(denied, f"method:{LOGGED_USER}", f"{method} {path}")
				allowed = http_request(method, path, self.with_method, **kwargs)
				where = f"{method} {path} -> {allowed.status_code} {allowed.get_data(as_text=True)[:300]}"
				self.assertEqual(allowed.status_code, 200, where)
				body = json_body(allowed)
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
		self.assertEqual(json_body(token).get("error"), "invalid_request", token.get_data(as_text=True))
		self.assertEqual(json_body(token).get("error_description"), "Missing code parameter.")
		self.assertEqual(token.headers.get("Cache-Control"), "no-store")

	def test_a_token_is_no_login_at_the_authorization_endpoint(self):
		wide, params = self.skip_consent_client_asked_for_all("Routing Wide")
		for path in (
			"/api/method/frappe.integrations.oauth2.authorize",
			"/api/method/oauth_idp.api.authorize.authorize",
		):
			with self.subTest(path=path):
				response = http_request("GET", path, self.narrow, query_string=params)
				self.assertEqual(response.status_code, 400, response.get_data(as_text=True)[:300])
				self.assertEqual(json_body(response).get("error"), "invalid_request")
				self.assertNotIn("Location", response.headers)
		frappe.db.commit()
		self.assertFalse(frappe.db.exists("IdP Grant", {"client": wide.name}), "no code was issued")

	def test_link_search_needs_the_method_scope_of_the_query_it_runs(self):
		"""Even a data method the token could call itself: link search hands it `txt` and the rest in
		positions of its own (`txt` becomes get_list's `fields`), past the checks on the request's
		parameters."""
		for query, needed in (
			("frappe.core.doctype.user.user.user_query", "method:frappe.core.doctype.user.user.user_query"),
			("frappe.client.get_list", "all"),  # no method scope grants a data method
			("frappe.desk.reportview.get", "all"),
			("frappe.email.inbox.set_value", "all"),  # frappe.client.set_value under another name
		):
			for method in ("frappe.desk.search.search_link", "frappe.desk.search.search_widget"):
				with self.subTest(method=method, query=query):
					response = http_request(
						"GET",
						f"/api/method/{method}",
						self.narrow,
						query_string={
							"doctype": "ToDo",
							"txt": '["substring(description, 1, 3) as s"]',
							"searchfield": "null",
							"page_length": "0",
							"query": query,
						},
					)
					self.assert_insufficient_scope(response, needed, method)

	def test_an_upload_under_another_name_still_needs_the_scope_of_the_method_it_runs(self):
		roles = "frappe.core.doctype.user.user.get_all_roles"
		for path in ("/api/method/upload_file", "/api/method/frappe.api.v2.upload_file"):
			with self.subTest(path=path):
				response = http_request(
					"POST",
					path,
					self.narrow,
					data={"method": roles, "file": (io.BytesIO(b"x"), "x.txt")},
				)
				self.assert_insufficient_scope(response, f"method:{roles}", path)

	def test_a_cmd_may_not_name_a_provider_endpoint_away_from_its_url(self):
		"""Frappe would run the endpoint and throw its answer away: a code would be spent for nothing."""
		response = http_request("POST", "/", data={"cmd": "frappe.integrations.oauth2.get_token"})
		self.assertEqual(response.status_code, 400, response.get_data(as_text=True)[:300])
		self.assertEqual(json_body(response).get("error"), "invalid_request")

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

	def test_no_method_can_call_a_provider_endpoint_for_a_token(self):
		"""upload_file runs the whitelisted method named in `method` (Frappe 15); the authorization
		endpoint reached so would sign a narrow token's user in for an `all` token."""
		wide, params = self.skip_consent_client_asked_for_all("Routing Delegate")
		for endpoint in ("oauth_idp.api.authorize.authorize", "frappe.integrations.oauth2.authorize"):
			for method, path in (
				("GET", "/api/method/upload_file"),
				("GET", "/api/v2/method/upload_file"),
				("POST", "/api/method/frappe.handler.upload_file"),
			):
				with self.subTest(endpoint=endpoint, path=path):
					kwargs = {"query_string" if method == "GET" else "data": {**params, "method": endpoint}}
					response = http_request(method, path, self.narrow, **kwargs)
					self.assert_insufficient_scope(response, "all", path)
		frappe.db.commit()
		self.assertFalse(frappe.db.exists("IdP Grant", {"client": wide.name}), "no code was issued")

	def test_the_authorization_endpoint_serves_no_token_authenticated_request_however_reached(self):
		frappe.local.oauth_access = store.find_access_token(self.narrow)[0]
		try:
			status, _headers, page = call_endpoint(
				authorize_endpoint.authorize, {"client_id": self.client.name}, method="GET"
			)
		finally:
			del frappe.local.oauth_access
		self.assertEqual(status, 400)
		self.assertIn("invalid_request", page)

	def test_a_child_row_is_reached_only_through_a_parent_that_owns_it(self):
		"""Frappe's own permission check trusts the Administrator's claimed parent; the scope check
		holds for everyone."""
		admin = self.token("ToDo:read ToDo:write", user="Administrator")
		read = http_request(
			"GET",
			"/api/method/frappe.desk.reportview.get",
			admin,
			query_string={"doctype": "Has Role", "parent_doctype": "ToDo", "fields": '["name", "role"]'},
		)
		self.assert_insufficient_scope(read, "Has_Role:read", "a ToDo has no Has Role table")
		row = frappe.db.get_value("Has Role", {"parent": USER, "parenttype": "User"})
		moved = http_request(
			"PUT", f"/api/resource/Has Role/{row}", admin, json={"parenttype": "ToDo", "parent": self.todo}
		)
		self.assert_insufficient_scope(moved, "User:write", "the row is stored under a User")
		frappe.db.commit()
		self.assertEqual(frappe.db.get_value("Has Role", row, "parenttype"), "User", "the row did not move")

	def test_a_child_table_shared_by_several_parents_lists_only_the_rows_of_parents_in_scope(self):
		token = self.token("Page:read")
		response = list_child_rows(token, "Has Role", "Page", ["parent", "parenttype"])
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:300])
		rows = json_body(response)["message"]
		self.assertTrue(rows, "the Pages' own rows are listed")
		self.assertEqual({row["parenttype"] for row in rows}, {"Page"}, "no User's roles")

	def test_files_are_reached_only_through_documents_in_scope(self):
		file = private_file_of_a_note(self, "routing-test-secret")
		for file_name in (file.file_name, "no-such-file.txt"):
			response = http_request(
				"GET",
				"/api/method/frappe.client.get",
				self.narrow,
				query_string={"doctype": "File", "filters": json.dumps({"file_name": file_name})},
			)
			self.assert_insufficient_scope(response, "File:read", file_name)
		writer = self.token("ToDo:read ToDo:write")
		reattach = http_request(
			"POST",
			"/api/method/upload_file",
			writer,
			data={"file_url": file.file_url, "doctype": "ToDo", "docname": self.todo, "is_private": "1"},
		)
		self.assert_insufficient_scope(reattach, "File:create", "a File of an existing private URL")
		download = http_request("GET", file.file_url, writer)
		self.assert_insufficient_scope(download, "Note:read", file.file_url)

	def test_v2_run_doc_method_is_checked_on_the_document_it_runs(self):
		writer = self.token("ToDo:read ToDo:write")
		note = {"doctype": "Note", "title": "routing test"}
		response = http_request(
			"POST",
			"/api/v2/method/run_doc_method",
			writer,
			data={"dt": "ToDo", "method": "add_comment", "document": json.dumps(note)},
		)
		self.assert_insufficient_scope(response, "Note:write", "v2 reads `document`, not `dt`")

	def test_malformed_data_requests_are_refused_not_crashed_on(self):
		for method, path, kwargs, error in (
			(
				"GET",
				"/api/method/frappe.desk.search.search_widget",
				{"query_string": {"doctype": "ToDo", "txt": "", "query": "frappe.desk.search.search_widget"}},
				"insufficient_scope",
			),
			(
				"POST",
				"/api/method/frappe.desk.search.search_link",
				{"json": {"doctype": ["User"], "txt": ""}},
				"invalid_request",
			),
		):
			with self.subTest(path=path, kwargs=kwargs):
				response = http_request(method, path, self.narrow, **kwargs)
				where = f"{path} -> {response.status_code} {response.get_data(as_text=True)[:300]}"
				self.assertLess(response.status_code, 500, where)
				self.assertEqual(json_body(response).get("error"), error, where)
