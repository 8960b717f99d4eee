"""The userinfo endpoint (OIDC Core §5.3), under the built-in's name `openid_profile`."""

import frappe

from oauth_idp.protocol import errors
from oauth_idp.protocol import scopes as scope_rules
from oauth_idp.provider import identity, routing
from oauth_idp.provider.guard import current_access
from oauth_idp.provider.responses import json_response, refused_http_method


@frappe.whitelist(allow_guest=True, xss_safe=True, methods=routing.EVERY_HTTP_METHOD)
def openid_profile(**kwargs):
	access = current_access()
	if refused := refused_http_method():
		error = refused
	elif access is None:
		error = errors.TokenRequiredError(description="Send an access token: Authorization: Bearer <token>.")
	elif "openid" not in (released := scope_rules.still_allowed(access.scopes, access.client_allowed_scopes)):
		error = errors.InsufficientScopeError("openid")
	else:
		return json_response(200, {"Cache-Control": "no-store"}, identity.userinfo(access.user, released))
	status, headers, body = errors.resource_error_response(error)
	return json_response(status, headers, body)
