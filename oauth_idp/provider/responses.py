"""Responses of the OAuth endpoints: JSON, no session cookies, and bearer-token rejections."""

import json

import frappe
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from oauth_idp.protocol import errors


def forget_cookies() -> None:
	"""OAuth endpoints speak to clients, not browsers: no Guest session cookies on their answers."""
	cookie_manager = getattr(frappe.local, "cookie_manager", None)
	if cookie_manager:
		cookie_manager.cookies = {}
		cookie_manager.to_delete = []


def json_response(status: int, headers: dict, body: str | dict) -> Response:
	forget_cookies()
	if isinstance(body, dict):
		body = json.dumps(body)
	headers = {**headers, "Content-Type": errors.JSON_CONTENT_TYPE}
	return Response(body, status=status, headers=headers)


def reject_request(error: errors.OAuth2Error):
	"""Stop a request that a bearer token does not allow (RFC 6750 §3): Frappe returns the raised
	HTTPException's response unchanged."""
	status, headers, body = errors.resource_error_response(error)
	raise HTTPException(response=json_response(status, headers, body))
