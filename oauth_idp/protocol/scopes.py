"""Scope strings (RFC 6749 §3.3): grammar, comparison, and the words the consent page uses."""

import re
from collections.abc import Iterable

from .errors import InvalidScopeError

# scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
_SCOPE_TOKEN = re.compile(r"[\x21\x23-\x5B\x5D-\x7E]+")

# OpenID Connect Core §5.4 and §11, plus `roles` (the Frappe roles claim) and the built-in's `all`.
OPENID = "openid"
ALL = "all"
RESERVED = ("openid", "profile", "email", "phone", "address", "roles", "offline_access")

_DESCRIPTIONS = {
	"openid": "Confirm your identity (sign you in)",
	"profile": "See your name and profile picture",
	"email": "See your email address",
	"phone": "See your phone number",
	"address": "See your address",
	"roles": "See your roles on this site",
	"offline_access": "Stay connected when you are not using it",
	"all": "Act as you: everything your account can do on this site",
}


def parse(scope: str | None) -> list[str]:
	"""Split a scope parameter into its tokens, in order, without repeats."""
	if scope is None:
		return []
	tokens: list[str] = []
	for token in scope.split(" "):
		if token == "":
			continue
		if not _SCOPE_TOKEN.fullmatch(token):
			raise InvalidScopeError(description="The scope parameter is not a list of valid scope tokens.")
		if token not in tokens:
			tokens.append(token)
	return tokens


def join(scopes: Iterable[str]) -> str:
	return " ".join(dict.fromkeys(scopes))


def is_subset(requested: Iterable[str], allowed: Iterable[str]) -> bool:
	return set(requested) <= set(allowed)


def still_allowed(granted: Iterable[str], allowed: Iterable[str]) -> list[str]:
	"""The granted scopes that the client may still request: a scope taken off a client stops
	counting for its tokens at once (claims, refreshes), as a removed scope table row does."""
	allowed = set(allowed)
	return [scope for scope in granted if scope in allowed]


def describe(scope: str) -> str:
	"""Plain words for one scope on the consent page."""
	return _DESCRIPTIONS.get(scope, f"Use the '{scope}' permission")
