"""What a request is for, resolved the way Frappe resolves it (frappe/app.py, frappe/api/), so that
what the guard checks is what Frappe then runs; and the provider's own endpoints.
"""

import functools
from dataclasses import dataclass

import frappe
import frappe.handler
from frappe.api import API_URL_MAP
from frappe.modules.utils import load_doctype_module
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from oauth_idp import hooks
from oauth_idp.protocol import errors

# The provider's endpoints ----------------------------------------------------------------------------

AUTHORIZATION = "authorization"  # the user's browser and session: authorize, approve
CLIENT = "client"  # clients authenticate themselves: token, revocation, introspection
USERINFO = "userinfo"  # a bearer token names the user
DISCOVERY = "discovery"  # public documents


@dataclass(frozen=True)
class Endpoint:
	kind: str
	http_methods: tuple[str, ...]


DISCOVERY_DOCUMENT = "oauth_idp.api.discovery.openid_configuration"
OWN_ENDPOINTS = {
	"oauth_idp.api.authorize.authorize": Endpoint(AUTHORIZATION, ("GET", "POST")),
	"oauth_idp.api.authorize.approve": Endpoint(AUTHORIZATION, ("POST",)),
	"oauth_idp.api.token.get_token": Endpoint(CLIENT, ("POST",)),
	"oauth_idp.api.revoke.revoke_token": Endpoint(CLIENT, ("POST",)),
	"oauth_idp.api.introspect.introspect_token": Endpoint(CLIENT, ("POST",)),
	"oauth_idp.api.userinfo.openid_profile": Endpoint(USERINFO, ("GET", "POST")),
	DISCOVERY_DOCUMENT: Endpoint(DISCOVERY, ("GET", "HEAD")),
	"oauth_idp.api.discovery.jwks": Endpoint(DISCOVERY, ("GET", "HEAD")),
}
WELL_KNOWN_PATHS = ("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server")
# Frappe answers a whitelisted method's unlisted HTTP methods with a 403 and a traceback; the endpoints
# take them all and answer those they do not serve with their own 405.
EVERY_HTTP_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "TRACE"]


def provider_endpoint(method: str | None) -> Endpoint | None:
	name = own_name(method)
	return OWN_ENDPOINTS[name] if name else None


def own_name(method: str | None) -> str | None:
	"""The app's own name of a provider endpoint, under whichever name it was called: its own, the
	built-in provider's (override_whitelisted_methods), or any other name of the same function."""
	if not method:
		return None
	return hooks.override_whitelisted_methods.get(method) or same_function(method, OWN_ENDPOINT_NAMES)


OWN_ENDPOINT_NAMES = frozenset(OWN_ENDPOINTS)


# Method names ----------------------------------------------------------------------------------------


def function_of(method: str):
	"""The function Frappe runs for a method name (frappe.handler.execute_cmd: the last override hook,
	then a dotted path, or one of frappe.handler's own for a short name), or None. Resolved once per
	request and name: the request hooks and the scope check all ask."""
	resolved = frappe.local.flags.setdefault("oauth_idp_functions", {})
	if method not in resolved:
		overrides = frappe.get_hooks("override_whitelisted_methods", {}).get(method)
		name = overrides[-1] if overrides else method
		try:
			resolved[method] = frappe.get_attr(name) if "." in name else getattr(frappe.handler, name, None)
		except Exception:
			resolved[method] = None  # no such method: Frappe answers the request with its own error
	return resolved[method]


def same_function(method: str, names: frozenset[str]) -> str | None:
	"""Which of `names` runs the function that `method` names, or None. One function may answer to
	several names, because modules import whitelisted functions from each other
	(frappe.email.inbox.set_value is frappe.client.set_value)."""
	if method in names:
		return method
	function = function_of(method)
	return _names_by_function(names, frappe.local.site).get(function) if function is not None else None


@functools.cache
def _names_by_function(names: frozenset[str], site: str) -> dict:
	"""Per site: the apps installed there may override a method with a function of their own."""
	return {function: name for name in sorted(names) if (function := function_of(name)) is not None}


# Routes ----------------------------------------------------------------------------------------------

