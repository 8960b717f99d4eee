// Copyright (c) 2026, oauth_idp developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("IdP Authorization Code", {
	refresh(frm) {
		// Only the provider writes these rows; Desk shows them.
		frm.disable_save();
	},
});
