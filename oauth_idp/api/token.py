"""The token endpoint (RFC 6749 §3.2, §4.1.3, §6)."""

import frappe

from oauth_idp.provider.routing import EVERY_HTTP_METHOD
from oauth_idp.provider.server import client_endpoint, limit_client_requests


@frappe.whitelist(allow_guest=True, xss_safe=True, methods=EVERY_HTTP_METHOD)
@limit_client_requests
def get_token(**kwargs):
	return client_endpoint(
		lambda server, uri, method, params, headers: server.create_token_response(
			uri, method, params, headers
		)
	)
