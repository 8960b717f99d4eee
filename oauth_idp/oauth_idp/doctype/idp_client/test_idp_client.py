# Copyright (c) 2026, oauth_idp developers and contributors
# For license information, please see license.txt

import frappe

from oauth_idp.provider import store
from oauth_idp.tests.utils import IdPTestCase, make_client


class TestIdPClient(IdPTestCase):
	def test_secret_is_shown_once_and_stored_only_as_a_hash(self):
		client = make_client(app_name="Secret Test")
		secret = client.client_secret
		self.assertGreaterEqual(len(secret), 43, "256 bits of randomness")
		self.assertFalse(frappe.db.get_value(store.CLIENT, client.name, "client_secret"))
		self.assertIsNone(frappe.get_doc(store.CLIENT, client.name).client_secret)
		stored = frappe.db.sql(
			"select password from __Auth where doctype=%s and name=%s", (store.CLIENT, client.name)
		)[0][0]
		self.assertNotIn(secret, stored)
		self.assertTrue(store.client_secret_matches(client.name, secret))

	def test_regenerating_the_secret_retires_the_old_one(self):
		client = make_client(app_name="Rotation Test")
		old = client.client_secret
		new = frappe.get_doc(store.CLIENT, client.name).regenerate_secret()
		self.assertTrue(store.client_secret_matches(client.name, new))
		self.assertFalse(store.client_secret_matches(client.name, old))

	def test_changing_the_client_type_issues_or_drops_the_secret_rfc6749_2_1(self):
		client = make_client(app_name="Type Change Test")
		secret = client.client_secret
		client.client_type = "Public"
		client.save(ignore_permissions=True)
		self.assertFalse(store.client_secret_matches(client.name, secret), "a public client has no secret")
		self.assertFalse(client.secret_issued_on)
		client.client_type = "Confidential"
		client.save(ignore_permissions=True)
		self.assertTrue(
			client.client_secret and store.client_secret_matches(client.name, client.client_secret)
		)

	def test_public_clients_have_no_secret(self):
		client = make_client(app_name="Public Test", client_type="Public")
		self.assertIsNone(client.client_secret)
		self.assertFalse(store.client_secret_matches(client.name, ""))

	def test_redirect_uris_with_fragments_and_long_code_lifetimes_are_refused_rfc6749_3_1_2(self):
		with self.assertRaises(frappe.ValidationError):
			make_client(redirect_uris="https://app.example.com/cb#frag")
		with self.assertRaises(frappe.ValidationError):
			make_client(code_lifetime=601)

	def test_misplaced_scopes_unknown_methods_and_child_tables_are_refused(self):
		with self.assertRaises(frappe.ValidationError):
			make_client(allowed_scopes="openid ToDo:read")  # belongs in the scope table
		make_client(app_name="Legacy Scope Names", allowed_scopes="openid ToDo:read", full_user_access=1)
		with self.assertRaises(frappe.ValidationError):
			make_client(methods=[{"method": "no.such.method"}])
		with self.assertRaises(frappe.ValidationError):
			make_client(methods=[{"method": "frappe.utils.now"}])  # exists, but is not whitelisted
		make_client(app_name="Whitelisted Method", methods=[{"method": "frappe.auth.get_logged_user"}])
		with self.assertRaises(frappe.ValidationError):
			make_client(scopes=[{"document_type": "Has Role", "read": 1}])
		with self.assertRaises(frappe.ValidationError):  # a token could promote its own client
			make_client(scopes=[{"document_type": "IdP Client", "read": 1, "write": 1}])

	def test_data_methods_belong_to_the_scope_table_not_the_method_table(self):
		"""A method row would let link search run them with arguments no scope check reads."""
		for method in (
			"frappe.client.get_list",
			"frappe.desk.search.search_link",
			"frappe.client.get_count",
			"frappe.email.inbox.set_value",  # frappe.client.set_value under another name
			"frappe.api.v2.upload_file",  # frappe.handler.upload_file under another name
			"oauth_idp.api.token.get_token",
		):
			with self.subTest(method=method), self.assertRaises(frappe.ValidationError):
				make_client(methods=[{"method": method}])
