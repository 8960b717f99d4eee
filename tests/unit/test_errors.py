"""OAuth error responses: RFC 6749 §5.2 at the token endpoint (and RFC 7009 §2.2.1 / RFC 7662 §2.3,
which reuse it), RFC 6750 §3 at protected resources."""

import json
import re

import pytest

from oauth_idp.protocol import errors
from oauth_idp.protocol.errors import (
	InsufficientScopeError,
	InvalidClientError,
	InvalidGrantError,
	InvalidRequestError,
	InvalidScopeError,
	InvalidTokenError,
	MethodNotAllowedError,
	TooManyRequestsError,
	UnsupportedGrantTypeError,
)

# RFC 6750 §3: error, error_description and scope attribute values use these characters only.
_RFC6750_ATTR_CHARS = re.compile(r"[\x20\x21\x23-\x5B\x5D-\x7E]*")


def challenge_attributes(value: str) -> dict:
	scheme, _, rest = value.partition(" ")
	assert scheme == "Bearer"
	return dict(re.findall(r'(\w+)="([^"]*)"', rest))


# --- client_error_response (RFC 6749 §5.2) -------------------------------------------------------


def test_rfc6749_s5_2_invalid_client_is_401_with_basic_challenge():
	status, headers, body = errors.client_error_response(InvalidClientError(description="Unknown client."))
	assert status == 401
	assert headers["WWW-Authenticate"].startswith("Basic ")
	assert 'realm="' in headers["WWW-Authenticate"]
	assert json.loads(body) == {"error": "invalid_client", "error_description": "Unknown client."}


def test_rfc6749_s5_2_invalid_client_is_401_even_when_built_with_another_status():
	error = InvalidClientError()
	error.status_code = 400
	status, headers, _ = errors.client_error_response(error)
	assert status == 401 and "WWW-Authenticate" in headers


@pytest.mark.parametrize(
	("error", "code"),
	[
		(InvalidRequestError(), "invalid_request"),
		(InvalidGrantError(), "invalid_grant"),
		(InvalidScopeError(), "invalid_scope"),
		(UnsupportedGrantTypeError(), "unsupported_grant_type"),
	],
)
def test_rfc6749_s5_2_other_errors_are_400_without_a_challenge(error, code):
	status, headers, body = errors.client_error_response(error)
	assert status == 400
	assert "WWW-Authenticate" not in headers
	assert json.loads(body)["error"] == code


@pytest.mark.parametrize("error", [InvalidClientError(), InvalidGrantError(), MethodNotAllowedError("POST")])
def test_rfc6749_s5_1_error_responses_are_json_and_not_cached(error):
	_, headers, body = errors.client_error_response(error)
	assert headers["Cache-Control"] == "no-store"
	assert headers["Pragma"] == "no-cache"
	assert headers["Content-Type"].startswith("application/json")
	json.loads(body)


def test_rfc6749_s5_2_body_has_only_standard_members():
	error = InvalidGrantError(
		description="Code expired.", uri="https://idp.example/errors#grant", state="xyz"
	)
	body = json.loads(errors.client_error_response(error)[2])
	assert body == {
		"error": "invalid_grant",
		"error_description": "Code expired.",
		"error_uri": "https://idp.example/errors#grant",
		"state": "xyz",
	}
	assert set(body) <= set(errors.STANDARD_MEMBERS)


def test_rfc6749_s5_2_optional_members_are_left_out_when_empty():
	body = json.loads(errors.client_error_response(InvalidGrantError())[2])
	assert set(body) <= {"error", "error_description"}
	assert body["error"] == "invalid_grant"
	assert "error_uri" not in body and "state" not in body


def test_rfc9110_s15_5_6_method_not_allowed_is_405_with_allow():
	status, headers, body = errors.client_error_response(MethodNotAllowedError("POST"))
	assert status == 405
	assert headers["Allow"] == "POST"
	assert json.loads(body)["error"] == "invalid_request"
	assert "WWW-Authenticate" not in headers


def test_rfc6585_s4_too_many_requests_is_429_with_retry_after_and_a_known_error_code():
	status, headers, body = errors.client_error_response(TooManyRequestsError(retry_after=60))
	assert (status, headers["Retry-After"]) == (429, "60")
	assert json.loads(body) == {
		"error": "temporarily_unavailable",
		"error_description": "Too many requests; try again in 60 seconds.",
	}
	assert headers["Cache-Control"] == "no-store"


# --- bearer_challenge and resource_error_response (RFC 6750 §3) ----------------------------------


def test_rfc6750_s3_challenge_without_error_has_only_the_realm():
	assert errors.bearer_challenge() == 'Bearer realm="oauth_idp"'
	assert errors.bearer_challenge(realm="api") == 'Bearer realm="api"'


