"""The authorization endpoint (RFC 6749 §3.1, §4.1.1; OIDC Core §3.1.2) and the consent decision."""

import hmac
from urllib.parse import quote, urlencode

import frappe
from frappe import _
from frappe.sessions import get_csrf_token
from werkzeug.wrappers import Response

from oauth_idp.protocol import errors
from oauth_idp.protocol import scopes as scope_rules
from oauth_idp.protocol.tokens import token_hash
from oauth_idp.provider import enforcement, identity, store
from oauth_idp.provider.server import get_server, log_unexpected_error, request_headers, request_params

APPROVE_PATH = "/api/method/oauth_idp.api.authorize.approve"
CONSENT_TEMPLATE = "templates/oauth_idp/consent.html"
MESSAGE_TEMPLATE = "templates/oauth_idp/message.html"


@frappe.whitelist(allow_guest=True, xss_safe=True)
def authorize(**kwargs):
	if frappe.request.method not in ("GET", "POST"):
		return message_page(errors.MethodNotAllowedError("GET, POST"))
	try:
		params = request_params()
	except errors.OAuth2Error as error:
		# A request we cannot parse cannot be trusted with a redirect either.
		return message_page(error)
	if frappe.session.user == "Guest":
		return redirect(login_url(params))
	return decide(params)


@frappe.whitelist(allow_guest=True, xss_safe=True)
def approve(**kwargs):
	"""The consent form's POST. Frappe's session CSRF token guards it."""
	if frappe.request.method != "POST":
		return message_page(errors.MethodNotAllowedError("POST"))
	try:
		params = request_params()
	except errors.OAuth2Error as error:
		return message_page(error)
	if frappe.session.user == "Guest":
		return redirect(login_url({k: v for k, v in params.items() if k not in ("csrf_token", "decision")}))
	sent_token = params.pop("csrf_token", "")
	if not hmac.compare_digest(sent_token, frappe.session.data.get("csrf_token") or "\0"):
		return message_page(
			errors.AccessDeniedError(
				description=_("This form has expired. Go back to the app and try again.")
			)
		)
	decision = params.pop("decision", None)
	return decide(params, decision=decision)


def decide(params: dict, decision: str | None = None) -> Response:
	try:
		return _decide(params, decision)
	except Exception:
		log_unexpected_error()
		return message_page(errors.ServerError(description=_("Something went wrong. Try again later.")))


def _decide(params: dict, decision: str | None) -> Response:
	"""Validate the request; then ask for consent, or issue a code, or redirect with an error."""
	server = get_server()
	uri = endpoint_uri(params)
	try:
		scopes, info = server.validate_authorization_request(uri, "GET", None, request_headers())
	except errors.FatalClientError as error:
		return message_page(error)  # §4.1.2.1: never redirect to an unverified redirect_uri
	except errors.OAuth2Error as error:
		return redirect(error.in_uri(error.redirect_uri))

	client = info["request"].client
	user = frappe.session.user
	if not user_may_use(client, user):
		denied = errors.AccessDeniedError(
			description="This user is not allowed to use this app.", request=info["request"]
		)
		return redirect(denied.in_uri(info["redirect_uri"]))

	if decision is not None:
		if decision != "allow":
			denied = errors.AccessDeniedError(description="The user denied access.", request=info["request"])
			return redirect(denied.in_uri(info["redirect_uri"]))
		store.remember_consent(user, client.name, scopes)
	elif needs_consent(client, user, scopes, info.get("prompt") or ()):
		return consent_page(client, scopes, params)

	credentials = {key: value for key, value in info.items() if key != "request"}
	credentials.update(
		user=user,
		auth_time=identity.login_time(),
		session_hash=token_hash(frappe.session.sid),
		redirect_uri_in_request="redirect_uri" in params,
	)
	frappe.local.flags.commit = True  # a GET that writes: the grant and the code
	headers, _body, _status = server.create_authorization_response(
		uri, "GET", None, request_headers(), scopes=scopes, credentials=credentials
	)
	return redirect(headers["Location"])


def user_may_use(client, user: str) -> bool:
	allowed = {row.role for row in client.allowed_roles}
	return not allowed or bool(allowed & set(frappe.get_roles(user)))


def needs_consent(client, user: str, scopes: list[str], prompt) -> bool:
	if "consent" in prompt:
		return True
	if client.skip_consent:
		return False
	return not scope_rules.is_subset(scopes, store.consented_scopes(user, client.name))


# Pages and redirects ---------------------------------------------------------------------------------


def endpoint_uri(params: dict) -> str:
	return frappe.request.host_url.rstrip("/") + frappe.request.path + "?" + urlencode(params)


def login_url(params: dict) -> str:
	"""Frappe's login page, coming back to this same request with every parameter intact."""
	back = frappe.request.path + "?" + urlencode(params)
	return "/login?redirect-to=" + quote(back, safe="")


def redirect(location: str) -> Response:
	return Response(status=302, headers={"Location": location, "Cache-Control": "no-store"})


def consent_page(client, scopes: list[str], params: dict) -> Response:
	html = frappe.render_template(
		CONSENT_TEMPLATE,
		{
			"app_name": client.app_name,
			"user": frappe.session.user,
			"user_name": frappe.utils.get_fullname(frappe.session.user),
			"scopes": [enforcement.client_scopes(client).describe(scope) for scope in scopes],
			"params": params,
			"csrf_token": get_csrf_token(),
			"action": APPROVE_PATH,
		},
	)
	return html_response(html, 200)


def message_page(error: errors.OAuth2Error) -> Response:
	html = frappe.render_template(
		MESSAGE_TEMPLATE,
		{
			"title": _("This sign-in request cannot go on"),
			"error": error.error,
			"description": error.description,
		},
	)
	response = html_response(html, error.status_code)
	if isinstance(error, errors.MethodNotAllowedError):
		response.headers["Allow"] = error.allowed
	return response


def html_response(html: str, status: int) -> Response:
	# The consent page must not be framed by another site (clickjacking) nor cached.
	headers = {
		"Cache-Control": "no-store",
		"X-Frame-Options": "DENY",
		"Content-Security-Policy": "frame-ancestors 'none'",
	}
	return Response(html, status=status, headers=headers, content_type="text/html; charset=utf-8")
