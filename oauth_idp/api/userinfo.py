"""The userinfo endpoint (OIDC Core §5.3), under the built-in's name `openid_profile`."""

import frappe

from oauth_idp.protocol import errors
from oauth_idp.provider import identity
from oauth_idp.provider.guard import current_access
from oauth_idp.provider.responses import json_response


@frappe.whitelist(allow_guest=True, xss_safe=True)
def openid_profile(**kwargs):
	if frappe.request.method not in ("GET", "POST"):
		status, headers, body = errors.client_error_response(errors.MethodNotAllowedError("GET, POST"))
		return json_response(status, headers, body)
	access = current_access()
	if access is None:
		error = errors.InvalidTokenError(description="Send an access token: Authorization: Bearer <token>.")
	elif "openid" not in access.scopes:
		error = errors.InsufficientScopeError("openid")
	else:
		return json_response(
			200, {"Cache-Control": "no-store"}, identity.userinfo(access.user, access.scopes)
		)
	status, headers, body = errors.resource_error_response(error)
	return json_response(status, headers, body)
