"""Redirection endpoints: registration and matching (RFC 6749 §3.1.2, RFC 8252 §7.3)."""

from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

LOOPBACK_HOSTS = ("127.0.0.1", "[::1]", "localhost")


def parse_registered(text: str | None) -> list[str]:
	"""Registered redirect URIs: one per line (spaces and semicolons are accepted too, as the built-in
	provider used them)."""
	if not text:
		return []
	return [uri for uri in text.replace(";", " ").split() if uri]


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


def _is_loopback_http(parts) -> bool:
	host = (parts.hostname or "").lower()
	return parts.scheme == "http" and (host in ("127.0.0.1", "::1", "localhost"))


def _without_port(parts) -> str:
	host = parts.hostname or ""
	netloc = f"[{host}]" if ":" in host else host
	return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def matches(requested: str, registered: Iterable[str]) -> bool:
	"""Simple string comparison (RFC 6749 §3.1.2.3, OAuth 2.1 §2.3.1), except that a loopback
	redirect of a native app may use any port (RFC 8252 §7.3)."""
	registered = list(registered)
	if requested in registered:
		return True
	try:
		asked = urlsplit(requested)
		asked_port = asked.port
	except ValueError:
		return False
	if not _is_loopback_http(asked) or asked_port is None:
		return False
	for uri in registered:
		try:
			candidate = urlsplit(uri)
		except ValueError:
			continue
		if _is_loopback_http(candidate) and _without_port(candidate) == _without_port(asked):
			return True
	return False
