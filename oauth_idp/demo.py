"""A demo user, ToDo and client, so the seed's flow can be tried at once:

bench --site SITE execute oauth_idp.demo.create
"""

import json
import secrets

import frappe
from frappe.utils.password import update_password

DEMO_USER = "demo@example.com"
DEMO_APP = "Demo App"
DEMO_REDIRECT_URI = "http://127.0.0.1:9000/callback"


def create() -> None:
	password = secrets.token_urlsafe(12)
	if not frappe.db.exists("User", DEMO_USER):
		# A desk user without admin rights: the ToDo list shows only the demo user's own ToDos.
		frappe.get_doc(
			{
				"doctype": "User",
				"email": DEMO_USER,
				"first_name": "Demo",
				"send_welcome_email": 0,
				"roles": [{"role": "Desk User"}],
			}
		).insert(ignore_permissions=True)
	update_password(DEMO_USER, password)
	if not frappe.db.exists("ToDo", {"allocated_to": DEMO_USER}):
		frappe.get_doc(
			{"doctype": "ToDo", "description": "Try oauth_idp", "allocated_to": DEMO_USER, "owner": DEMO_USER}
		).insert(ignore_permissions=True)
	existing = frappe.db.get_value("IdP Client", {"app_name": DEMO_APP})
	if existing:
		frappe.delete_doc("IdP Client", existing, ignore_permissions=True)
	client = frappe.get_doc(
		{
			"doctype": "IdP Client",
			"app_name": DEMO_APP,
			"client_type": "Confidential",
			"redirect_uris": DEMO_REDIRECT_URI,
			"allowed_scopes": "openid profile email roles all",
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()
	print(
		json.dumps(
			{
				"user": DEMO_USER,
				"password": password,
				"client_id": client.client_id,
				"client_secret": client.client_secret,
				"redirect_uri": DEMO_REDIRECT_URI,
			},
			indent=2,
		)
	)
