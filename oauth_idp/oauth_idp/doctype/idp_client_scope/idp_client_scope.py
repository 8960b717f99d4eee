# Copyright (c) 2026, oauth_idp developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class IdPClientScope(Document):
	pass
