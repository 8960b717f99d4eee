"""Request hooks that read the Authorization header before Frappe does.

- Client credentials sent to the token, revocation and introspection endpoints are kept for the
  OAuth code; otherwise Frappe's API-key authentication would take a Basic header as its own.
- The authorization endpoint signs the user in itself (RFC 6749 §3.1): an access token is no login
  there, or any token could mint a wider one.
- A bearer token on any other request is validated here (one indexed lookup) and the request runs as
  the token's user. A bad token is a 401, never a Guest request.
- Scope enforcement (provider/enforcement.py) starts from `frappe.local.oauth_access`, set here.
"""

import re

import frappe

from oauth_idp.protocol import errors
from oauth_idp.provider import enforcement, routing, store
from oauth_idp.provider.responses import forget_cookies, reject_request
from oauth_idp.provider.server import log_unexpected_error

# RFC 6749 §3.1: the authorization endpoint authenticates the user itself.
TOKEN_IS_NO_LOGIN = errors.InvalidRequestError(
	description="The authorization endpoint takes no access token: the user signs in there."
)
# RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token
_B64TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


def read_authorization_header() -> None:
	"""before_request hook."""
	environ = frappe.request.environ
	header = environ.get("HTTP_AUTHORIZATION")
	if not header:
		return
	route = routing.current_route()
	endpoint = routing.current_endpoint(route)
	if endpoint and endpoint.kind == routing.CLIENT:
		frappe.local.oauth_idp_client_authorization = environ.pop("HTTP_AUTHORIZATION")
		return
	scheme = re.split(r"\s", header.strip(), maxsplit=1)[0]
	if scheme.lower() != "bearer":
		return
	# Frappe's own bearer check would look this token up again in its tables; it is ours.
	environ.pop("HTTP_AUTHORIZATION")
	if endpoint and endpoint.kind == routing.AUTHORIZATION:
		reject_request(TOKEN_IS_NO_LOGIN)
	credentials = header.strip()[len(scheme) :]
	token = credentials.strip(" ")
	# RFC 6750 §2.1: "Bearer" 1*SP b64token. A tab, a second token or an empty one is malformed.
	if not credentials.startswith(" ") or not _B64TOKEN.fullmatch(token):
		reject_request(
			errors.InvalidRequestError(description="The Authorization header is not 'Bearer <token>'.")
		)
	access, problem = store.find_access_token(token)
	if access is None:
		reject_request(errors.InvalidTokenError(description=problem))
	form_dict = frappe.local.form_dict
	frappe.set_user(access.user)
	frappe.local.form_dict = form_dict
	frappe.local.oauth_access = access
	# A token request is not a browser session: no session cookies.
	forget_cookies()
	try:
		enforcement.check_request(route)
	except errors.OAuth2Error as error:
		reject_request(error)
	except Exception:  # fail closed, in OAuth's words
		log_unexpected_error()
		reject_request(errors.ServerError())


def current_access() -> store.AccessToken | None:
	"""The access token the current request was authenticated with, if any."""
	return getattr(frappe.local, "oauth_access", None)
