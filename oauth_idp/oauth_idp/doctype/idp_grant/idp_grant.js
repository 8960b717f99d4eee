// Copyright (c) 2026, oauth_idp developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("IdP Grant", {
	refresh(frm) {
		if (frm.doc.status !== "Active") return;
		frm.add_custom_button(__("Revoke"), () => {
			frappe.confirm(__("Revoke this grant and every token issued under it?"), () =>
				frm.call("revoke").then(() => frm.reload_doc())
			);
		});
	},
});
