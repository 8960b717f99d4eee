"""The oauthlib RequestValidator over our DocTypes: the only place oauthlib reaches storage.

Each method answers one question oauthlib asks; the rule behind the answer lives in
oauth_idp.protocol, and the storage in oauth_idp.provider.store.
"""

import frappe
from frappe.utils import get_datetime, now_datetime
from oauthlib.openid import RequestValidator

from oauth_idp.protocol import capabilities, client_auth, redirects
from oauth_idp.protocol import scopes as scope_rules
from oauth_idp.protocol.client_auth import PUBLIC
from oauth_idp.protocol.errors import (
	InvalidClientError,
	InvalidGrantError,
	InvalidScopeError,
	UnsupportedResponseTypeError,
)
from oauth_idp.provider import enforcement, identity, store


def consent_needed(client, user: str, reach: list[str], prompt=frozenset()) -> bool:
	"""Must the user be asked? Always for prompt=consent; never for a trusted client; otherwise
	unless an earlier consent covered all of it (OIDC Core §3.1.2.4)."""
	if "consent" in prompt:
		return True
	return not client.skip_consent and not store.consent_covers(user, client.name, reach)


def refuse_grant(request, description: str):
	"""RFC 6749 §5.2 invalid_grant, saying why."""
	raise InvalidGrantError(description=description, request=request)


