# Copyright (c) 2026, oauth_idp developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from oauth_idp.protocol import scopes as scope_rules
from oauth_idp.provider import enforcement, store


class IdPGrant(Document):
	def onload(self):
		"""What the grant's tokens may touch now, under the client's current scope table."""
		if self.status != "Active":
			return
		client = frappe.get_cached_doc(store.CLIENT, self.client)
		access = enforcement.client_scopes(client).access(
			scope_rules.parse(self.scopes), scope_rules.parse(self.reach)
		)
		self.set_onload("access", access.lines())

	@frappe.whitelist()
	def revoke(self):
		"""Revoke this grant and every code and token issued under it."""
		self.check_permission("write")
		store.revoke_grant(self.name, f"revoked in Desk by {frappe.session.user}")
