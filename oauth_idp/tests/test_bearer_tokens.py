"""Bearer token validation (RFC 6750) and housekeeping, on a real site."""

import frappe

from oauth_idp.provider import store
from oauth_idp.tests.utils import (
	IdPTestCase,
	authorization_code,
	make_client,
	make_user,
	redeem,
	token_request,
)

USER = "oauth-idp-bearer-test@example.com"


class TestBearerTokens(IdPTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(USER)
		cls.client = make_client(app_name="Bearer Test")
		frappe.db.commit()

	def issue(self) -> dict:
		_status, body = redeem(self.client, authorization_code(self.client, USER))
		return body

	def refresh(self, refresh_token: str) -> tuple[int, dict]:
		return token_request(self.client, grant_type="refresh_token", refresh_token=refresh_token)

	def test_valid_token_names_its_user_client_and_scopes(self):
		body = self.issue()
		access, problem = store.find_access_token(body["access_token"])
		self.assertIsNone(problem)
		self.assertEqual((access.user, access.client, access.scopes), (USER, self.client.name, ("all",)))

	def test_unknown_expired_revoked_and_disabled_user_tokens_are_refused_rfc6750_3_1(self):
		self.assertEqual(store.find_access_token("no-such-token"), (None, "The access token is not known."))

		expired = self.issue()["access_token"]
		frappe.db.set_value(
			store.TOKEN,
			{"access_token_hash": store.token_hash(expired)},
			"expires_at",
			frappe.utils.add_days(None, -1),
		)
		self.assertIsNone(store.find_access_token(expired)[0])

		revoked = self.issue()
		access, _ = store.find_access_token(revoked["access_token"])
		store.revoke_grant(access.grant, "test")
		self.assertIsNone(store.find_access_token(revoked["access_token"])[0])

		live = self.issue()["access_token"]
		frappe.db.set_value("User", USER, "enabled", 0)
		try:
			self.assertEqual(store.find_access_token(live)[1], "The user of this access token is disabled.")
		finally:
			frappe.db.set_value("User", USER, "enabled", 1)

	def test_disabling_the_client_stops_its_tokens(self):
		token = self.issue()["access_token"]
		frappe.db.set_value(store.CLIENT, self.client.name, "enabled", 0)
		try:
			self.assertIsNone(store.find_access_token(token)[0])
		finally:
			frappe.db.set_value(store.CLIENT, self.client.name, "enabled", 1)

	def test_purge_removes_dead_rows_but_keeps_live_ones(self):
		live = self.issue()
		dead = self.issue()
		access, _ = store.find_access_token(dead["access_token"])
		store.revoke_grant(access.grant, "test")
		long_ago = frappe.utils.add_days(None, -3)
		frappe.db.sql(f"update `tab{store.TOKEN}` set modified=%s where `grant`=%s", (long_ago, access.grant))
		store.purge_expired()
		self.assertFalse(
			frappe.db.exists(store.TOKEN, {"access_token_hash": store.token_hash(dead["access_token"])})
		)
		self.assertIsNotNone(store.find_access_token(live["access_token"])[0])

	def test_purge_keeps_a_rotated_refresh_token_so_its_reuse_still_ends_the_grant_oauth21_4_3_1(self):
		first = self.issue()
		status, second = self.refresh(first["refresh_token"])
		self.assertEqual(status, 200, second)
		rotated = {"refresh_token_hash": store.token_hash(first["refresh_token"])}
		# Rotated days ago, but its refresh lifetime has not run out.
		frappe.db.set_value(
			store.TOKEN, rotated, "modified", frappe.utils.add_days(None, -3), update_modified=False
		)
		store.purge_expired()
		self.assertTrue(frappe.db.exists(store.TOKEN, rotated))

		status, body = self.refresh(first["refresh_token"])
		self.assertEqual((status, body["error"]), (400, "invalid_grant"))
		self.assertIsNone(store.find_access_token(second["access_token"])[0])
