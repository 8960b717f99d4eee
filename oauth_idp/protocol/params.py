"""Request parameters (RFC 6749 §3.1, §3.2): each at most once, UTF-8, within size limits."""

from collections.abc import Iterable
from urllib.parse import parse_qsl

from oauthlib.openid.connect.core.exceptions import RequestNotSupported, RequestURINotSupported

from .capabilities import MAX_PARAM_LENGTH, RESPONSE_MODES
from .errors import InvalidRequestError


def parse_urlencoded(raw: bytes | str) -> list[tuple[str, str]]:
	"""Decode an application/x-www-form-urlencoded body or query string, refusing non-UTF-8 bytes."""
	if isinstance(raw, bytes):
		try:
			raw = raw.decode("utf-8")
		except UnicodeDecodeError:
			raise InvalidRequestError(description="The request is not valid UTF-8.")
	try:
		return parse_qsl(raw, keep_blank_values=True, encoding="utf-8", errors="strict")
	except (UnicodeDecodeError, ValueError):
		raise InvalidRequestError(description="A parameter is not valid UTF-8.")


def single_valued(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
	"""RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than once."

	Empty values count as absent (§3.1: "Parameters sent without a value MUST be treated as if they
	were omitted").
	"""
	params: dict[str, str] = {}
	for name, value in pairs:
		if name in params:
			raise InvalidRequestError(description=f"The parameter '{name}' is repeated.")
		if len(value) > MAX_PARAM_LENGTH:
			raise InvalidRequestError(description=f"The parameter '{name}' is too long.")
		if "\x00" in value or "\x00" in name:
			raise InvalidRequestError(description=f"The parameter '{name}' holds a NUL character.")
		params[name] = value
	return {name: value for name, value in params.items() if value != ""}


def check_token_request(params: dict[str, str]) -> None:
	"""RFC 6749 §4.1.3, §6: every token request names its grant type; a request without one is
	malformed (§5.2 invalid_request), not a request for an unsupported type."""
	if "grant_type" not in params:
		raise InvalidRequestError(description="Missing grant_type parameter.")


def check_authorization_features(request_object, request_uri, response_mode) -> None:
	"""Refuse authorization request features this provider does not have (OIDC Core §6, §3.1.2.1;
	OAuth 2.0 Multiple Response Types §2.1), rather than quietly ignore them."""
	if request_object is not None:
		raise RequestNotSupported(description="Request objects are not supported.")
	if request_uri is not None:
		raise RequestURINotSupported(description="request_uri is not supported.")
	if response_mode is not None and response_mode not in RESPONSE_MODES:
		raise InvalidRequestError(description=f"response_mode must be one of: {', '.join(RESPONSE_MODES)}.")
