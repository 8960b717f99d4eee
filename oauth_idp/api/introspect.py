"""The introspection endpoint (RFC 7662): confidential clients, about their own tokens."""

import frappe

from oauth_idp.provider.routing import EVERY_HTTP_METHOD
from oauth_idp.provider.server import client_endpoint


@frappe.whitelist(allow_guest=True, xss_safe=True, methods=EVERY_HTTP_METHOD)
def introspect_token(**kwargs):
	return client_endpoint(
		"introspection",
		lambda server, uri, method, params, headers: server.create_introspect_response(
			uri, method, params, headers
		),
	)
