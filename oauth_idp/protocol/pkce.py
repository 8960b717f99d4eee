"""PKCE, RFC 7636: where code challenges and verifiers are checked."""

import base64
import hashlib
import hmac
import re

from .errors import InvalidGrantError, InvalidRequestError

S256 = "S256"
PLAIN = "plain"

# §4.1: code-verifier = 43*128unreserved; §4.2 gives the challenge the same alphabet.
_UNRESERVED_43_128 = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


def s256(verifier: str) -> str:
	"""§4.2: BASE64URL-ENCODE(SHA256(ASCII(code_verifier)))."""
	digest = hashlib.sha256(verifier.encode("ascii")).digest()
	return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def check_challenge(challenge: str | None, method: str | None, *, required: bool, allow_plain: bool) -> None:
	"""Validate the challenge of an authorization request (§4.3, §4.4.1)."""
	if challenge is None:
		if required:
			raise InvalidRequestError(description="This client must use PKCE: send a code_challenge.")
		if method is not None:
			raise InvalidRequestError(description="code_challenge_method was sent without a code_challenge.")
		return
	method = method or PLAIN  # §4.3: "defaults to plain if not present in the request"
	if method not in (S256, PLAIN):
		raise InvalidRequestError(description="code_challenge_method must be S256.")
	if method == PLAIN and not allow_plain:
		raise InvalidRequestError(description="The plain PKCE method is not allowed; use S256.")
	if not _UNRESERVED_43_128.fullmatch(challenge):
		raise InvalidRequestError(description="code_challenge must be 43 to 128 unreserved characters.")


def check_no_verifier_without_challenge(challenge: str | None, verifier: str | None) -> None:
	"""A verifier for a code issued without a challenge is an attempted downgrade (RFC 9700 §4.8.2)."""
	if verifier is not None and not challenge:
		raise InvalidGrantError(description="This code was issued without a code_challenge.")


def verify(verifier: str, challenge: str, method: str) -> bool:
	"""§4.6: does the verifier match the challenge stored with the code?"""
	if not _UNRESERVED_43_128.fullmatch(verifier or ""):
		return False
	expected = s256(verifier) if method == S256 else verifier if method == PLAIN else None
	return expected is not None and hmac.compare_digest(expected, challenge)