# Frappe's REST document endpoints (frappe.api.v1, frappe.api.v2), by function name, and what each does.
DOCUMENT_ACTIONS = {
	"document_list": "list",
	"create_doc": "create",
	"read_doc": "read",
	"update_doc": "update",
	"delete_doc": "delete",
	"execute_doc_method": "run_method",
	"get_meta": "meta",
	"count": "count",
}
_V2_NAMED_METHODS = "/api/v2/method/"  # login, logout, ping, upload_file, run_doc_method


@dataclass(frozen=True)
class Route:
	"""What Frappe will run for a request."""

	method: str | None = None  # a whitelisted method, by the name the request gives it
	doctype: str | None = None  # a REST document endpoint: the DocType in the path
	action: str | None = None  # a REST document endpoint: one of DOCUMENT_ACTIONS' values
	unknown: bool = False  # an /api/ endpoint of Frappe's that this app does not know


def current_route() -> Route:
	form_dict = getattr(frappe.local, "form_dict", None) or {}
	cmd = form_dict.get("cmd")
	if cmd:  # frappe/app.py runs `cmd` whatever the path says
		return Route(method=str(cmd))
	return path_route()


def called_method() -> str | None:
	"""The dotted path of the whitelisted method the request calls, or None."""
	return current_route().method


def path_route() -> Route:
	"""What the path of the request names, through Frappe's own API routing map."""
	if not frappe.request.path.startswith("/api/"):
		return Route()
	try:
		rule, arguments = API_URL_MAP.bind_to_environ(frappe.request.environ).match(return_rule=True)
	except HTTPException:
		return Route()  # Frappe answers 404 or 405 and runs nothing
	name = getattr(rule.endpoint, "__name__", "")
	if name == "handle_rpc_call":
		# frappe.api.v1 calls the first segment of /api/method/<path:method>.
		method = arguments["method"].split("/")[0]
		if arguments.get("doctype"):
			method = _controller_method(arguments["doctype"], method)
		return Route(method=method)
	if rule.rule.startswith(_V2_NAMED_METHODS):
		# By the module that serves it: v2's run_doc_method is not v1's (frappe.handler's), and reads
		# other parameters.
		return Route(method=f"{rule.endpoint.__module__}.{rule.rule.rsplit('/', 1)[1]}")
	action = DOCUMENT_ACTIONS.get(name)
	if action is None:
		return Route(unknown=True)
	form_dict = getattr(frappe.local, "form_dict", None) or {}
	if action == "read" and "run_method" in form_dict:
		action = "run_method"  # frappe.api.v1.read_doc runs the method instead
	return Route(doctype=arguments["doctype"], action=action)


def _controller_method(doctype: str, method: str) -> str:
	"""/api/v2/method/<doctype>/<method>: a method of the DocType's controller module."""
	try:
		return f"{load_doctype_module(doctype).__name__}.{method}"
	except Exception:
		return f"{doctype}.{method}"  # no such DocType: Frappe answers the request with its own error


# The request and the provider's endpoints ------------------------------------------------------------


def current_endpoint(route: Route | None = None) -> Endpoint | None:
	"""The provider endpoint the current request (whose route may be known already) reaches, if any."""
	if frappe.request.path in WELL_KNOWN_PATHS:
		return OWN_ENDPOINTS[DISCOVERY_DOCUMENT]
	return provider_endpoint((route or current_route()).method)


def keep_provider_endpoints_to_their_urls() -> None:
	"""before_request hook: Frappe runs a `cmd` parameter in place of the method in the path. The
	provider's URLs answer as themselves (RFC 6749 §3.2: the token endpoint is its URL), and a `cmd`
	elsewhere may not name an endpoint: Frappe would run it and drop its answer (tokens included)."""
	form_dict = frappe.local.form_dict
	if provider_endpoint(path_route().method):
		form_dict.pop("cmd", None)
	elif (cmd := form_dict.get("cmd")) and provider_endpoint(str(cmd)):
		refused = errors.InvalidRequestError(description="Send this request to the endpoint's own URL.")
		status, headers, body = errors.client_error_response(refused)
		raise HTTPException(response=Response(body, status=status, headers=headers))
