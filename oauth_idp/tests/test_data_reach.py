"""What a scoped token's data requests reach: columns, not SQL; documents as they are stored, not as
the request describes them; files through the documents they are attached to; and its user's
permissions, user permissions included. Frappe checks sessions more loosely on each point."""

import io
import json

import frappe

from oauth_idp.tests.utils import (
	IdPTestCase,
	access_token,
	authorization_code,
	http_request,
	json_body,
	list_child_rows,
	make_client,
	make_user,
	own_todo,
	private_file_of_a_note,
	redeem,
)

PLAIN = "oauth-idp-data-plain@example.com"  # a desk user: sees only their own ToDos
MANAGER = "oauth-idp-data-manager@example.com"  # a System Manager
SUBQUERY = "name as `n`, (select count(*) from `__Auth`) as `x`"
BLIND = "ifnull((select(count(*))from(tabSessions)),'.name.')"  # passes Frappe's sanitize_column


class TestDataReach(IdPTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(PLAIN, roles=("Desk User",))
		make_user(MANAGER)
		cls.client = make_client(
			app_name="Data Reach",
			allowed_scopes="openid",
			skip_consent=1,
			scopes=[
				{"document_type": "ToDo", "read": 1, "write": 1, "create": 1},
				{"document_type": "Report", "read": 1, "write": 1, "create": 1},
				{"document_type": "Contact", "read": 1, "write": 1, "create": 1},
			],
		)
		frappe.db.commit()
		cls.own = own_todo(cls, PLAIN, "data reach: the plain user's")
		cls.others = own_todo(cls, "Administrator", "data reach: the Administrator's")
		cls.reader = cls.token("ToDo:read")
		cls.writer = cls.token("ToDo:read ToDo:write ToDo:create")

	@classmethod
	def token(cls, scope: str, user: str = PLAIN) -> str:
		return access_token(cls.client, user, scope)

	def assert_refused(self, response, status: int, error: str, where: str):
		where = f"{where} -> {response.status_code} {response.get_data(as_text=True)[:300]}"
		self.assertEqual(response.status_code, status, where)
		self.assertEqual(json_body(response).get("error"), error, where)

	def test_column_parameters_name_columns_not_sql(self):
		for method, path, params in (
			("GET", "/api/resource/ToDo", {"fields": json.dumps([SUBQUERY])}),
			("GET", "/api/v2/document/ToDo", {"fields": json.dumps([SUBQUERY])}),
			(
				"GET",
				"/api/method/frappe.client.get_list",
				{"doctype": "ToDo", "fields": json.dumps([SUBQUERY])},
			),
			("GET", "/api/method/frappe.client.get_value", {"doctype": "ToDo", "fieldname": SUBQUERY}),
			("GET", "/api/method/frappe.desk.reportview.get", {"doctype": "ToDo", "order_by": "(select 1)"}),
			(
				"GET",
				"/api/method/frappe.desk.search.search_widget",
				{"doctype": "ToDo", "txt": "", "filter_fields": json.dumps(["name`, (select 1) as `x"])},
			),
		):
			with self.subTest(path=path, params=params):
				response = http_request(method, path, self.reader, query_string=params)
				self.assert_refused(response, 400, "invalid_request", path)
				self.assertNotIn("$pbkdf2", response.get_data(as_text=True))
		for method, path, params in (
			("GET", "/api/resource/ToDo", {"filters": json.dumps([[BLIND, ">", 0]])}),
			("GET", "/api/resource/ToDo", {"filters": json.dumps([["ifnull(1,'.name.')||1", ">", 0]])}),
			(
				"GET",
				"/api/method/frappe.client.get_list",
				{"doctype": "ToDo", "or_filters": json.dumps([[BLIND, ">", 0]])},
			),
			(
				"GET",
				"/api/method/frappe.client.get_value",
				{"doctype": "ToDo", "fieldname": "name", "filters": json.dumps({BLIND: 1})},
			),
			(
				"GET",
				"/api/method/frappe.desk.reportview.get_count",
				{"doctype": "ToDo", "filters": json.dumps([[BLIND, ">", 0]])},
			),
			("GET", "/api/v2/doctype/ToDo/count", {"filters": json.dumps([[BLIND, ">", 0]])}),
			(
				"GET",
				"/api/method/frappe.desk.search.search_link",
				{"doctype": "ToDo", "txt": "", "filters": '["1=1 or 1=1"]'},
			),
			(
				"GET",
				"/api/method/frappe.client.validate_link",
				{"doctype": "ToDo", "docname": self.own, "fields": json.dumps([SUBQUERY])},
			),
		):
			with self.subTest(path=path, params=params):
				self.assert_refused(
					http_request(method, path, self.reader, query_string=params), 400, "invalid_request", path
				)
		by_name = http_request(
			"GET",
			"/api/method/frappe.client.get_value",
			self.reader,
			query_string={"doctype": "ToDo", "fieldname": "description", "filters": self.own},
		)
		frappe.db.commit()
		stored = frappe.db.get_value("ToDo", self.own, "description")
		self.assertEqual(
			json_body(by_name).get("message"), {"description": stored}, "a plain name still names a record"
		)
		columns = {"fields": '["name", "count(name) as n"]', "group_by": "name", "order_by": "name desc"}
		listed = http_request("GET", "/api/resource/ToDo", self.reader, query_string=columns)
		self.assertEqual(listed.status_code, 200, listed.get_data(as_text=True)[:300])

	def test_a_change_is_checked_against_the_document_as_stored(self):
		"""Frappe's ToDo permission follows allocated_to; a request that names the token's user as the
		assignee of someone else's ToDo must not be allowed to change it."""
		stored = frappe.get_doc("ToDo", self.others).as_dict()
		forged = {**json.loads(frappe.as_json(stored)), "allocated_to": PLAIN, "description": "forged"}
		response = http_request(
			"POST", "/api/method/frappe.client.save", self.writer, data={"doc": json.dumps(forged)}
		)
		self.assertEqual(response.status_code, 403, response.get_data(as_text=True)[:300])
		frappe.db.commit()
		self.assertEqual(
			frappe.db.get_value("ToDo", self.others, "description"), "data reach: the Administrator's"
		)
		own = json.loads(frappe.as_json(frappe.get_doc("ToDo", self.own).as_dict()))
		saved = http_request(
			"POST",
			"/api/method/frappe.client.save",
			self.writer,
			data={"doc": json.dumps({**own, "description": "data reach: changed by its owner"})},
		)
		self.assertEqual(saved.status_code, 200, saved.get_data(as_text=True)[:300])

	def test_user_permissions_cannot_be_waived_by_a_token(self):
		"""search_link with ignore_user_permissions=1 lists every ToDo to a desk user's session."""
		mine = own_todo(type(self), PLAIN, "data reach: waiver, mine")
		theirs = own_todo(type(self), "Administrator", "data reach: waiver, theirs")
		response = http_request(
			"GET",
			"/api/method/frappe.desk.search.search_link",
			self.reader,
			query_string={"doctype": "ToDo", "txt": "data reach: waiver", "ignore_user_permissions": 1},
		)
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:300])
		found = {row["value"] for row in json_body(response)["message"]}
		self.assertIn(mine, found)
		self.assertNotIn(theirs, found)

	def test_a_file_cannot_be_pointed_at_or_moved_to_reach_a_private_file(self):
		secret = private_file_of_a_note(self, "data-reach-secret")

		uploaded = http_request(
			"POST",
			"/api/method/upload_file",
			self.writer,
			data={
				"doctype": "ToDo",
				"docname": self.own,
				"is_private": "1",
				"file": (io.BytesIO(b"mine"), "data-reach-mine.txt"),
			},
		)
		self.assertEqual(uploaded.status_code, 200, uploaded.get_data(as_text=True)[:300])
		mine = json_body(uploaded)["message"]
		self.addCleanup(frappe.delete_doc, "File", mine["name"], ignore_permissions=True, force=True)
		repointed = http_request(
			"POST",
			"/api/method/frappe.client.save",
			self.writer,
			data={"doc": json.dumps({**mine, "doctype": "File", "file_url": secret.file_url})},
		)
		self.assert_refused(repointed, 403, "insufficient_scope", "pointing my File at the secret")
		self.assertIn('scope="File:write"', repointed.headers["WWW-Authenticate"])

		admin = self.token("ToDo:read ToDo:write", user="Administrator")
		stored = json.loads(frappe.as_json(frappe.get_doc("File", secret.name).as_dict()))
		moved = http_request(
			"POST",
			"/api/method/frappe.client.save",
			admin,
			data={"doc": json.dumps({**stored, "attached_to_doctype": "ToDo", "attached_to_name": self.own})},
		)
		self.assert_refused(moved, 403, "insufficient_scope", "moving the secret to my ToDo")
		self.assertIn('scope="Note:write"', moved.headers["WWW-Authenticate"])
		for token in (self.writer, admin):
			download = http_request("GET", secret.file_url, token)
			self.assert_refused(download, 403, "insufficient_scope", secret.file_url)

	def test_a_save_cannot_take_over_another_documents_rows(self):
		"""Frappe re-parents a child row named in a save, whatever document it belonged to: a Report's
		roles table could take a User's role rows (Has Role) with a Report scope."""
		token = self.token("Report:read Report:write Report:create", user=MANAGER)
		report = "oauth-idp data reach report"
		values = {
			"report_name": report,
			"ref_doctype": "ToDo",
			"report_type": "Report Builder",
			"is_standard": "No",
		}
		created = http_request("POST", "/api/resource/Report", token, json=values)
		self.assertEqual(created.status_code, 200, created.get_data(as_text=True)[:300])
		self.addCleanup(frappe.db.commit)
		self.addCleanup(frappe.delete_doc, "Report", report, ignore_permissions=True, force=True)
		row = frappe.db.get_value("Has Role", {"parent": PLAIN, "parenttype": "User"})
		taken = http_request(
			"PUT", f"/api/resource/Report/{report}", token, json={"roles": [{"name": row, "role": "Blogger"}]}
		)
		self.assertEqual(taken.status_code, 403, taken.get_data(as_text=True)[:300])
		frappe.db.commit()
		self.assertEqual(frappe.db.get_value("Has Role", row, ["parent", "role"]), (PLAIN, "Desk User"))
		added = http_request(
			"PUT", f"/api/resource/Report/{report}", token, json={"roles": [{"role": "Blogger"}]}
		)
		self.assertEqual(added.status_code, 200, added.get_data(as_text=True)[:300])

	def test_an_attach_field_takes_only_a_file_the_request_may_reach(self):
		"""Frappe attaches the file an Attach field names when the document is saved, with no
		permission check: a Contact's image could take any private file."""
		secret = private_file_of_a_note(self, "data-reach-attach-secret")
		token = self.token("Contact:read Contact:write Contact:create")
		contact = {"first_name": "oauth-idp data reach", "image": secret.file_url}
		taken = http_request("POST", "/api/resource/Contact", token, json=contact)
		self.assert_refused(taken, 403, "insufficient_scope", "a Contact whose image is another's file")
		self.assertIn('scope="File:create"', taken.headers["WWW-Authenticate"])
		self.assert_refused(
			http_request("GET", secret.file_url, token), 403, "insufficient_scope", secret.file_url
		)

		made = http_request(
			"POST", "/api/resource/Contact", token, json={"first_name": "oauth-idp data reach"}
		)
		self.assertEqual(made.status_code, 200, made.get_data(as_text=True)[:300])
		name = json_body(made)["data"]["name"]
		self.addCleanup(frappe.db.commit)
		self.addCleanup(frappe.delete_doc, "Contact", name, ignore_permissions=True, force=True)
		uploaded = http_request(
			"POST",
			"/api/method/upload_file",
			token,
			data={
				"doctype": "Contact",
				"docname": name,
				"is_private": "1",
				"file": (io.BytesIO(b"me"), "data-reach-me.png"),
			},
		)
		self.assertEqual(uploaded.status_code, 200, uploaded.get_data(as_text=True)[:300])
		own = json_body(uploaded)["message"]
		self.addCleanup(frappe.delete_doc, "File", own["name"], ignore_permissions=True, force=True)
		image = http_request("PUT", f"/api/resource/Contact/{name}", token, json={"image": own["file_url"]})
		self.assertEqual(image.status_code, 200, "a file attached to the same document")

	def test_a_child_table_lists_only_rows_of_parent_records_the_user_may_read(self):
		"""Contact is if_owner for a desk user; Frappe's query of its child tables asks only for read
		on Contact."""
		theirs = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "oauth-idp data reach theirs",
				"email_ids": [{"email_id": "theirs@example.com"}],
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		self.addCleanup(frappe.db.commit)
		self.addCleanup(frappe.delete_doc, "Contact", theirs.name, ignore_permissions=True, force=True)
		token = self.token("Contact:read")
		listed = list_child_rows(token, "Contact Email", "Contact", ["parent", "email_id"])
		self.assertEqual(listed.status_code, 200, listed.get_data(as_text=True)[:300])
		self.assertNotIn(theirs.name, {row["parent"] for row in json_body(listed)["message"]})

	def test_a_child_row_insert_says_nothing_of_whether_its_parent_exists(self):
		for parent in ("Administrator", "nobody-at-all@example.com"):
			row = {
				"doctype": "Has Role",
				"parenttype": "User",
				"parent": parent,
				"parentfield": "roles",
				"role": "Guest",
			}
			response = http_request(
				"POST", "/api/method/frappe.client.insert", self.reader, json={"doc": row}
			)
			self.assert_refused(response, 403, "insufficient_scope", parent)
			self.assertIn('scope="User:write"', response.headers["WWW-Authenticate"])

	def test_a_scoped_token_cannot_ask_for_the_sql_of_its_queries(self):
		response = http_request(
			"GET",
			"/api/method/frappe.client.get_list",
			self.reader,
			query_string={"doctype": "ToDo", "debug": 1},
		)
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:300])
		self.assertNotIn("_debug_messages", json_body(response))
