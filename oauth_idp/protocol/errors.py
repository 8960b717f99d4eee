"""OAuth errors as values, and the one place they become HTTP status, headers and a JSON body.

The error types are oauthlib's (RFC 6749 §4.1.2.1, §5.2; RFC 6750 §3.1). Bodies carry only the
standard members: error, error_description, error_uri, state.
"""

import json
import re

from oauthlib.oauth2.rfc6749 import errors as oauth_errors

OAuth2Error = oauth_errors.OAuth2Error
FatalClientError = oauth_errors.FatalClientError
InvalidRequestError = oauth_errors.InvalidRequestError
InvalidRequestFatalError = oauth_errors.InvalidRequestFatalError
InvalidClientError = oauth_errors.InvalidClientError
InvalidGrantError = oauth_errors.InvalidGrantError
InvalidScopeError = oauth_errors.InvalidScopeError
AccessDeniedError = oauth_errors.AccessDeniedError
UnsupportedGrantTypeError = oauth_errors.UnsupportedGrantTypeError
UnsupportedResponseTypeError = oauth_errors.UnsupportedResponseTypeError
LoginRequired = oauth_errors.LoginRequired
ConsentRequired = oauth_errors.ConsentRequired

# RFC 6749 §5.1 and RFC 7009/7662: responses that carry or describe credentials must not be cached.
NO_STORE_HEADERS = {"Cache-Control": "no-store", "Pragma": "no-cache"}
JSON_CONTENT_TYPE = "application/json; charset=utf-8"

STANDARD_MEMBERS = ("error", "error_description", "error_uri", "state")


class ServerError(oauth_errors.ServerError):
	status_code = 500


# RFC 6750 §3: error_description = *( %x20-21 / %x23-5B / %x5D-7E )
_NOT_HEADER_SAFE = re.compile(r"[^\x20\x21\x23-\x5B\x5D-\x7E]")


class InvalidTokenError(OAuth2Error):
	"""RFC 6750 §3.1: the access token is expired, revoked, malformed, or invalid."""

	error = "invalid_token"
	status_code = 401


class TokenRequiredError(InvalidTokenError):
	"""RFC 6750 §3.1: a request that carried no credentials at all. Its challenge names no error."""


class InsufficientScopeError(OAuth2Error):
	"""RFC 6750 §3.1: the request requires higher privileges than provided by the access token."""

	error = "insufficient_scope"
	status_code = 403

	def __init__(self, required_scope: str, description: str | None = None):
		super().__init__(description=description or f"This request needs the scope '{required_scope}'.")
		self.required_scope = required_scope


class TooManyRequestsError(oauth_errors.TemporarilyUnavailableError):
	"""RFC 6585 §4: 429 with Retry-After. OAuth names no error for it; `temporarily_unavailable` is the
	one clients already know (RFC 6749 §4.1.2.1)."""

	status_code = 429

	def __init__(self, retry_after: int):
		super().__init__(description=f"Too many requests; try again in {retry_after} seconds.")
		self.retry_after = retry_after


class MethodNotAllowedError(InvalidRequestError):
	status_code = 405

	def __init__(self, allowed: str):
		super().__init__(description=f"Use HTTP {allowed} for this endpoint.")
		self.allowed = allowed


def error_body(error: OAuth2Error) -> dict:
	body = {"error": error.error}
	if error.description:
		body["error_description"] = error.description
	if error.uri:
		body["error_uri"] = error.uri
	if getattr(error, "state", None):
		body["state"] = error.state
	return body


def bearer_challenge(error: OAuth2Error | None = None, realm: str = "oauth_idp") -> str:
	"""The WWW-Authenticate value of RFC 6750 §3."""
	parts = [f'realm="{realm}"']
	if error is not None and not isinstance(error, TokenRequiredError):
		parts.append(f'error="{error.error}"')
		if error.description:
			parts.append('error_description="{}"'.format(_NOT_HEADER_SAFE.sub("?", error.description)))
		if isinstance(error, InsufficientScopeError):
			parts.append(f'scope="{error.required_scope}"')
	return "Bearer " + ", ".join(parts)


def client_error_response(error: OAuth2Error) -> tuple[int, dict, str]:
	"""Status, headers and body for an error at the token, revocation or introspection endpoint.

	RFC 6749 §5.2: invalid_client is a 401 that names the scheme clients authenticate with.
	"""
	status = error.status_code
	headers = {"Content-Type": JSON_CONTENT_TYPE, **NO_STORE_HEADERS}
	if error.error == "invalid_client":
		status = 401
		headers["WWW-Authenticate"] = 'Basic realm="oauth_idp", charset="UTF-8"'
	return status, _with_status_headers(headers, error), json.dumps(error_body(error))


def resource_error_response(error: OAuth2Error) -> tuple[int, dict, str]:
	"""Status, headers and body when a bearer token does not grant a request (RFC 6750 §3). A server
	error is no challenge to the client's credentials."""
	headers = {"Content-Type": JSON_CONTENT_TYPE}
	if error.status_code < 500:
		headers["WWW-Authenticate"] = bearer_challenge(error)
	return error.status_code, _with_status_headers(headers, error), json.dumps(error_body(error))


def _with_status_headers(headers: dict, error: OAuth2Error) -> dict:
	"""RFC 9110 §15.5.6: a 405 names the methods the resource does serve; RFC 6585 §4: a 429 says
	when to come back."""
	if isinstance(error, MethodNotAllowedError):
		headers["Allow"] = error.allowed
	if isinstance(error, TooManyRequestsError):
		headers["Retry-After"] = str(error.retry_after)
	return headers


def normalise_oauthlib_error_body(status: int, headers: dict, body: str) -> tuple[int, dict, str]:
	"""oauthlib returns errors it caught itself as (headers, body, status); hold them to our rules."""
	try:
		payload = json.loads(body) if body else {}
	except ValueError:
		payload = {}
	if not isinstance(payload, dict) or "error" not in payload:
		return status, headers, body
	error = OAuth2Error(description=payload.get("error_description"), uri=payload.get("error_uri"))
	error.error = payload["error"]
	error.status_code = status
	return client_error_response(error)
