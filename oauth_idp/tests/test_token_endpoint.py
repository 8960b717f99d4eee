"""The authorization code and refresh grants through the token endpoint, on a real site."""

import frappe
import jwt

from oauth_idp.protocol.errors import OAuth2Error
from oauth_idp.provider import identity, store
from oauth_idp.tests.utils import (
	IdPTestCase,
	authorization_code,
	make_client,
	make_user,
	pkce_pair,
	redeem,
	token_request,
)

USER = "oauth-idp-token-test@example.com"


class TestTokenEndpoint(IdPTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(USER)
		cls.client = make_client(app_name="Token Test")
		cls.other = make_client(app_name="Other App")
		cls.public = make_client(app_name="Public App", client_type="Public")
		frappe.db.commit()  # the endpoint rolls back failed requests

	def access_works(self, token: str) -> bool:
		access, _problem = store.find_access_token(token)
		return access is not None

	def test_code_exchange_issues_bearer_tokens_rfc6749_5_1(self):
		status, body = redeem(self.client, authorization_code(self.client, USER))
		self.assertEqual(status, 200, body)
		self.assertEqual(body["token_type"], "Bearer")
		self.assertIsInstance(body["expires_in"], int)
		self.assertIn("refresh_token", body)
		self.assertTrue(self.access_works(body["access_token"]))

	def test_code_replay_fails_and_revokes_its_tokens_rfc6749_4_1_2(self):
		code = authorization_code(self.client, USER)
		_status, first = redeem(self.client, code)
		status, replay = redeem(self.client, code)
		self.assertEqual((status, replay["error"]), (400, "invalid_grant"))
		self.assertFalse(self.access_works(first["access_token"]))
		status, refreshed = token_request(
			self.client, grant_type="refresh_token", refresh_token=first["refresh_token"]
		)
		self.assertEqual(refreshed["error"], "invalid_grant")

	def test_code_is_bound_to_its_client_rfc6749_4_1_3(self):
		code = authorization_code(self.client, USER)
		status, body = redeem(self.other, code)
		self.assertEqual((status, body["error"]), (400, "invalid_grant"))
		status, body = redeem(self.client, code)
		self.assertEqual(status, 200, "a failed attempt by another client leaves the code usable")

	def test_code_is_bound_to_its_redirect_uri_rfc6749_4_1_3(self):
		code = authorization_code(self.client, USER)
		status, body = token_request(
			self.client, grant_type="authorization_code", code=code, redirect_uri="https://evil.example/cb"
		)
		self.assertEqual(status, 400)
		self.assertIn(body["error"], ("invalid_request", "invalid_grant"))

	def test_expired_code_is_refused_rfc6749_4_1_2(self):
		code = authorization_code(self.client, USER)
		frappe.db.set_value(
			store.CODE, {"code_hash": store.token_hash(code)}, "expires_at", frappe.utils.add_days(None, -1)
		)
		frappe.db.commit()
		status, body = redeem(self.client, code)
		self.assertEqual((status, body["error"]), (400, "invalid_grant"))

	def test_wrong_secret_is_invalid_client_with_401_rfc6749_5_2(self):
		status, body = redeem(self.client, authorization_code(self.client, USER), client_secret="wrong")
		self.assertEqual((status, body["error"]), (401, "invalid_client"))

	def test_public_client_needs_pkce_and_the_right_verifier_rfc7636_4_6(self):
		verifier, challenge = pkce_pair()
		code = authorization_code(self.public, USER, code_challenge=challenge, code_challenge_method="S256")
		status, body = redeem(self.public, code, code_verifier=verifier[:-1] + "x")
		self.assertEqual((status, body["error"]), (400, "invalid_grant"))
		status, body = redeem(self.public, code, code_verifier=verifier)
		self.assertEqual(status, 200, body)

	def test_public_client_without_challenge_is_refused_rfc7636_4_4_1(self):
		with self.assertRaises(OAuth2Error) as caught:
			authorization_code(self.public, USER)
		self.assertEqual(caught.exception.error, "invalid_request")

	def test_refresh_rotates_and_reuse_revokes_the_grant_oauth21_4_3_1(self):
		_status, first = redeem(self.client, authorization_code(self.client, USER))
		status, second = token_request(
			self.client, grant_type="refresh_token", refresh_token=first["refresh_token"]
		)
		self.assertEqual(status, 200, second)
		self.assertNotEqual(second["refresh_token"], first["refresh_token"])
		self.assertFalse(self.access_works(first["access_token"]), "the old pair stops working")
		self.assertTrue(self.access_works(second["access_token"]))
		status, reuse = token_request(
			self.client, grant_type="refresh_token", refresh_token=first["refresh_token"]
		)
		self.assertEqual((status, reuse["error"]), (400, "invalid_grant"))
		self.assertFalse(self.access_works(second["access_token"]), "reuse of a rotated token ends the grant")

	def test_refresh_may_narrow_an_access_token_but_not_widen_the_grant_rfc6749_6(self):
		"""§6: the new refresh token's scope is identical to the one presented, the grant's; only the
		access token is narrowed, so a later refresh may ask for the whole grant again."""
		_status, first = redeem(self.client, authorization_code(self.client, USER, scope="openid all"))
		status, narrowed = token_request(
			self.client, grant_type="refresh_token", refresh_token=first["refresh_token"], scope="all"
		)
		self.assertEqual((status, narrowed["scope"]), (200, "all"))
		status, restored = token_request(
			self.client,
			grant_type="refresh_token",
			refresh_token=narrowed["refresh_token"],
			scope="openid all",
		)
		self.assertEqual((status, restored.get("scope")), (200, "openid all"), restored)
		status, widened = token_request(
			self.client,
			grant_type="refresh_token",
			refresh_token=restored["refresh_token"],
			scope="openid all roles",
		)
		self.assertEqual((status, widened["error"]), (400, "invalid_scope"))
		self.assertEqual(widened["error_description"], "Beyond what this grant allows now: roles")

	def test_refresh_token_is_bound_to_its_client_rfc6749_6(self):
		_status, first = redeem(self.client, authorization_code(self.client, USER))
		status, body = token_request(
			self.other, grant_type="refresh_token", refresh_token=first["refresh_token"]
		)
		self.assertEqual((status, body["error"]), (400, "invalid_grant"))

	def test_id_token_is_rs256_and_verifies_against_the_jwks_oidc_core_3_1_3_7(self):
		code = authorization_code(self.client, USER, scope="openid", nonce="n-0S6_WzA2Mj")
		_status, body = redeem(self.client, code)
		header = jwt.get_unverified_header(body["id_token"])
		keys = {key["kid"]: key for key in identity.published_jwks()["keys"]}
		public_key = jwt.algorithms.RSAAlgorithm.from_jwk(keys[header["kid"]])
		claims = jwt.decode(body["id_token"], public_key, algorithms=["RS256"], audience=self.client.name)
		self.assertEqual(claims["sub"], identity.subject(USER))
		self.assertEqual(claims["nonce"], "n-0S6_WzA2Mj")
		self.assertIn("auth_time", claims)
		self.assertEqual(claims["email"], USER)

	def test_nothing_is_stored_in_plain_text(self):
		code = authorization_code(self.client, USER)
		_status, body = redeem(self.client, code)
		for table in (store.TOKEN, store.CODE, store.GRANT):
			dump = str(frappe.db.sql(f"select * from `tab{table}`"))
			for value in (code, body["access_token"], body["refresh_token"]):
				self.assertNotIn(value, dump)
