"""The token endpoint (RFC 6749 §3.2, §4.1.3, §6)."""

import frappe

from oauth_idp.protocol.params import check_token_request
from oauth_idp.provider.routing import EVERY_HTTP_METHOD
from oauth_idp.provider.server import client_endpoint


@frappe.whitelist(allow_guest=True, xss_safe=True, methods=EVERY_HTTP_METHOD)
def get_token(**kwargs):
	return client_endpoint("token", _token_response)


def _token_response(server, uri, method, params, headers):
	check_token_request(params)
	return server.create_token_response(uri, method, params, headers)
