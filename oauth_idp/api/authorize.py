"""The authorization endpoint (RFC 6749 §3.1, §4.1.1; OIDC Core §3.1.2) and the consent decision."""

import functools
import hmac
import time
from urllib.parse import quote, urlencode

import frappe
import jinja2
from frappe import _
from frappe.sessions import get_csrf_token
from frappe.utils.password import get_encryption_key
from werkzeug.wrappers import Response

from oauth_idp.protocol import errors
from oauth_idp.protocol import prompt as prompt_rules
from oauth_idp.protocol.tokens import token_hash
from oauth_idp.provider import enforcement, identity, routing, store
from oauth_idp.provider.guard import TOKEN_IS_NO_LOGIN, current_access
from oauth_idp.provider.responses import framework_error, refused_http_method
from oauth_idp.provider.server import get_server, log_unexpected_error, request_headers, request_params
from oauth_idp.provider.validator import consent_needed

AUTHORIZE_PATH = "/api/method/oauth_idp.api.authorize.authorize"
APPROVE_PATH = "/api/method/oauth_idp.api.authorize.approve"
CONSENT_TEMPLATE = "templates/oauth_idp/consent.html"
EXPIRED_FORM = errors.AccessDeniedError(
	description="This form has expired. Go back to the app and try again."
)
MESSAGE_TEMPLATE = "templates/oauth_idp/message.html"


@frappe.whitelist(allow_guest=True, xss_safe=True, methods=routing.EVERY_HTTP_METHOD)
def authorize(**kwargs):
	frappe.local.oauth_idp_answered = True
	if refused := refused_at_the_door():
		return message_page(refused)
	try:
		params = request_params()
	except errors.OAuth2Error as error:
		# A request we cannot parse cannot be trusted with a redirect either.
		return message_page(error)
	if frappe.session.user == "Guest" and "none" not in (params.get("prompt") or "").split():
		return redirect(login_url(params))
	return decide(params)


@frappe.whitelist(allow_guest=True, xss_safe=True, methods=routing.EVERY_HTTP_METHOD)
def approve(**kwargs):
	"""The consent form's POST. Frappe's session CSRF token guards it."""
	frappe.local.oauth_idp_answered = True
	if refused := refused_at_the_door():
		return message_page(refused)
	try:
		params = request_params()
	except errors.OAuth2Error as error:
		return message_page(error)
	if frappe.session.user == "Guest":  # the session ended: log in, and see the consent page again
		request = {k: v for k, v in params.items() if k not in ("csrf_token", "decision")}
		return redirect(login_url(request, path=AUTHORIZE_PATH))
	sent_token = params.pop("csrf_token", "")
	if not hmac.compare_digest(sent_token, frappe.session.data.get("csrf_token") or "\0"):
		return message_page(EXPIRED_FORM)
	decision = params.pop("decision", None)
	return decide(params, decision=decision)


def refused_at_the_door() -> errors.OAuth2Error | None:
	"""An HTTP method these endpoints do not serve; or a request that an access token authenticated,
	however it came here (the guard refuses it at these URLs, but another method may call them)."""
	if refused := refused_http_method():
		return refused
	return TOKEN_IS_NO_LOGIN if current_access() is not None else None


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

	request = info["request"]

	def refuse(error_type, description=None) -> Response:
		return redirect(error_type(description=description, request=request).in_uri(info["redirect_uri"]))

	try:
		prompt = prompt_rules.parse_prompt(params.get("prompt"))
		max_age = prompt_rules.parse_max_age(params.get("max_age"))
	except errors.OAuth2Error as error:
		return refuse(type(error), error.description)
	if frappe.session.user == "Guest":  # only prompt=none comes here logged out
		return refuse(errors.LoginRequired)
	login_time = identity.login_time()
	now = time.time()
	login_after = prompt_rules.login_marker_time(marker_key(), params.get(prompt_rules.LOGIN_AFTER), now)
	if prompt_rules.requires_fresh_login(prompt, max_age, identity.epoch(login_time), now, login_after):
		return refuse(errors.LoginRequired) if "none" in prompt else log_in_again(params)

	client = request.client
	user = frappe.session.user
	if not store.user_may_use(client, user):
		return refuse(errors.AccessDeniedError, "This user is not allowed to use this app.")
	if decision is not None:
		if decision != "allow":
			return refuse(errors.AccessDeniedError, "The user denied access.")
		store.remember_consent(user, client.name, request.idp_reach)
	elif consent_needed(client, user, request.idp_reach, prompt):
		if "none" in prompt:
			return refuse(errors.ConsentRequired)
		return consent_page(client, scopes, params)

	credentials = {key: value for key, value in info.items() if key != "request"}
	credentials.update(
		user=user,
		auth_time=login_time,
		session_hash=token_hash(frappe.session.sid),
		redirect_uri_in_request="redirect_uri" in params,
	)
	frappe.local.flags.commit = True  # a GET that writes: the grant and the code
	headers, _body, _status = server.create_authorization_response(
		uri, "GET", None, request_headers(), scopes=scopes, credentials=credentials
	)
	return redirect(headers["Location"])


