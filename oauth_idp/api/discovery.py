"""Discovery (OpenID Connect Discovery 1.0, RFC 8414) and the JWKS (RFC 7517)."""

import frappe
from werkzeug.exceptions import HTTPException

from oauth_idp.protocol import errors, metadata
from oauth_idp.protocol import scopes as scope_rules
from oauth_idp.provider import identity, routing
from oauth_idp.provider.responses import json_response, refused_http_method

PUBLIC_CACHE = {"Cache-Control": "public, max-age=300"}
# What a request's Host header shaped may be kept by the client that asked, not by a shared cache.
PRIVATE_CACHE = {"Cache-Control": "private, max-age=300"}


def _method_url(method: str) -> str:
	return f"{identity.issuer()}/api/method/{method}"


def provider_metadata() -> dict:
	return metadata.provider_metadata(
		identity.issuer(),
		{
			"authorization_endpoint": _method_url("oauth_idp.api.authorize.authorize"),
			"token_endpoint": _method_url("oauth_idp.api.token.get_token"),
			"userinfo_endpoint": _method_url("oauth_idp.api.userinfo.openid_profile"),
			"revocation_endpoint": _method_url("oauth_idp.api.revoke.revoke_token"),
			"introspection_endpoint": _method_url("oauth_idp.api.introspect.introspect_token"),
			"jwks_uri": _method_url("oauth_idp.api.discovery.jwks"),
		},
		scopes_supported=[scope_rules.OPENID, "profile", "email", "roles", scope_rules.ALL],
	)


@frappe.whitelist(allow_guest=True, xss_safe=True, methods=routing.EVERY_HTTP_METHOD)
def openid_configuration(**kwargs):
	return metadata_document()


@frappe.whitelist(allow_guest=True, xss_safe=True, methods=routing.EVERY_HTTP_METHOD)
def jwks(**kwargs):
	return public_document(identity.published_jwks, PUBLIC_CACHE)


def metadata_document():
	"""The discovery document names the issuer and every endpoint by URL."""
	cache = PUBLIC_CACHE if identity.issuer_is_configured() else PRIVATE_CACHE
	return public_document(provider_metadata, cache)


def public_document(make_document, cache: dict):
	if refused := refused_http_method():
		status, headers, body = errors.client_error_response(refused)
		return json_response(status, headers, body)
	return json_response(200, cache, make_document())


def serve_well_known() -> None:
	"""before_request hook: Frappe redirects /.well-known/openid-configuration to its own method
	before any route of ours is looked at, so the documents are answered from here."""
	if frappe.request.path in routing.WELL_KNOWN_PATHS:
		raise HTTPException(response=metadata_document())
