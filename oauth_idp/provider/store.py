"""Every read and write of grants, codes and tokens. The rest of the app reaches storage through here.

Codes and tokens are stored only as SHA-256 hashes (oauth_idp.protocol.tokens); client secrets as
Frappe password hashes in `__Auth`.
"""

from dataclasses import dataclass

import frappe
from frappe.utils import add_to_date, now_datetime
from frappe.utils.password import check_password, update_password

from oauth_idp.protocol import access as access_rules
from oauth_idp.protocol import scopes as scope_rules
from oauth_idp.protocol.tokens import token_hash

CLIENT = "IdP Client"
GRANT = "IdP Grant"
CODE = "IdP Authorization Code"
TOKEN = "IdP Bearer Token"
CONSENT = "IdP Consent"

SECRET_FIELD = "client_secret"


# Clients ---------------------------------------------------------------------------------------------


def get_client(client_id: str | None):
	"""The client document (cached by Frappe, cleared on save), or None."""
	if not client_id or not frappe.db.exists(CLIENT, client_id, cache=True):
		return None
	return frappe.get_cached_doc(CLIENT, client_id)


def set_client_secret(client_id: str, secret: str) -> None:
	update_password(client_id, secret, doctype=CLIENT, fieldname=SECRET_FIELD)


def client_secret_matches(client_id: str, secret: str) -> bool:
	try:
		check_password(client_id, secret, doctype=CLIENT, fieldname=SECRET_FIELD, delete_tracker_cache=False)
	except frappe.AuthenticationError:
		return False
	return True


# Grants and consent ----------------------------------------------------------------------------------


def user_may_use(client, user: str) -> bool:
	"""Allowed Roles: a client limited to some roles serves only users who have one of them."""
	return _roles_allow(client.allowed_role_names, user)


def _roles_allow(allowed_role_names: str | None, user: str) -> bool:
	"""The client keeps its Allowed Roles one per line (IdP Client.set_allowed_role_names). Only
	clients limited to some roles pay for the user's (cached) roles."""
	if not allowed_role_names:
		return True
	return access_rules.roles_allow(allowed_role_names.splitlines(), frappe.get_roles(user))


def create_grant(
	client_id: str, user: str, scopes: list[str], reach: list[str], auth_time, session_hash: str | None
) -> str:
	"""One consent in one login session. `reach` is what the consent covered (ClientScopes.reach)."""
	grant = frappe.get_doc(
		{
			"doctype": GRANT,
			"client": client_id,
			"user": user,
			"scopes": scope_rules.join(scopes),
			"reach": scope_rules.join(reach),
			"auth_time": auth_time,
			"session_hash": session_hash,
			"status": "Active",
		}
	)
	grant.insert(ignore_permissions=True)
	return grant.name


def revoke_grant(grant: str, reason: str) -> None:
	"""Revoke a grant and every code and token that hangs from it."""
	now = now_datetime()
	frappe.db.sql(
		f"update `tab{GRANT}` set status='Revoked', revoked_at=%s, revoked_reason=%s, modified=%s "
		"where name=%s and status='Active'",
		(now, reason, now, grant),
	)
	frappe.db.sql(
		f"update `tab{TOKEN}` set status='Revoked', modified=%s where `grant`=%s and status!='Revoked'",
		(now, grant),
	)
	frappe.db.sql(
		f"update `tab{CODE}` set status='Used', modified=%s where `grant`=%s and status='Valid'", (now, grant)
	)


def flag_compromised_grant(grant: str, reason: str) -> None:
	"""A replayed code or refresh token: the grant must be revoked even though the request fails, so
	it is remembered here and revoked after the failed request's writes are rolled back."""
	frappe.local.flags.oauth_idp_compromised_grant = (grant, reason)


def revoke_flagged_grant() -> None:
	flagged = frappe.local.flags.pop("oauth_idp_compromised_grant", None)
	if flagged:
		revoke_grant(*flagged)
		frappe.db.commit()


def user_is_enabled(user: str) -> bool:
	return bool(frappe.db.get_value("User", user, "enabled"))


def grant_is_active(grant: str) -> bool:
	return frappe.db.get_value(GRANT, grant, "status") == "Active"


