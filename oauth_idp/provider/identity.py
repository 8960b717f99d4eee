"""Who the user is to clients: the issuer, the stable `sub`, profile claims and signed id_tokens."""

import json
import time
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import frappe
from frappe.sessions import get_expiry_in_seconds
from frappe.utils import get_datetime, get_system_timezone, get_url, now_datetime
from frappe.utils.data import convert_utc_to_system_timezone

from oauth_idp.protocol import claims as claim_rules
from oauth_idp.protocol import jose
from oauth_idp.protocol.tokens import token_hash

SIGNING_KEY = "IdP Signing Key"


def issuer() -> str:
	"""The site's own URL: `host_name` from site_config as written, else the URL the request came to.

	Frappe's get_url would add the bench's webserver port to host_name on a bench without a process
	manager; an issuer must be what the admin configured (OIDC Discovery §3)."""
	host_name = frappe.local.conf.host_name
	if host_name:
		return (host_name if "://" in host_name else "http://" + host_name).rstrip("/")
	return get_url().rstrip("/")


def issuer_is_configured() -> bool:
	"""Is the issuer the site's own setting, rather than read from the request's Host header?"""
	return bool(frappe.local.conf.host_name)


def epoch(value) -> int:
	"""Seconds since the epoch of a datetime stored by Frappe (naive, in the system time zone)."""
	return int(get_datetime(value).replace(tzinfo=ZoneInfo(get_system_timezone())).timestamp())


def _login_time_key(sid: str) -> str:
	return f"oauth_idp:login_time:{token_hash(sid)}"


def remember_login_time(login_manager) -> None:
	"""on_session_creation hook: the moment the user authenticated, for `auth_time`."""
	expiry = get_expiry_in_seconds(frappe.session.data.get("session_expiry"))
	frappe.cache.set_value(_login_time_key(frappe.session.sid), time.time(), expires_in_sec=expiry)


def login_time() -> datetime:
	"""When the current session's user logged in (the user's last login, for sessions older than
	this app)."""
	seconds = frappe.cache.get_value(_login_time_key(frappe.session.sid))
	if seconds:
		utc = datetime.fromtimestamp(float(seconds), tz=timezone.utc)
		return convert_utc_to_system_timezone(utc).replace(tzinfo=None)
	return get_datetime(frappe.db.get_value("User", frappe.session.user, "last_login") or now_datetime())


def subject(user: str) -> str:
	"""A stable `sub` for every user, Administrator included.

	It is the id Frappe keeps for the "frappe" social login provider, so apps that signed users in
	through the built-in provider see the same `sub` after the switch.
	"""
	userid = frappe.db.get_value("User Social Login", {"parent": user, "provider": "frappe"}, "userid")
	if userid:
		return userid
	userid = frappe.generate_hash(length=39)
	frappe.get_doc(
		{
			"doctype": "User Social Login",
			"parent": user,
			"parenttype": "User",
			"parentfield": "social_logins",
			"provider": "frappe",
			"userid": userid,
		}
	).db_insert()
	frappe.local.flags.commit = True  # may be first needed on a GET (userinfo)
	return userid


def profile(user: str) -> claim_rules.UserProfile:
	row = frappe.db.get_value(
		"User", user, ("first_name", "last_name", "full_name", "email", "user_image"), as_dict=True
	)
	picture = None
	if row.user_image:
		picture = row.user_image if "://" in row.user_image else get_url(row.user_image)
	return claim_rules.UserProfile(
		sub=subject(user),
		full_name=row.full_name or " ".join(filter(None, (row.first_name, row.last_name))),
		given_name=row.first_name,
		family_name=row.last_name,
		email=row.email,
		picture=picture,
		roles=tuple(frappe.get_roles(user)),
	)


def userinfo(user: str, scopes) -> dict:
	return claim_rules.userinfo_claims(profile(user), scopes)


# Signing keys ----------------------------------------------------------------------------------------


def active_signing_key() -> jose.SigningKey:
	"""The key that signs new id_tokens; made on first use, kept encrypted in a Password field."""
	name = frappe.db.get_value(SIGNING_KEY, {"active": 1}, "name", order_by="creation desc")
	if not name:
		generated = jose.generate_rsa_key()
		doc = frappe.get_doc(
			{
				"doctype": SIGNING_KEY,
				"kid": generated.kid,
				"algorithm": jose.RS256,
				"public_jwk": json.dumps(generated.public_jwk),
				"private_key": generated.private_pem,
				"active": 1,
				"published": 1,
			}
		).insert(ignore_permissions=True)
		frappe.local.flags.commit = True  # may be first needed on a GET (the JWKS)
		name = doc.name
	doc = frappe.get_cached_doc(SIGNING_KEY, name)
	return jose.SigningKey(
		kid=doc.kid,
		private_pem=doc.get_password("private_key"),
		public_jwk=json.loads(doc.public_jwk),
	)


def published_jwks() -> dict:
	active_signing_key()  # a provider always publishes the key it will sign with
	rows = frappe.get_all(SIGNING_KEY, filters={"published": 1}, pluck="public_jwk")
	return jose.jwks([json.loads(jwk) for jwk in rows])


def id_token(*, client_id, user, scopes, grant, nonce, access_token, lifetime) -> str:
	auth_time = frappe.db.get_value("IdP Grant", grant, "auth_time")
	claims = jose.id_token_claims(
		issuer=issuer(),
		subject=subject(user),
		audience=client_id,
		issued_at=int(time.time()),
		lifetime=lifetime,
		auth_time=epoch(auth_time) if auth_time else None,
		nonce=nonce,
		access_token=access_token,
		extra=userinfo(user, scopes),
	)
	return jose.sign_id_token(claims, active_signing_key())
