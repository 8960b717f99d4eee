# Copyright (c) 2026, oauth_idp developers and contributors
# For license information, please see license.txt

import frappe

from oauth_idp.provider import store
from oauth_idp.tests.utils import IdPTestCase, authorization_code, make_client, make_user, redeem

USER = "oauth-idp-grant-test@example.com"
ADMIN = "oauth-idp-grant-admin@example.com"


class TestIdPGrant(IdPTestCase):
	def test_a_system_manager_revoking_a_grant_in_desk_stops_its_tokens(self):
		make_user(USER)
		make_user(ADMIN, roles=("System Manager",))
		client = make_client(app_name="Grant Test")
		frappe.db.commit()
		_status, body = redeem(client, authorization_code(client, USER))
		access, _ = store.find_access_token(body["access_token"])
		frappe.set_user(ADMIN)
		try:
			frappe.get_doc(store.GRANT, access.grant).revoke()
		finally:
			frappe.set_user("Administrator")
		grant = frappe.db.get_value(
			store.GRANT, access.grant, ["status", "revoked_at", "modified"], as_dict=True
		)
		self.assertEqual(grant.status, "Revoked")
		self.assertEqual(grant.modified, grant.revoked_at, "the list of grants shows when it changed")
		self.assertIsNone(store.find_access_token(body["access_token"])[0])