def log_in_again(params: dict) -> Response:
	"""prompt=login or an expired max_age: end the session, and come back after a new login."""
	frappe.local.login_manager.logout()
	frappe.local.flags.commit = True
	return redirect(login_url(params))


# Pages and redirects ---------------------------------------------------------------------------------


def endpoint_uri(params: dict) -> str:
	return frappe.request.host_url.rstrip("/") + frappe.request.path + "?" + urlencode(params)


def login_url(params: dict, path: str | None = None) -> str:
	"""Frappe's login page, coming back to this request (or `path`) with every parameter intact,
	marked so that the login about to happen satisfies prompt=login and max_age."""
	params = {**params, prompt_rules.LOGIN_AFTER: prompt_rules.login_marker(marker_key(), int(time.time()))}
	back = (path or frappe.request.path) + "?" + urlencode(params)
	return "/login?redirect-to=" + quote(back, safe="")


def marker_key() -> bytes:
	"""The site's own secret signs the login marker."""
	return get_encryption_key().encode()


def redirect(location: str) -> Response:
	return Response(status=302, headers={"Location": location, "Cache-Control": "no-store"})


def consent_page(client, scopes: list[str], params: dict) -> Response:
	html = render_page(
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
	html = render_page(
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


@functools.cache
def page_templates() -> jinja2.Environment:
	"""The app's own pages need none of Frappe's template globals, which need a session: a page must
	render even for a request that Frappe failed before it had one."""
	return jinja2.Environment(
		loader=jinja2.FileSystemLoader(frappe.get_app_path("oauth_idp")), autoescape=True
	)


def render_page(template: str, context: dict) -> str:
	return page_templates().get_template(template).render(context)


def html_response(html: str, status: int) -> Response:
	# The consent page must not be framed by another site (clickjacking) nor cached.
	headers = {
		"Cache-Control": "no-store",
		"X-Frame-Options": "DENY",
		"Content-Security-Policy": "frame-ancestors 'none'",
	}
	return Response(html, status=status, headers=headers, content_type="text/html; charset=utf-8")


def answer_stopped_requests(response=None, request=None) -> None:
	"""after_request: Frappe can fail a request to these endpoints before they run, and the user's
	browser then gets this app's page instead of Frappe's error.

	- A POSTed authorization request from a browser session that holds a CSRF token fails Frappe's
	  CSRF check. It carries no decision, so it is sent back as the same GET (303), which the endpoint
	  then answers (OIDC Core §3.1.2.1: POST must work).
	- A consent form that fails the check has expired.
	- Anything else (a body that does not parse, say) is a request that cannot go on.
	"""
	if response is None or getattr(frappe.local, "oauth_idp_answered", False) or response.status_code < 400:
		return
	endpoint = routing.current_endpoint()
	if endpoint is None or endpoint.kind != routing.AUTHORIZATION:
		return
	try:
		params = request_params() if frappe.request.method == "POST" else None
	except errors.OAuth2Error:
		params = None
	if params is None:
		page = message_page(framework_error(response))
	elif routing.own_name(routing.called_method()) == "oauth_idp.api.authorize.approve":
		page = message_page(EXPIRED_FORM)
	else:
		response.status_code = 303
		response.set_data(b"")
		response.headers["Location"] = frappe.request.path + "?" + urlencode(params)
		return
	response.status_code = page.status_code
	response.set_data(page.get_data())
	response.headers.update(page.headers)
