"""OpenID Connect claims by scope (OIDC Core §5.1, §5.4) for userinfo and the id_token."""

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class UserProfile:
	"""What the site knows of a user, already read from the database."""

	sub: str
	full_name: str = ""
	given_name: str | None = None
	family_name: str | None = None
	email: str | None = None
	picture: str | None = None
	roles: tuple[str, ...] = field(default_factory=tuple)


def userinfo_claims(profile: UserProfile, scopes: Iterable[str]) -> dict:
	"""Claims released for the granted scopes.

	`openid` alone carries `name` and `email` as well as `sub`: Frappe's own social login (the
	relying party of Frappe-to-Frappe sign-in) requests only `openid` and needs both to match users,
	and the built-in provider always sent them.
	"""
	scopes = set(scopes)
	claims: dict = {"sub": profile.sub}
	if "openid" in scopes or "profile" in scopes:
		claims["name"] = profile.full_name
	if "profile" in scopes:
		claims.update(
			given_name=profile.given_name,
			family_name=profile.family_name,
			picture=profile.picture,
		)
	if "openid" in scopes or "email" in scopes:
		# No email_verified: Frappe does not verify the addresses that admins enter for users.
		claims["email"] = profile.email
	if "roles" in scopes:
		claims["roles"] = list(profile.roles)
	# OIDC Core §5.3.2: a claim without a value is left out rather than sent empty.
	return {name: value for name, value in claims.items() if value not in (None, "")}