class IdPRequestValidator(RequestValidator):
	# Client authentication (RFC 6749 §2.3) ---------------------------------------------------------

	def _credentials(self, request) -> client_auth.ClientCredentials:
		if not hasattr(request, "idp_credentials"):
			params = {
				k: v
				for k, v in (("client_id", request.client_id), ("client_secret", request.client_secret))
				if v
			}
			request.idp_credentials = client_auth.read_credentials(
				request.headers.get("Authorization"), params
			)
		return request.idp_credentials

	def client_authentication_required(self, request, *args, **kwargs):
		return self._credentials(request).method != "none"

	def _authenticate(self, request) -> bool:
		credentials = self._credentials(request)
		client = store.get_client(credentials.client_id)
		if client is None or not client.enabled:
			raise InvalidClientError(description="Unknown or disabled client.", request=request)
		client_auth.check_method_allowed(client.client_type, credentials.method)
		if credentials.secret is not None and not store.client_secret_matches(
			client.name, credentials.secret
		):
			raise InvalidClientError(description="The client secret is wrong.", request=request)
		request.client = client
		request.client_id = client.name
		return True

	def authenticate_client(self, request, *args, **kwargs):
		return self._authenticate(request)

	def authenticate_client_id(self, client_id, request, *args, **kwargs):
		return self._authenticate(request)

	# The authorization request (RFC 6749 §4.1.1) ---------------------------------------------------

	def validate_client_id(self, client_id, request, *args, **kwargs):
		client = store.get_client(client_id)
		if client is None or not client.enabled:
			return False
		request.client = client
		return True

	def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
		return redirects.matches(redirect_uri, redirects.parse_registered(request.client.redirect_uris))

	def get_default_redirect_uri(self, client_id, request, *args, **kwargs):
		client = getattr(request, "client", None) or store.get_client(client_id)
		registered = redirects.parse_registered(client.redirect_uris) if client else []
		# Only an unambiguous registration may stand in for a missing redirect_uri (§3.1.2.3).
		return registered[0] if len(registered) == 1 else None

	def validate_response_type(self, client_id, response_type, client, request, *args, **kwargs):
		if response_type not in capabilities.RESPONSE_TYPES:
			raise UnsupportedResponseTypeError(request=request)
		return True

	def is_pkce_required(self, client_id, request):
		client = getattr(request, "client", None) or store.get_client(client_id)
		return bool(client and client.client_type == PUBLIC)

	def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
		configuration = enforcement.client_scopes(client)
		if not scopes:  # §3.3: no scope asked for, and no default (the client's allowed scopes)
			raise InvalidScopeError(
				description="Ask for a scope: this client has no default.", request=request
			)
		refused = [scope for scope in scopes if scope not in configuration.requestable()]
		if refused:
			description = "This client may not ask for: " + " ".join(refused)
			raise InvalidScopeError(description=description, request=request)
		request.idp_reach = configuration.reach(scopes)
		return True

	def get_default_scopes(self, client_id, request, *args, **kwargs):
		return scope_rules.parse(request.client.allowed_scopes)

	def save_authorization_code(self, client_id, code, request, *args, **kwargs):
		client = request.client
		grant = store.create_grant(
			client.name,
			request.user,
			request.scopes,
			request.idp_reach,
			request.auth_time,
			request.session_hash,
		)
		store.save_code(
			code["code"],
			grant=grant,
			client_id=client.name,
			user=request.user,
			scopes=request.scopes,
			lifetime=client.code_lifetime,
			redirect_uri=request.redirect_uri,
			redirect_uri_in_request=int(bool(request.redirect_uri_in_request)),
			code_challenge=request.code_challenge,
			code_challenge_method=request.code_challenge_method if request.code_challenge else None,
			nonce=request.nonce,
		)

	# OpenID Connect authorization (OIDC Core §3.1.2) -----------------------------------------------

	def validate_silent_login(self, request):
		return frappe.session.user != "Guest"

	def validate_silent_authorization(self, request):
		return not consent_needed(request.client, frappe.session.user, request.idp_reach)

	def validate_user_match(self, id_token_hint, scopes, claims, request):
		return True

	# The token request: authorization_code (RFC 6749 §4.1.3) ---------------------------------------

	def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
		if grant_type == "authorization_code":
			return True
		return grant_type == "refresh_token" and bool(client.allow_refresh_token)

	def validate_code(self, client_id, code, client, request, *args, **kwargs):
		row = store.lock_code(code)
		if row is None or row.client != client.name:
			refuse_grant(request, "The authorization code is not valid for this client.")
		if row.status != "Valid":
			# §4.1.2: a code used twice revokes every token issued from it.
			store.flag_compromised_grant(row.grant, "authorization code replayed")
			refuse_grant(request, "The authorization code was used before; its tokens are revoked.")
		if get_datetime(row.expires_at) <= now_datetime():
			refuse_grant(request, "The authorization code has expired.")
		self._check_grant_still_holds(request, client, row)
		store.mark_code_used(row.name)
		request.idp_code = row
		request.idp_grant = row.grant
		request.user = row.user
		request.scopes = scope_rules.parse(row.scopes)
		return True

	def _check_grant_still_holds(self, request, client, row) -> None:
		if problem := store.grant_problem(row.grant, row.user, client):
			refuse_grant(request, problem)

	def get_code_challenge(self, code, request):
		return request.idp_code.code_challenge or None

	def get_code_challenge_method(self, code, request):
		return request.idp_code.code_challenge_method or None

	def confirm_redirect_uri(self, client_id, code, redirect_uri, client, request, *args, **kwargs):
		stored = request.idp_code
		# §4.1.3: required, and identical, if the authorization request carried it; §5.2 names the
		# failure invalid_grant.
		omitted = stored.redirect_uri_in_request and getattr(request, "using_default_redirect_uri", False)
		if omitted or redirect_uri != stored.redirect_uri:
			raise InvalidGrantError(description="redirect_uri differs from the authorization request's.")
		return True

	def get_authorization_code_scopes(self, client_id, code, redirect_uri, request):
		row = store.peek_code(code)
		return scope_rules.parse(row.scopes) if row else []

	def get_authorization_code_nonce(self, client_id, code, redirect_uri, request):
		row = store.peek_code(code)
		return row.nonce if row and row.nonce else None

	# The token request: refresh_token (RFC 6749 §6) ------------------------------------------------

	def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
		row = store.lock_refresh_token(refresh_token)
		if row is None or row.client != client.name:
			refuse_grant(request, "The refresh token is not valid for this client.")
		if row.status == "Rotated":
			# OAuth 2.1 §4.3.1: a rotated refresh token used again means it leaked; end the grant.
			store.flag_compromised_grant(row.grant, "rotated refresh token reused")
			refuse_grant(request, "The refresh token was used before; its grant is revoked.")
		if row.status != "Active" or get_datetime(row.refresh_expires_at) <= now_datetime():
			refuse_grant(request, "The refresh token has expired or been revoked.")
		self._check_grant_still_holds(request, client, row)
		store.mark_rotated(row.name)
		request.idp_refreshed = row
		request.idp_grant = row.grant
		request.user = row.user
		return True

	def get_original_scopes(self, refresh_token, request, *args, **kwargs):
		# §6: a new refresh token's scope is the one presented, which is always its grant's; an access
		# token may have been given fewer (narrowing at refresh is for that access token only). What
		# the client may no longer request no longer counts.
		requestable = enforcement.client_scopes(request.client).requestable()
		allowed = scope_rules.still_allowed(store.grant_scopes(request.idp_grant), requestable)
		if not allowed:
			refuse_grant(request, "Nothing this grant covered is allowed for this client any more.")
		return allowed

	def is_within_original_scope(self, request_scopes, refresh_token, request, *args, **kwargs):
		beyond = " ".join(
			scope for scope in request_scopes if scope not in self.get_original_scopes(None, request)
		)
		raise InvalidScopeError(description="Beyond what this grant allows now: " + beyond, request=request)

	def rotate_refresh_token(self, request):
		return True

	def refresh_id_token(self, request):
		return True

	# Issuing tokens -------------------------------------------------------------------------------

	def save_bearer_token(self, token, request, *args, **kwargs):
		client = request.client
		refreshed = getattr(request, "idp_refreshed", None)
		store.save_tokens(
			access_token=token["access_token"],
			refresh_token=token.get("refresh_token"),
			grant=request.idp_grant,
			client_id=client.name,
			user=request.user,
			scopes=request.scopes,
			access_lifetime=client.access_token_lifetime,
			refresh_lifetime=client.refresh_token_lifetime,
			rotated_from=refreshed.name if refreshed else None,
		)

	def invalidate_authorization_code(self, client_id, code, request, *args, **kwargs):
		pass  # validate_code already marked the code used, under a row lock

	def finalize_id_token(self, id_token, token, token_handler, request):
		return identity.id_token(
			client_id=request.client.name,
			user=request.user,
			scopes=request.scopes,
			grant=request.idp_grant,
			nonce=id_token.get("nonce"),
			access_token=token.get("access_token"),
			lifetime=request.client.access_token_lifetime,
		)

	# Revocation (RFC 7009) and introspection (RFC 7662) ---------------------------------------------

	def revoke_token(self, token, token_type_hint, request, *args, **kwargs):
		row = store.find_token_any(token, request.client.name)
		if row is None:
			return  # §2.2: an unknown token is not an error
		if row.kind == "refresh_token":
			# §2.1: revoking a refresh token also invalidates the access tokens of the same grant.
			store.revoke_grant(row.grant, "refresh token revoked by the client")
		else:
			store.revoke_token_row(row.name)

	def introspect_token(self, token, token_type_hint, request, *args, **kwargs):
		if request.client.client_type == PUBLIC:
			# §2.1: the endpoint authorizes its callers (against token scanning); a public client
			# cannot prove who it is.
			raise InvalidClientError(
				description="Introspection is for confidential clients.", request=request
			)
		row = store.find_token_any(token, request.client.name)
		if row is None:
			return None
		# §2.2: active only if the site would accept the token now, for whatever reason it would not.
		if row.kind == "access_token":
			if store.find_access_token(token)[0] is None:
				return None
			expiry = row.expires_at
		else:
			expired = get_datetime(row.refresh_expires_at) <= now_datetime()
			if row.status != "Active" or expired or store.grant_problem(row.grant, row.user, request.client):
				return None
			expiry = row.refresh_expires_at
		claims = {
			"scope": row.scopes
			if row.kind == "access_token"
			else scope_rules.join(store.grant_scopes(row.grant)),
			"client_id": row.client,
			"username": row.user,
			"sub": identity.subject(row.user),
			"exp": identity.epoch(expiry),
			"iss": identity.issuer(),
		}
		if row.kind == "access_token":
			claims["token_type"] = "Bearer"  # RFC 6749 §7.1 types access tokens only
		return claims
