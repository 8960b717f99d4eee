"""What a request is for: the whitelisted method it calls, as Frappe will resolve it."""

import re

import frappe
from frappe.modules.utils import load_doctype_module

# Endpoints that authenticate clients, under every name they answer to.
CLIENT_AUTHENTICATED_METHODS = frozenset(
	{
		"frappe.integrations.oauth2.get_token",
		"frappe.integrations.oauth2.revoke_token",
		"frappe.integrations.oauth2.introspect_token",
		"oauth_idp.api.token.get_token",
		"oauth_idp.api.revoke.revoke_token",
		"oauth_idp.api.introspect.introspect_token",
	}
)

# /api/method/<method>, /api/v2/method/<method> and /api/v2/method/<doctype>/<method>
_METHOD_PATH = re.compile(r"^/api/(?:v\d+/)?method/([^/]+)(?:/([^/]+))?/?$")


def called_method() -> str | None:
	"""The dotted path of the whitelisted method the request calls, or None."""
	match = _METHOD_PATH.match(frappe.request.path)
	if not match:
		form_dict = getattr(frappe.local, "form_dict", None) or {}
		return form_dict.get("cmd")  # the legacy `cmd` route
	first, second = match.groups()
	if second is None:
		return first
	try:
		return f"{load_doctype_module(first).__name__}.{second}"
	except Exception:
		return f"{first}.{second}"  # no such DocType: Frappe answers the request with its own error
