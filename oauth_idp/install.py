"""Install and uninstall: move the built-in provider's clients and live tokens over.

After install, no secret, code or token of the built-in provider stays in plain text: clients keep
their ids and their secrets still authenticate (now checked against a hash), live tokens keep
working (now looked up by hash), and the built-in rows are emptied.
"""

import frappe
from frappe.utils import add_to_date, get_datetime, now_datetime

from oauth_idp.protocol import capabilities, redirects
from oauth_idp.protocol import scopes as scope_rules
from oauth_idp.protocol.client_auth import CONFIDENTIAL
from oauth_idp.provider import enforcement, identity, store

BUILTIN_CLIENT = "OAuth Client"
BUILTIN_TOKEN = "OAuth Bearer Token"
BUILTIN_CODE = "OAuth Authorization Code"


def after_install():
	for name in frappe.get_all(BUILTIN_CLIENT, pluck="name"):
		migrate_client(frappe.get_doc(BUILTIN_CLIENT, name))
	# Codes of the built-in provider are short-lived and stored in plain text: drop them.
	frappe.db.delete(BUILTIN_CODE)
	identity.active_signing_key()


def migrate_client(builtin) -> None:
	if frappe.db.exists(store.CLIENT, builtin.name):
		return
	registered = redirects.parse_registered(builtin.redirect_uris)
	if builtin.default_redirect_uri and builtin.default_redirect_uri not in registered:
		registered.insert(0, builtin.default_redirect_uri)
	client = frappe.get_doc(
		{
			"doctype": store.CLIENT,
			"client_id": builtin.name,
			"app_name": builtin.app_name or builtin.name,
			"client_type": CONFIDENTIAL,
			"redirect_uris": "\n".join(registered) or "http://127.0.0.1/",
			"allowed_scopes": scope_rules.join(scope_rules.parse(builtin.scopes or "all openid")),
			"skip_consent": builtin.skip_authorization,
			"allowed_roles": [{"role": row.role} for row in builtin.get("allowed_roles") or []],
			"allow_refresh_token": 1,
			"access_token_lifetime": capabilities.DEFAULT_ACCESS_TOKEN_LIFETIME,
			"refresh_token_lifetime": capabilities.DEFAULT_REFRESH_TOKEN_LIFETIME,
			"code_lifetime": capabilities.DEFAULT_CODE_LIFETIME,
			"migrated_from_builtin": 1,
			# The built-in provider let every token act as its user; apps keep working until an
			# admin restricts the client.
			"full_user_access": 1,
			"secret_issued_on": builtin.creation,
		}
	)
	client.flags.secret_already_set = True
	client.insert(ignore_permissions=True)
	if builtin.client_secret:
		store.set_client_secret(client.name, builtin.client_secret)
	migrate_tokens(client)
	frappe.db.set_value(BUILTIN_CLIENT, builtin.name, "client_secret", "", update_modified=False)


def migrate_tokens(client) -> None:
	"""Live built-in tokens become grants of ours, so signed-in apps stay signed in."""
	now = now_datetime()
	rows = frappe.get_all(
		BUILTIN_TOKEN,
		filters={"client": client.name, "status": "Active"},
		fields=["name", "access_token", "refresh_token", "user", "scopes", "expiration_time", "creation"],
	)
	for row in rows:
		if not row.user or not frappe.db.exists("User", row.user):
			continue
		scopes = scope_rules.parse(row.scopes)
		reach = enforcement.client_scopes(client).reach(scopes)
		grant = store.create_grant(client.name, row.user, scopes, reach, get_datetime(row.creation), None)
		expires = get_datetime(row.expiration_time) if row.expiration_time else now
		lifetime = max(int((expires - now).total_seconds()), 0)
		store.save_tokens(
			access_token=row.access_token or row.name,
			refresh_token=row.refresh_token or None,
			grant=grant,
			client_id=client.name,
			user=row.user,
			scopes=scopes,
			access_lifetime=lifetime,
			refresh_lifetime=client.refresh_token_lifetime,
		)
	frappe.db.delete(BUILTIN_TOKEN, {"client": client.name})


def before_uninstall():
	"""Frappe drops the app's tables; the secret hashes and encrypted keys live in `__Auth`.

	Built-in clients stay in Desk. Their secrets cannot be recovered from hashes, so an admin sets
	new ones there after uninstalling (the README says so)."""
	frappe.db.delete("__Auth", {"doctype": ("in", (store.CLIENT, identity.SIGNING_KEY))})
