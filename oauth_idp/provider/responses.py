"""Responses of the OAuth endpoints: JSON, no session cookies, and bearer-token rejections."""

import json

import frappe
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from oauth_idp.protocol import errors
from oauth_idp.provider import routing


def forget_cookies() -> None:
	"""OAuth endpoints speak to clients, not browsers: no Guest session cookies on their answers."""
	cookie_manager = getattr(frappe.local, "cookie_manager", None)
	if cookie_manager:
		cookie_manager.cookies = {}
		cookie_manager.to_delete = []


def json_response(status: int, headers: dict, body: str | dict) -> Response:
	forget_cookies()
	frappe.local.oauth_idp_answered = True
	if isinstance(body, dict):
		body = json.dumps(body)
	headers = {**headers, "Content-Type": errors.JSON_CONTENT_TYPE}
	return Response(body, status=status, headers=headers)


def reject_request(error: errors.OAuth2Error):
	"""Stop a request that a bearer token does not allow (RFC 6750 §3): Frappe returns the raised
	HTTPException's response unchanged."""
	status, headers, body = errors.resource_error_response(error)
	raise HTTPException(response=json_response(status, headers, body))


def refused_http_method() -> errors.MethodNotAllowedError | None:
	"""A 405 for an HTTP method that the provider endpoint of the request does not serve."""
	endpoint = routing.current_endpoint()
	if endpoint and frappe.request.method not in endpoint.http_methods:
		return errors.MethodNotAllowedError(", ".join(endpoint.http_methods))
	return None


def framework_error(response) -> errors.OAuth2Error:
	"""The OAuth error for a request to a provider endpoint that Frappe failed before the endpoint
	ran (a JSON body that does not parse, say)."""
	refused = refused_http_method()
	if refused:
		return refused
	if response.status_code >= 500 and not _body_is_malformed():
		return errors.ServerError()
	return errors.InvalidRequestError(description="The request could not be read.")


def replace_framework_errors(response=None, request=None) -> None:
	"""after_request: the provider's endpoints answer in OAuth's words even when Frappe failed before
	they ran: no `exc`, no traceback, no session cookies."""
	if response is None or getattr(frappe.local, "oauth_idp_answered", False) or response.status_code < 400:
		return
	endpoint = routing.current_endpoint()
	if endpoint is None or endpoint.kind == routing.AUTHORIZATION:
		return  # api/authorize.answer_stopped_requests answers for the user's browser, in pages
	error = framework_error(response)
	if endpoint.kind == routing.USERINFO:
		status, headers, body = errors.resource_error_response(error)
	else:
		status, headers, body = errors.client_error_response(error)
	response.status_code = status
	response.set_data(body)
	response.headers.update(headers)
	forget_cookies()  # Frappe writes its cookies onto the response after this hook


def _body_is_malformed() -> bool:
	request = frappe.request
	if not request.is_json:
		return False
	try:
		json.loads(request.get_data(as_text=True) or "null")
	except ValueError:
		return True
	return False
