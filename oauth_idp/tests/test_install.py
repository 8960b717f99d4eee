"""Moving from Frappe's built-in provider: clients, secrets and live tokens carry over."""

import frappe
from frappe.tests.utils import FrappeTestCase

from oauth_idp import install
from oauth_idp.provider import store
from oauth_idp.tests.utils import make_user

USER = "oauth-idp-migration-test@example.com"


class TestMigrationFromBuiltin(FrappeTestCase):
	def test_builtin_client_secret_and_tokens_keep_working_and_leave_no_plaintext(self):
		make_user(USER)
		builtin = frappe.get_doc(
			{
				"doctype": "OAuth Client",
				"app_name": "Legacy App",
				"scopes": "all openid",
				"redirect_uris": "http://0.0.0.0:8000/redir",
				"default_redirect_uri": "http://0.0.0.0:8000/redir",
				"skip_authorization": 1,
			}
		).insert(ignore_permissions=True)
		secret = builtin.client_secret
		frappe.get_doc(
			{
				"doctype": "OAuth Bearer Token",
				"client": builtin.name,
				"user": USER,
				"scopes": "all",
				"access_token": "legacyaccesstoken0123456789",
				"refresh_token": "legacyrefreshtoken0123456789",
				"expiration_time": frappe.utils.add_to_date(None, hours=1),
				"expires_in": 3600,
				"status": "Active",
			}
		).insert(ignore_permissions=True)

		install.migrate_client(frappe.get_doc("OAuth Client", builtin.name))

		client = frappe.get_doc(store.CLIENT, builtin.name)
		self.assertTrue(client.migrated_from_builtin)
		self.assertTrue(client.skip_consent)
		self.assertEqual(client.redirect_uris, "http://0.0.0.0:8000/redir")
		self.assertTrue(
			store.client_secret_matches(client.name, secret), "the old secret still authenticates"
		)
		access, problem = store.find_access_token("legacyaccesstoken0123456789")
		self.assertIsNone(problem)
		self.assertEqual(access.user, USER)
		self.assertTrue(store.lock_refresh_token("legacyrefreshtoken0123456789"))
		self.assertFalse(frappe.db.get_value("OAuth Client", builtin.name, "client_secret"))
		self.assertFalse(frappe.db.exists("OAuth Bearer Token", {"client": builtin.name}))
