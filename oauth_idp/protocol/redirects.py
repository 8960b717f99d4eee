"""Redirection endpoints: registration and matching (RFC 6749 §3.1.2, RFC 8252 §7.3)."""

import re
from collections.abc import Iterable
from urllib.parse import urlsplit


def parse_registered(text: str | None) -> list[str]:
	"""Registered redirect URIs: one per line (the built-in provider separated them with spaces, and
	that is read too)."""
	return text.split() if text else []


def registration_problem(uri: str) -> str | None:
	"""Why a URI cannot be registered, or None. §3.1.2: absolute, and no fragment."""
	try:
		parts = urlsplit(uri)
	except ValueError:
		return "is not a valid URI"
	if not parts.scheme:
		return "is not an absolute URI"
	if parts.fragment or "#" in uri:
		return "must not contain a fragment"
	if parts.scheme in ("http", "https") and not parts.netloc:
		return "has no host"
	return None


# RFC 8252 §7.3: a loopback redirect written as scheme, host, optional port, then the rest verbatim.
_LOOPBACK = re.compile(
	r"(http://(?:127\.0\.0\.1|\[::1\]|localhost))(?::(\d{1,5}))?([/?].*|)", re.IGNORECASE | re.DOTALL
)


def _loopback_without_port(uri: str) -> str | None:
	match = _LOOPBACK.fullmatch(uri)
	if match is None or (match.group(2) and not 0 < int(match.group(2)) <= 65535):
		return None
	return match.group(1).lower() + match.group(3)


def matches(requested: str, registered: Iterable[str]) -> bool:
	"""Simple string comparison (RFC 6749 §3.1.2.3, OAuth 2.1 §2.3.1), except that a loopback
	redirect of a native app may use any port (RFC 8252 §7.3). Nothing but the port may differ."""
	registered = list(registered)
	if requested in registered:
		return True
	asked = _loopback_without_port(requested)
	return asked is not None and any(_loopback_without_port(uri) == asked for uri in registered)