def test_rfc6750_s3_1_invalid_token_is_401_with_bearer_challenge():
	status, headers, body = errors.resource_error_response(InvalidTokenError(description="Expired."))
	assert status == 401
	attrs = challenge_attributes(headers["WWW-Authenticate"])
	assert attrs["error"] == "invalid_token"
	assert attrs["error_description"] == "Expired."
	assert "scope" not in attrs
	assert json.loads(body) == {"error": "invalid_token", "error_description": "Expired."}


def test_rfc6750_s3_1_insufficient_scope_is_403_and_names_the_scope():
	status, headers, body = errors.resource_error_response(InsufficientScopeError("roles"))
	assert status == 403
	attrs = challenge_attributes(headers["WWW-Authenticate"])
	assert attrs["error"] == "insufficient_scope"
	assert attrs["scope"] == "roles"
	assert json.loads(body)["error"] == "insufficient_scope"


def test_rfc6750_s3_1_invalid_request_at_a_resource_is_400():
	status, headers, _ = errors.resource_error_response(InvalidRequestError(description="Two tokens."))
	assert status == 400
	assert challenge_attributes(headers["WWW-Authenticate"])["error"] == "invalid_request"


def test_rfc6750_s3_double_quote_in_description_does_not_break_the_quoted_string():
	value = errors.bearer_challenge(InvalidTokenError(description='the "token" is bad'))
	attrs = challenge_attributes(value)
	assert attrs["error"] == "invalid_token"
	assert _RFC6750_ATTR_CHARS.fullmatch(attrs["error_description"])
	assert value.count('"') % 2 == 0


@pytest.mark.parametrize(
	"description",
	["C:\\tokens\\x", "line one\r\nSet-Cookie: a=b", "Jeton expiré"],
	ids=["backslash", "crlf", "non-ascii"],
)
def test_rfc6750_s3_error_description_uses_only_allowed_characters(description):
	value = errors.bearer_challenge(InvalidTokenError(description=description))
	_, _, params = value.partition(" ")
	assert _RFC6750_ATTR_CHARS.fullmatch(params.replace('"', "")), (
		f"RFC 6750 §3: error_description must be %x20-21 / %x23-5B / %x5D-7E, got {value!r}"
	)


# --- normalise_oauthlib_error_body ---------------------------------------------------------------


def test_rfc6749_s5_2_oauthlib_body_is_reduced_to_standard_members_and_no_store():
	body = json.dumps({"error": "invalid_grant", "error_description": "Bad code.", "extra": 1})
	status, headers, new_body = errors.normalise_oauthlib_error_body(400, {"X-Other": "1"}, body)
	assert status == 400
	assert json.loads(new_body) == {"error": "invalid_grant", "error_description": "Bad code."}
	assert headers["Cache-Control"] == "no-store" and headers["Pragma"] == "no-cache"
	assert headers["Content-Type"].startswith("application/json")


def test_rfc6749_s5_2_oauthlib_invalid_client_becomes_401_with_basic_challenge():
	status, headers, body = errors.normalise_oauthlib_error_body(
		400, {}, json.dumps({"error": "invalid_client"})
	)
	assert status == 401
	assert headers["WWW-Authenticate"].startswith("Basic ")
	assert json.loads(body) == {"error": "invalid_client"}


def test_rfc6749_s5_2_oauthlib_error_uri_is_kept():
	body = json.dumps({"error": "invalid_scope", "error_uri": "https://idp.example/e"})
	assert json.loads(errors.normalise_oauthlib_error_body(400, {}, body)[2]) == {
		"error": "invalid_scope",
		"error_uri": "https://idp.example/e",
	}


@pytest.mark.parametrize("body", ["", "not json", "[1, 2]", '{"message": "no error member"}'])
def test_rfc6749_s5_2_non_oauth_bodies_pass_through_unchanged(body):
	assert errors.normalise_oauthlib_error_body(500, {"A": "b"}, body) == (500, {"A": "b"}, body)


# --- the error types -----------------------------------------------------------------------------


def test_rfc6750_s3_1_error_codes_and_statuses():
	assert (InvalidTokenError.error, InvalidTokenError.status_code) == ("invalid_token", 401)
	assert (InsufficientScopeError.error, InsufficientScopeError.status_code) == ("insufficient_scope", 403)
	error = InsufficientScopeError("roles")
	assert error.required_scope == "roles" and "roles" in error.description
	assert InsufficientScopeError("roles", description="Custom.").description == "Custom."


def test_method_not_allowed_is_an_invalid_request():
	error = MethodNotAllowedError("GET, POST")
	assert isinstance(error, InvalidRequestError)
	assert (error.error, error.status_code, error.allowed) == ("invalid_request", 405, "GET, POST")
