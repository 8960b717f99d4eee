// Copyright (c) 2026, oauth_idp developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("IdP Grant", {
	refresh(frm) {
		const access = (frm.doc.__onload || {}).access;
		frm.get_field("access_html").$wrapper.html(
			access
				? access.length
					? `<ul>${access.map((line) => `<li>${frappe.utils.escape_html(line)}</li>`).join("")}</ul>`
					: `<p class="text-muted">${__("Nothing: none of its scopes is granted by the client any more.")}</p>`
				: `<p class="text-muted">${__("Nothing: the grant is revoked.")}</p>`
		);
		if (frm.doc.status !== "Active") return;
		frm.add_custom_button(__("Revoke"), () => {
			frappe.confirm(__("Revoke this grant and every token issued under it?"), () =>
				frm.call("revoke").then(() => frm.reload_doc())
			);
		});
	},
});
