// Copyright (c) 2026, oauth_idp developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("IdP Client", {
	refresh(frm) {
		// Frappe hides the field a document is named after; the Client ID is what apps are given.
		frm.toggle_display("client_id", true);
		// The headline adds each message it is given, and a saved form refreshes more than once.
		frm.dashboard.clear_headline();
		if (frm.doc.full_user_access) {
			frm.dashboard.add_comment(
				__(
					"Tokens of this client act as the full user, whatever scopes they were granted. To limit them to the scope table, uncheck {0}.",
					[`<b>${__("Tokens Act as the Full User (legacy)")}</b>`]
				),
				"yellow",
				true
			);
		}
		if (frm.doc.client_secret) {
			frm.dashboard.set_headline_alert(
				__("Copy the client secret now. It is stored as a hash and will not be shown again."),
				"orange"
			);
		}
		if (frm.is_new() || frm.doc.client_type !== "Confidential") return;
		frm.add_custom_button(__("Regenerate Secret"), () => {
			frappe.confirm(
				__("The current secret stops working at once. Issue a new one?"),
				() =>
					frm.call("regenerate_secret").then((r) => {
						frappe.msgprint({
							title: __("New client secret"),
							indicator: "orange",
							message:
								__("Copy it now; it will not be shown again.") +
								`<pre style="user-select:all">${frappe.utils.escape_html(r.message)}</pre>`,
						});
						frm.reload_doc();
					})
			);
		});
	},
});
