"""Client authentication at the token, revocation and introspection endpoints (RFC 6749 §2.3)."""

import base64
import binascii
from dataclasses import dataclass
from urllib.parse import unquote_plus

from .errors import InvalidClientError, InvalidRequestError

CONFIDENTIAL = "Confidential"
PUBLIC = "Public"

# Which token_endpoint_auth_method each client type may use (RFC 6749 §2.1, §2.3.1; RFC 7591 §2).
METHODS_BY_CLIENT_TYPE = {
	CONFIDENTIAL: ("client_secret_basic", "client_secret_post"),
	PUBLIC: ("none",),
}


@dataclass(frozen=True)
class ClientCredentials:
	client_id: str
	secret: str | None
	method: str  # client_secret_basic, client_secret_post or none


def parse_basic(header_value: str) -> tuple[str, str]:
	"""RFC 6749 §2.3.1 and Appendix B: base64 of form-encoded id and secret, split at the first colon."""
	scheme, _, encoded = header_value.strip().partition(" ")
	if scheme.lower() != "basic" or not encoded.strip():
		raise InvalidClientError(description="The Authorization header is not HTTP Basic.")
	try:
		decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
	except (binascii.Error, ValueError):
		raise InvalidClientError(description="The Basic credentials are not valid base64 of UTF-8.")
	client_id, colon, secret = decoded.partition(":")
	if not colon or not client_id:
		raise InvalidClientError(description="The Basic credentials have no client_id:secret pair.")
	return unquote_plus(client_id), unquote_plus(secret)


def read_credentials(authorization_header: str | None, params: dict[str, str]) -> ClientCredentials:
	"""Work out how the client authenticates. Using more than one method is an error (§2.3)."""
	body_id = params.get("client_id")
	body_secret = params.get("client_secret")
	if authorization_header:
		if body_secret is not None:
			raise InvalidRequestError(
				description="The client used more than one authentication method (Basic and client_secret)."
			)
		client_id, secret = parse_basic(authorization_header)
		if body_id is not None and body_id != client_id:
			raise InvalidClientError(description="The client_id in the body differs from the Basic one.")
		return ClientCredentials(client_id, secret, "client_secret_basic")
	if body_id is None:
		raise InvalidClientError(description="The request does not identify a client.")
	if body_secret is not None:
		return ClientCredentials(body_id, body_secret, "client_secret_post")
	return ClientCredentials(body_id, None, "none")


def check_method_allowed(client_type: str, method: str) -> None:
	if method not in METHODS_BY_CLIENT_TYPE.get(client_type, ()):
		if client_type == PUBLIC:
			raise InvalidClientError(description="A public client must not send a client secret.")
		raise InvalidClientError(description="This client must authenticate with its client secret.")
