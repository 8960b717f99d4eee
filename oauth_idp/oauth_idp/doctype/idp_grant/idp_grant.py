# Copyright (c) 2026, oauth_idp developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from oauth_idp.provider import store


class IdPGrant(Document):
	@frappe.whitelist()
	def revoke(self):
		"""Revoke this grant and every code and token issued under it."""
		self.check_permission("write")
		store.revoke_grant(self.name, f"revoked in Desk by {frappe.session.user}")
