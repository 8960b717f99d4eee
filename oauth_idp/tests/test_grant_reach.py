"""A grant reaches what the user consented to and no more, for as long as the client still allows it:
a named scope that includes more later widens no token and no remembered consent, and a user who
loses the client's Allowed Roles loses its tokens."""

import json

import frappe

from oauth_idp.api import introspect as introspection_endpoint
from oauth_idp.protocol.errors import OAuth2Error
from oauth_idp.provider import identity, store
from oauth_idp.tests.utils import (
	IdPTestCase,
	authorization_code,
	call_endpoint,
	http_request,
	json_body,
	make_client,
	make_user,
	own_todo,
	redeem,
	token_request,
)

USER = "oauth-idp-reach-test@example.com"
USERINFO = "/api/method/oauth_idp.api.userinfo.openid_profile"
ROLE = "Blogger"


class TestGrantReach(IdPTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(USER)
		cls.todo = own_todo(cls, USER, "reach test")

	def test_what_a_named_scope_gains_after_consent_is_not_granted(self):
		client = make_client(
			app_name="Reach Named",
			allowed_scopes="openid",
			scopes=[{"document_type": "ToDo", "read": 1, "write": 1}],
			named_scopes=[{"scope_name": "todo", "includes": "ToDo:read"}],
		)
		frappe.db.commit()
		_status, body = redeem(client, authorization_code(client, USER, scope="todo"))
		frappe.db.commit()  # as the token request does, for the requests below to see it
		token = body["access_token"]
		path = f"/api/resource/ToDo/{self.todo}"
		self.assertEqual(http_request("GET", path, token).status_code, 200)

		client.named_scopes[0].includes = "ToDo:read ToDo:write"
		client.save(ignore_permissions=True)
		frappe.db.commit()
		response = http_request("PUT", path, token, json={"description": "widened"})
		self.assertEqual(response.status_code, 403, response.get_data(as_text=True)[:300])
		self.assertIn('scope="ToDo:write"', response.headers["WWW-Authenticate"])
		reach = store.find_access_token(token)[0].reach
		self.assertEqual(reach, ("todo", "ToDo:read"))
		# The remembered consent covers the old meaning only: the user is asked again.
		widened = ["todo", "ToDo:read", "ToDo:write"]
		self.assertFalse(store.consent_covers(USER, client.name, widened))

	def test_a_user_who_loses_the_clients_roles_loses_its_tokens(self):
		user = frappe.get_doc("User", USER)
		user.add_roles(ROLE)
		client = make_client(app_name="Reach Roles", allowed_roles=[{"role": ROLE}])
		frappe.db.commit()
		_status, body = redeem(client, authorization_code(client, USER))
		self.assertIsNotNone(store.find_access_token(body["access_token"])[0])

		user.remove_roles(ROLE)
		frappe.db.commit()
		access, problem = store.find_access_token(body["access_token"])
		self.assertIsNone(access)
		self.assertEqual(problem, "The user of this access token may no longer use this app.")
		status, refused = token_request(
			client, grant_type="refresh_token", refresh_token=body["refresh_token"]
		)
		self.assertEqual((status, refused["error"]), (400, "invalid_grant"))
		self.assertEqual(refused["error_description"], "This user may no longer use this app.")
		# RFC 7662 §2.2: introspection says what a request with the token would be told.
		for token in (body["access_token"], body["refresh_token"]):
			_status, _headers, answer = call_endpoint(
				introspection_endpoint.introspect_token,
				{"token": token, "client_id": client.name, "client_secret": client.client_secret},
			)
			self.assertEqual(json.loads(answer), {"active": False})

	def test_an_openid_scope_taken_off_the_client_releases_no_more_claims(self):
		client = make_client(app_name="Reach Claims", allowed_scopes="openid email roles")
		frappe.db.commit()
		_status, body = redeem(client, authorization_code(client, USER, scope="openid email roles"))
		frappe.db.commit()
		claims = json_body(http_request("GET", USERINFO, body["access_token"]))
		self.assertIn("roles", claims)
		secret = client.client_secret  # shown once: the saved document no longer carries it
		client.allowed_scopes = "openid email"
		client.save(ignore_permissions=True)
		frappe.db.commit()
		claims = json_body(http_request("GET", USERINFO, body["access_token"]))
		self.assertNotIn("roles", claims)
		self.assertEqual(claims["email"], USER)
		status, refreshed = token_request(
			client, grant_type="refresh_token", refresh_token=body["refresh_token"], client_secret=secret
		)
		self.assertEqual((status, refreshed["scope"]), (200, "openid email"))

	def test_a_refresh_that_would_leave_nothing_of_its_grant_is_refused(self):
		client = make_client(
			app_name="Reach Nothing Left",
			allowed_scopes="openid",
			scopes=[{"document_type": "ToDo", "read": 1}],
		)
		frappe.db.commit()
		_status, body = redeem(client, authorization_code(client, USER, scope="ToDo:read"))
		secret = client.client_secret  # shown once: the saved document no longer carries it
		client.scopes = []
		client.save(ignore_permissions=True)
		frappe.db.commit()
		status, refused = token_request(
			client, grant_type="refresh_token", refresh_token=body["refresh_token"], client_secret=secret
		)
		self.assertEqual((status, refused["error"]), (400, "invalid_grant"), refused)

	def test_a_client_with_no_default_scope_gets_invalid_scope_rfc6749_3_3(self):
		client = make_client(app_name="Reach No Default", allowed_scopes="")
		frappe.db.commit()
		with self.assertRaises(OAuth2Error) as refused:
			authorization_code(client, USER, scope="")
		self.assertEqual(refused.exception.error, "invalid_scope")
		with self.assertRaises(OAuth2Error) as refused:
			authorization_code(client, USER, scope="openid Note:read")
		self.assertIn("Note:read", refused.exception.description)


class TestIssuer(IdPTestCase):
	def test_the_issuer_is_host_name_as_configured_oidc_discovery_3(self):
		conf = frappe.local.conf
		saved = conf.get("host_name")
		try:
			conf.host_name = "https://erp.example.com"
			self.assertEqual(identity.issuer(), "https://erp.example.com")
			conf.host_name = "erp.example.com/"
			self.assertEqual(identity.issuer(), "http://erp.example.com")
		finally:
			conf.host_name = saved
