"""The oauthlib server, and translation between Frappe's request / response and oauthlib's."""

import traceback
from functools import cache

import frappe
from oauthlib.oauth2.rfc6749.endpoints import (
	AuthorizationEndpoint,
	IntrospectEndpoint,
	RevocationEndpoint,
	TokenEndpoint,
)
from oauthlib.oauth2.rfc6749.tokens import BearerToken
from oauthlib.openid.connect.core.grant_types import AuthorizationCodeGrant, RefreshTokenGrant
from werkzeug.wrappers import Response

from oauth_idp.protocol import capabilities, errors, pkce
from oauth_idp.protocol.client_auth import PUBLIC
from oauth_idp.protocol.params import check_authorization_features, parse_urlencoded, single_valued
from oauth_idp.protocol.tokens import new_token
from oauth_idp.provider import store
from oauth_idp.provider.responses import json_response, refused_http_method
from oauth_idp.provider.validator import IdPRequestValidator

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


def _check_authorization_request(request) -> dict:
	"""pre_auth hook of the code grant: features this provider lacks, and RFC 7636 policy for this
	client (see protocol.params and protocol.pkce)."""
	client = request.client
	try:
		check_authorization_features(
			getattr(request, "request", None), getattr(request, "request_uri", None), request.response_mode
		)
		pkce.check_challenge(
			request.code_challenge,
			request.code_challenge_method,
			required=client.client_type == PUBLIC,
			allow_plain=bool(client.allow_plain_pkce),
		)
	except errors.OAuth2Error as error:
		# Re-raised with the request, so that the error redirect carries `state`; in the query,
		# the only response mode there is.
		refused = type(error)(description=error.description, request=request)
		refused.response_mode = "query"
		raise refused from None
	return {}


def _check_pkce_token_request(request) -> None:
	"""post_token hook of the code grant: oauthlib checks the verifier against the challenge; this
	refuses a verifier sent for a code that has no challenge."""
	pkce.check_no_verifier_without_challenge(request.idp_code.code_challenge, request.code_verifier)


def _new_code(grant, token_handler, request) -> dict:
	"""Authorization codes carry as much randomness as tokens (protocol.tokens)."""
	return {**grant, "code": new_token()}


def _drop_refresh_token_unless_allowed(token, token_handler, request):
	if not request.client.allow_refresh_token:
		token.pop("refresh_token", None)
	return token


class Server(AuthorizationEndpoint, TokenEndpoint, RevocationEndpoint, IntrospectEndpoint):
	"""Authorization code (with PKCE and OpenID Connect), refresh, revocation and introspection;
	nothing else. protocol/capabilities.py lists the same set for discovery."""

	def __init__(self, validator):
		bearer = BearerToken(
			validator,
			token_generator=lambda request: new_token(),
			refresh_token_generator=lambda request: new_token(),
			expires_in=lambda request: int(request.client.access_token_lifetime),
		)
		code_grant = AuthorizationCodeGrant(
			validator, pre_auth=[_check_authorization_request], post_token=[_check_pkce_token_request]
		)
		code_grant.register_code_modifier(_new_code)
		code_grant.proxy_target._code_challenge_methods = {
			method: (lambda verifier, challenge, method=method: pkce.verify(verifier, challenge, method))
			for method in (pkce.S256, pkce.PLAIN)
		}
		code_grant.register_token_modifier(_drop_refresh_token_unless_allowed)
		refresh_grant = RefreshTokenGrant(validator, issue_new_refresh_tokens=True)

		AuthorizationEndpoint.__init__(
			self, default_response_type="code", response_types={"code": code_grant}, default_token_type=bearer
		)
		TokenEndpoint.__init__(
			self,
			default_grant_type="authorization_code",
			grant_types={"authorization_code": code_grant, "refresh_token": refresh_grant},
			default_token_type=bearer,
		)
		RevocationEndpoint.__init__(self, validator, supported_token_types=["access_token", "refresh_token"])
		IntrospectEndpoint.__init__(self, validator, supported_token_types=["access_token", "refresh_token"])


@cache
def get_server() -> Server:
	"""One per process: the server and its validator keep no per-request state."""
	return Server(IdPRequestValidator())


# Requests --------------------------------------------------------------------------------------------


def request_params() -> dict[str, str]:
	"""The OAuth parameters of the current request: the query string for GET, the form body for POST."""
	request = frappe.request
	if request.method == "POST":
		if request.mimetype != FORM_CONTENT_TYPE:
			raise errors.InvalidRequestError(description=f"Send the parameters as {FORM_CONTENT_TYPE}.")
		return single_valued(parse_urlencoded(request.get_data()))
	return single_valued(parse_urlencoded(request.query_string))


def request_headers() -> dict[str, str]:
	headers = {key: value for key, value in frappe.request.headers.items() if key.lower() != "authorization"}
	stashed = getattr(frappe.local, "oauth_idp_client_authorization", None)
	if stashed:
		headers["Authorization"] = stashed
	return headers


def log_unexpected_error() -> None:
	"""Roll back, and log the plain traceback only: Frappe's own error report includes the local
	variables of every frame, and here those hold the request's secrets, codes and tokens."""
	frappe.db.rollback()
	frappe.log_error("oauth_idp: unexpected error", traceback.format_exc())


def client_requests_per_minute() -> int:
	return int(
		frappe.conf.get("oauth_idp_requests_per_minute") or capabilities.DEFAULT_CLIENT_REQUESTS_PER_MINUTE
	)


def check_rate_limit(endpoint: str) -> None:
	"""Count a request from this address to a client endpoint, in Frappe's Redis cache, and refuse it
	past the limit of the current window.

	Frappe's rate_limit decorator keys its counter on form_dict.cmd, which differs between the names
	of one endpoint and which /api/v2 leaves unset: there, a token request would count against every
	rate-limited method called through v2 (password resets included). So the counter is keyed here,
	on the endpoint."""
	window = capabilities.CLIENT_RATE_LIMIT_WINDOW
	key = frappe.cache.make_key(f"oauth_idp:requests:{endpoint}:{frappe.local.request_ip or ''}")
	pipeline = frappe.cache.pipeline()
	pipeline.set(key, 0, ex=window, nx=True)  # a new window starts at zero
	pipeline.incr(key)
	pipeline.ttl(key)
	_started, count, seconds_left = pipeline.execute()
	if count > client_requests_per_minute():
		raise errors.TooManyRequestsError(retry_after=max(seconds_left, 1))


def client_endpoint(endpoint: str, create_response) -> Response:
	"""Run a token, revocation or introspection request: rate-limited, POST only, standard errors,
	no-store, and nothing written unless the request succeeds (except revoking a grant found
	compromised)."""
	try:
		check_rate_limit(endpoint)
		if refused := refused_http_method():
			raise refused
		params = request_params()
		headers, body, status = create_response(
			get_server(), frappe.request.base_url, "POST", params, request_headers()
		)
		headers = {**headers, **errors.NO_STORE_HEADERS}
		if status >= 400:
			status, headers, body = errors.normalise_oauthlib_error_body(status, headers, body)
	except errors.OAuth2Error as error:
		status, headers, body = errors.client_error_response(error)
	except Exception:
		log_unexpected_error()
		status, headers, body = errors.client_error_response(errors.ServerError())
		return json_response(500, headers, body)

	if status >= 400:
		frappe.db.rollback()
		store.revoke_flagged_grant()
	return json_response(status, headers, body or "")
