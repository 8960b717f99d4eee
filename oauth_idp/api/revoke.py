"""The revocation endpoint (RFC 7009)."""

import frappe

from oauth_idp.provider.routing import EVERY_HTTP_METHOD
from oauth_idp.provider.server import client_endpoint


@frappe.whitelist(allow_guest=True, xss_safe=True, methods=EVERY_HTTP_METHOD)
def revoke_token(**kwargs):
	return client_endpoint(
		"revocation",
		lambda server, uri, method, params, headers: server.create_revocation_response(
			uri, method, params, headers
		),
	)