def grant_scopes(grant: str) -> list[str]:
	return scope_rules.parse(frappe.db.get_value(GRANT, grant, "scopes"))


def grant_problem(grant: str, user: str, client) -> str | None:
	"""Why what the user authorized no longer stands, or None: the grant, the user, Allowed Roles."""
	if not grant_is_active(grant):
		return "This authorization has been revoked."
	if not user_is_enabled(user):
		return "The user is disabled."
	if not user_may_use(client, user):
		return "This user may no longer use this app."
	return None


def consented_scopes(user: str, client_id: str) -> list[str]:
	scopes = frappe.db.get_value(CONSENT, {"user": user, "client": client_id}, "scopes")
	return scope_rules.parse(scopes) if scopes else []


def consent_covers(user: str, client_id: str, reach: list[str]) -> bool:
	"""Did the user consent to all of `reach` before? A named scope that includes more since then
	needs a new consent."""
	return scope_rules.is_subset(reach, consented_scopes(user, client_id))


def remember_consent(user: str, client_id: str, reach: list[str]) -> None:
	name = frappe.db.get_value(CONSENT, {"user": user, "client": client_id})
	if name:
		merged = scope_rules.join([*consented_scopes(user, client_id), *reach])
		frappe.db.set_value(CONSENT, name, "scopes", merged)
	else:
		frappe.get_doc(
			{"doctype": CONSENT, "user": user, "client": client_id, "scopes": scope_rules.join(reach)}
		).insert(ignore_permissions=True)


# Authorization codes ---------------------------------------------------------------------------------


def save_code(
	code: str, *, grant: str, client_id: str, user: str, scopes: list[str], lifetime: int, **fields
):
	frappe.get_doc(
		{
			"doctype": CODE,
			"code_hash": token_hash(code),
			"grant": grant,
			"client": client_id,
			"user": user,
			"scopes": scope_rules.join(scopes),
			"expires_at": add_to_date(now_datetime(), seconds=lifetime),
			"status": "Valid",
			**fields,
		}
	).insert(ignore_permissions=True)


CODE_FIELDS = (
	"name",
	"grant",
	"client",
	"user",
	"scopes",
	"redirect_uri",
	"redirect_uri_in_request",
	"code_challenge",
	"code_challenge_method",
	"nonce",
	"expires_at",
	"status",
)


def peek_code(code: str):
	"""Read a code without claiming it (oauthlib asks for its scopes and nonce before validating)."""
	return frappe.db.get_value(CODE, {"code_hash": token_hash(code)}, CODE_FIELDS, as_dict=True)


def lock_code(code: str):
	"""Read a code and lock its row until the transaction ends, so that of many concurrent
	redemptions exactly one sees it unused."""
	return frappe.db.get_value(
		CODE, {"code_hash": token_hash(code)}, CODE_FIELDS, as_dict=True, for_update=True
	)


def mark_code_used(name: str) -> None:
	frappe.db.sql(f"update `tab{CODE}` set status='Used', modified=%s where name=%s", (now_datetime(), name))


# Tokens ----------------------------------------------------------------------------------------------


def save_tokens(
	*,
	access_token: str,
	refresh_token: str | None,
	grant: str,
	client_id: str,
	user: str,
	scopes: list[str],
	access_lifetime: int,
	refresh_lifetime: int,
	rotated_from: str | None = None,
) -> str:
	now = now_datetime()
	doc = frappe.get_doc(
		{
			"doctype": TOKEN,
			"access_token_hash": token_hash(access_token),
			"refresh_token_hash": token_hash(refresh_token) if refresh_token else None,
			"grant": grant,
			"client": client_id,
			"user": user,
			"scopes": scope_rules.join(scopes),
			"expires_at": add_to_date(now, seconds=access_lifetime),
			"refresh_expires_at": add_to_date(now, seconds=refresh_lifetime) if refresh_token else None,
			"rotated_from": rotated_from,
			"status": "Active",
		}
	)
	doc.insert(ignore_permissions=True)
	return doc.name


REFRESH_FIELDS = ("name", "grant", "client", "user", "scopes", "refresh_expires_at", "status")


def lock_refresh_token(refresh_token: str):
	return frappe.db.get_value(
		TOKEN,
		{"refresh_token_hash": token_hash(refresh_token)},
		REFRESH_FIELDS,
		as_dict=True,
		for_update=True,
	)


