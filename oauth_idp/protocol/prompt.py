"""When the user must log in again: OpenID Connect Core §3.1.2.1 `prompt` and `max_age`."""

import hashlib
import hmac

from .errors import InvalidRequestError

# A parameter of this provider's own, added when it sends the user to log in: a login at or after
# its time satisfies prompt=login and max_age. It is signed, so a request cannot carry a made-up one.
LOGIN_AFTER = "oauth_idp_login_after"
LOGIN_MARKER_LIFETIME = 3600  # seconds; a login page left open longer starts over


def login_marker(key: bytes, issued_at: int) -> str:
	return f"{issued_at}.{_signature(key, issued_at)}"


def login_marker_time(key: bytes, marker: str | None, now: float) -> int | None:
	"""The time in a marker this provider issued, or None for a missing, forged or stale one."""
	issued, _dot, signature = (marker or "").partition(".")
	if not (issued.isascii() and issued.isdigit()):
		return None
	if not hmac.compare_digest(signature, _signature(key, int(issued))):
		return None
	return int(issued) if 0 <= now - int(issued) <= LOGIN_MARKER_LIFETIME else None


def _signature(key: bytes, issued_at: int) -> str:
	return hmac.new(key, f"{LOGIN_AFTER}={issued_at}".encode(), hashlib.sha256).hexdigest()


def parse_prompt(value: str | None) -> set[str]:
	prompt = set((value or "").split())
	if "none" in prompt and len(prompt) > 1:
		raise InvalidRequestError(description="prompt=none cannot be combined with other values.")
	return prompt


def parse_max_age(value: str | None) -> int | None:
	if value is None:
		return None
	if not value.isdigit():
		raise InvalidRequestError(description="max_age must be a number of seconds.")
	return int(value)


def requires_fresh_login(
	prompt: set[str], max_age: int | None, auth_time: float, now: float, login_after: int | None
) -> bool:
	"""`login_after` is the time of a verified marker (login_marker_time), or None."""
	if login_after is not None and auth_time >= login_after:
		return False
	if "login" in prompt:
		return True
	return max_age is not None and now - auth_time > max_age