def mark_rotated(name: str) -> None:
	frappe.db.sql(
		f"update `tab{TOKEN}` set status='Rotated', modified=%s where name=%s", (now_datetime(), name)
	)


@dataclass(frozen=True)
class AccessToken:
	"""What a valid access token lets a request do. Scope enforcement reads this."""

	name: str
	user: str
	client: str
	grant: str
	scopes: tuple[str, ...]
	reach: tuple[str, ...]  # of its grant
	client_allowed_scopes: tuple[str, ...]
	client_full_user_access: bool


def find_access_token(access_token: str) -> tuple[AccessToken | None, str | None]:
	"""Validate an access token with one indexed lookup (no document loads on this hot path).

	Returns the token, or None and the reason it is not valid.
	"""
	rows = frappe.db.sql(
		f"""select t.name, t.user, t.client, t.`grant`, t.scopes, t.expires_at, t.status, g.reach,
			g.status as grant_status,
			u.enabled as user_enabled, c.enabled as client_enabled, c.allowed_scopes, c.full_user_access,
			c.allowed_role_names
		from `tab{TOKEN}` t
		join `tab{GRANT}` g on g.name = t.`grant`
		join `tabUser` u on u.name = t.user
		join `tab{CLIENT}` c on c.name = t.client
		where t.access_token_hash = %s""",
		token_hash(access_token),
		as_dict=True,
	)
	if not rows:
		return None, "The access token is not known."
	row = rows[0]
	if row.status != "Active" or row.grant_status != "Active":
		return None, "The access token has been revoked."
	if row.expires_at <= now_datetime():
		return None, "The access token has expired."
	if not row.user_enabled:
		return None, "The user of this access token is disabled."
	if not row.client_enabled:
		return None, "The client of this access token is disabled."
	if not _roles_allow(row.allowed_role_names, row.user):
		return None, "The user of this access token may no longer use this app."
	access = AccessToken(
		row.name,
		row.user,
		row.client,
		row.grant,
		tuple(scope_rules.parse(row.scopes)),
		tuple(scope_rules.parse(row.reach)),
		tuple(scope_rules.parse(row.allowed_scopes)),
		bool(row.full_user_access),
	)
	return access, None


TOKEN_FIELDS = ("name", "grant", "client", "user", "scopes", "expires_at", "refresh_expires_at", "status")


def find_token_any(token: str, client_id: str):
	"""A client's own access or refresh token, for revocation and introspection."""
	hashed = token_hash(token)
	for field, kind in (("access_token_hash", "access_token"), ("refresh_token_hash", "refresh_token")):
		row = frappe.db.get_value(TOKEN, {field: hashed, "client": client_id}, TOKEN_FIELDS, as_dict=True)
		if row:
			row.kind = kind
			return row
	return None


def revoke_token_row(name: str) -> None:
	frappe.db.sql(
		f"update `tab{TOKEN}` set status='Revoked', modified=%s where name=%s", (now_datetime(), name)
	)


# Housekeeping ----------------------------------------------------------------------------------------


def purge_expired() -> None:
	"""Scheduled: delete codes, tokens and grants that can no longer be used.

	Codes are kept for a day after they expire, so that a replay is still recognised (and still
	revokes the grant) for that long. A rotated refresh token is kept until a day after it would have
	expired: a thief may try it at any time in its life, and that use must still end the grant.
	Revoked rows go a day after revocation.
	"""
	cutoff = add_to_date(now_datetime(), days=-1)
	frappe.db.sql(f"delete from `tab{CODE}` where expires_at < %s", cutoff)
	frappe.db.sql(
		f"""delete from `tab{TOKEN}` where (status = 'Revoked' and modified < %(cutoff)s)
		or (expires_at < %(cutoff)s and (refresh_expires_at is null or refresh_expires_at < %(cutoff)s))""",
		{"cutoff": cutoff},
	)
	frappe.db.sql(
		f"""delete g from `tab{GRANT}` g
		where not exists (select 1 from `tab{TOKEN}` t where t.`grant` = g.name)
		and not exists (select 1 from `tab{CODE}` c where c.`grant` = g.name)
		and g.modified < %s""",
		cutoff,
	)
