"""The scope rule, end to end over real HTTP requests through frappe.app.application:

    a request authenticated by an OAuth token may do only what is in both the token's granted scopes
    and the user's role permissions, and the scope check comes first.

The matrix is user x DocType x granted scope set x entry point. The expected outcome of every case
comes from two small truth tables in this file, never from the code under test: SCOPE_SETS (what a
scope set grants on the DocType) and ROLE_GRANTS (what the user's roles grant on it), applied to the
permission checks each entry point makes, in Frappe's order. Each check asks the scopes first, then
the roles; the first that fails decides:

- the scopes lack it -> 403, WWW-Authenticate: Bearer error="insufficient_scope", scope="<that scope>",
  a JSON body {"error": "insufficient_scope", ...}, and nothing changed;
- the roles lack it  -> a plain Frappe 403 (PermissionError), and nothing changed;
- all pass           -> 2xx, with the data there (never a 200 with an empty list).
"""

import io
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

import frappe

# Imported before any token request installs the guard, as in a worker that served desk users first.
import frappe.desk.search
from frappe.tests.utils import FrappeTestCase

from oauth_idp.protocol.errors import OAuth2Error
from oauth_idp.tests.utils import (
	authorization_code,
	http_request,
	json_body,
	make_client,
	make_user,
	redeem,
)

ORDER = "OAuth IdP Test Order"  # submittable, custom, a space in its name, a child table
ITEM = "OAuth IdP Test Order Item"
TODO = "ToDo"
MODULE = "OAuth IdP"
ROLE = "OAuth IdP Test Role"  # every permission on ORDER
READER_ROLE = "OAuth IdP Test Reader"  # only read on ORDER

CLERK = "oauth-idp-scope-clerk@example.com"
READER = "oauth-idp-scope-reader@example.com"
ADMIN = "Administrator"

MARK = "scope-matrix"  # every record the suite makes carries it, for the cleanup
LOGGED_USER = "frappe.auth.get_logged_user"
PERMISSIONS = ("read", "write", "create", "delete", "submit", "cancel", "report", "export", "print")
EVERYTHING = frozenset(PERMISSIONS)


def dt_token(doctype: str) -> str:
	return doctype.replace(" ", "_")


def scope_for(doctype: str, permission: str) -> str:
	return permission if permission.startswith("method:") else f"{dt_token(doctype)}:{permission}"


def other(doctype: str) -> str:
	return ORDER if doctype == TODO else TODO


# Truth table 1: what the user's roles grant (Frappe's side) -----------------------------------------
# ToDo: role All has read, write, create, delete (ToDo is not submittable; its records are the user's own).
# ORDER: ROLE has everything, READER_ROLE only read. The Administrator has every role permission.
TODO_FOR_ALL = frozenset({"read", "write", "create", "delete"})
ROLE_GRANTS = {
	CLERK: {TODO: TODO_FOR_ALL, ORDER: EVERYTHING},
	READER: {TODO: TODO_FOR_ALL, ORDER: frozenset({"read"})},
	ADMIN: {TODO: EVERYTHING, ORDER: EVERYTHING},
}


# Truth table 2: what a granted scope set grants on the DocType under test ----------------------------
NAMED = {
	TODO: ("todo_editor", frozenset({"read", "write", "create", "export"})),
	ORDER: ("order_clerk", frozenset({"read", "write", "submit", "cancel"})),
}


@dataclass(frozen=True)
class ScopeSet:
	label: str
	grants: Callable[[str], frozenset | None]  # doctype -> permissions granted on it; None: full user
	scope: Callable[[str], str]  # doctype -> the scope parameter of the authorization request
	legacy: bool = False  # from the client with full_user_access on


def _table_scopes(doctype: str, *permissions: str) -> str:
	return " ".join(scope_for(doctype, p) for p in PERMISSIONS if p in permissions)


def _narrow(*permissions: str) -> ScopeSet:
	return ScopeSet(
		" ".join(permissions),
		lambda doctype: frozenset(permissions),
		lambda doctype: _table_scopes(doctype, *permissions),
	)


SCOPE_SETS = [
	# none of the DocType's scopes, but the other DocType's: scopes do not leak across DocTypes
	ScopeSet(
		"none",
		lambda doctype: frozenset(),
		lambda doctype: "openid " + _table_scopes(other(doctype), "read", "write", "create", "delete"),
	),
	_narrow("read"),
	_narrow("read", "write"),
	_narrow("read", "create"),
	_narrow("read", "delete"),
	_narrow("read", "submit", "cancel"),
	ScopeSet("named", lambda doctype: NAMED[doctype][1], lambda doctype: NAMED[doctype][0]),
	ScopeSet("all", lambda doctype: None, lambda doctype: "all"),
	ScopeSet("full_user_access", lambda doctype: None, lambda doctype: "openid", legacy=True),
]

SLICES = [  # (user, DocType): the Administrator too, whose narrow tokens must be just as narrow
	(CLERK, TODO),
	(CLERK, ORDER),
	(READER, ORDER),  # lacks what the scopes allow: role denials with the scope granted
	(ADMIN, TODO),
	(ADMIN, ORDER),
]


# Entry points -----------------------------------------------------------------------------------------


@dataclass
class Case:
	doctype: str
	user: str
	token: str
	name: str  # the record the entry point works on
	marker: str  # unique to the case: new values, new records' titles
	file_url: str = ""
	file_content: bytes = b""

	@property
	def field(self) -> str:
		return "description" if self.doctype == TODO else "title"


@dataclass(frozen=True)
class Check:
	"""One permission check a request makes: of the scopes, and (unless Frappe skips it) of the roles."""

	permission: str  # a permission on the DocType, or a method scope
	roles: bool = True


def BOTH(permission: str) -> Check:  # a Frappe permission check: the token's scopes, then the roles
	return Check(permission)


def SCOPE(permission: str) -> Check:  # a check of the scopes alone (a gate, or a role check Frappe skips)
	return Check(permission, roles=False)


@dataclass(frozen=True)
class EntryPoint:
	name: str
	checks: tuple[Check, ...]  # the permission checks the request makes, in order
	request: Callable[[Case], tuple[str, str, dict]]  # -> method, path, kwargs for the test client
	check: Callable | None = None  # (test, case, response) when allowed
	unchanged: Callable | None = None  # (test, case) when denied
	fixture: str = "shared"  # shared | draft | submitted
	doctypes: tuple[str, ...] = (TODO, ORDER)


def method_path(method: str) -> str:
	return f"/api/method/{method}"


def resource_path(doctype: str, name: str | None = None, v2: bool = False) -> str:
	path = ("/api/v2/document/" if v2 else "/api/resource/") + quote(doctype)
	return f"{path}/{quote(name)}" if name else path


def by_name(case: Case) -> dict:
	return {"filters": json.dumps([["name", "=", case.name]]), "fields": json.dumps(["name"])}


def new_values(case: Case) -> dict:
	values = {case.field: case.marker}
	if case.doctype == TODO:
		values["allocated_to"] = case.user  # a ToDo is the user's if allocated to them
	else:
		values["items"] = [{"item_name": "made over HTTP"}]
	return values


def current_doc(case: Case) -> dict:
	frappe.db.commit()  # a new snapshot: see what the requests committed
	return json.loads(frappe.as_json(frappe.get_doc(case.doctype, case.name).as_dict()))


# checks when allowed


def lists_the_record(key: str):
	def check(test, case, response):
		rows = json_body(response).get(key)
		test.assertEqual([row["name"] for row in rows], [case.name], "the record is listed")

	return check


def returns_the_record(key: str):
	def check(test, case, response):
		doc = json_body(response)[key]
		test.assertEqual(doc["name"], case.name)
		if case.doctype == ORDER:  # child rows come with their parent
			test.assertEqual([row["item_name"] for row in doc["items"]], ["first", "second"])

	return check


def check_count(test, case, response):
	test.assertEqual(json_body(response)["message"], 1)


def check_value(test, case, response):
	test.assertEqual(json_body(response)["message"]["name"], case.name)


def check_reportview(test, case, response):
	message = json_body(response)["message"]
	test.assertEqual([row[0] for row in message["values"]], [case.name])


def check_exported(test, case, response):
	test.assertIn(case.name, response.get_data(as_text=True))


def check_search(test, case, response):
	test.assertIn(case.name, [row["value"] for row in json_body(response)["message"]])


def check_file(test, case, response):
	test.assertEqual(response.get_data(), case.file_content)


def check_child_rows(test, case, response):
	rows = json_body(response)["message"]
	test.assertEqual(len(rows), 2, rows)
	test.assertEqual({row["parent"] for row in rows}, {case.name})


def created(case: Case) -> bool:
	frappe.db.commit()
	return bool(frappe.db.exists(case.doctype, {case.field: case.marker}))


def check_created(test, case, response):
	test.assertTrue(created(case), "the record was created")


def check_not_created(test, case):
	test.assertFalse(created(case), "nothing was created")


def written(case: Case) -> bool:
	frappe.db.commit()
	return frappe.db.get_value(case.doctype, case.name, case.field) == case.marker


def check_written(test, case, response):
	test.assertTrue(written(case), "the record was changed")


def check_not_written(test, case):
	test.assertFalse(written(case), "the record is unchanged")


def commented(case: Case) -> bool:
	frappe.db.commit()
	filters = {"reference_doctype": case.doctype, "reference_name": case.name, "content": case.marker}
	return bool(frappe.db.exists("Comment", filters))


def check_commented(test, case, response):
	test.assertTrue(commented(case), "the document method ran")


def answers_the_comment(key: str):
	def check(test, case, response):
		comment = json_body(response)[key]
		test.assertEqual((comment["doctype"], comment["content"]), ("Comment", case.marker))

	return check


def check_not_commented(test, case):
	test.assertFalse(commented(case), "the document method did not run")


def uploaded(case: Case) -> bool:
	frappe.db.commit()
	filters = {
		"attached_to_doctype": case.doctype,
		"attached_to_name": case.name,
		"file_name": f"{case.marker}.txt",
	}
	return bool(frappe.db.exists("File", filters))


def check_uploaded(test, case, response):
	test.assertTrue(uploaded(case), "the file is attached")


def check_not_uploaded(test, case):
	test.assertFalse(uploaded(case), "no file was attached")


def check_deleted(test, case, response):
	frappe.db.commit()
	test.assertFalse(frappe.db.exists(case.doctype, case.name), "the record is gone")


def check_not_deleted(test, case):
	frappe.db.commit()
	test.assertTrue(frappe.db.exists(case.doctype, case.name), "the record is still there")


def docstatus_is(status: int):
	def check(test, case, response=None):
		frappe.db.commit()
		test.assertEqual(frappe.db.get_value(case.doctype, case.name, "docstatus"), status)

	return check


def check_logged_user(test, case, response):
	test.assertEqual(json_body(response)["message"], case.user)


ENTRY_POINTS = [
	# read
	EntryPoint(
		"GET /api/resource/<DT>",
		(BOTH("read"),),
		lambda c: ("GET", resource_path(c.doctype), {"query_string": by_name(c)}),
		lists_the_record("data"),
	),
	EntryPoint(
		"GET /api/resource/<DT>/<name>",
		(BOTH("read"),),
		lambda c: ("GET", resource_path(c.doctype, c.name), {}),
		returns_the_record("data"),
	),
	EntryPoint(
		"GET /api/v2/document/<DT>",
		(BOTH("read"),),
		lambda c: ("GET", resource_path(c.doctype, v2=True), {"query_string": by_name(c)}),
		lists_the_record("data"),
	),
	EntryPoint(
		"GET /api/v2/document/<DT>/<name>",
		(BOTH("read"),),
		lambda c: ("GET", resource_path(c.doctype, c.name, v2=True), {}),
		returns_the_record("data"),
	),
	EntryPoint(
		"frappe.client.get_list",
		(BOTH("read"),),
		lambda c: (
			"GET",
			method_path("frappe.client.get_list"),
			{"query_string": {"doctype": c.doctype, **by_name(c)}},
		),
		lists_the_record("message"),
	),
	EntryPoint(
		"frappe.client.get",
		(BOTH("read"),),
		lambda c: (
			"GET",
			method_path("frappe.client.get"),
			{"query_string": {"doctype": c.doctype, "name": c.name}},
		),
		returns_the_record("message"),
	),
	EntryPoint(
		"frappe.client.get_value",
		(BOTH("read"),),
		lambda c: (
			"GET",
			method_path("frappe.client.get_value"),
			{
				"query_string": {
					"doctype": c.doctype,
					"fieldname": "name",
					"filters": json.dumps({"name": c.name}),
				}
			},
		),
		check_value,
	),
	EntryPoint(  # frappe.client.get_count counts without a permission check: it needs `all` (below)
		"frappe.desk.reportview.get_count",
		(BOTH("read"),),
		lambda c: (
			"GET",
			method_path("frappe.desk.reportview.get_count"),
			{
				"query_string": {
					"doctype": c.doctype,
					"filters": json.dumps([[c.doctype, "name", "=", c.name]]),
				}
			},
		),
		check_count,
	),
	EntryPoint(
		"frappe.desk.reportview.get",
		(BOTH("read"),),
		lambda c: (
			"GET",
			method_path("frappe.desk.reportview.get"),
			{
				"query_string": {
					"doctype": c.doctype,
					"fields": json.dumps([f"`tab{c.doctype}`.`name`"]),
					"filters": json.dumps([[c.doctype, "name", "=", c.name]]),
				}
			},
		),
		check_reportview,
	),
	# an export: Frappe asks for `export` (frappe.permissions.can_export), then reads
	EntryPoint(
		"frappe.desk.reportview.export_query",
		(BOTH("export"), BOTH("read")),
		lambda c: (
			"GET",
			method_path("frappe.desk.reportview.export_query"),
			{
				"query_string": {
					"doctype": c.doctype,
					"file_format_type": "CSV",
					"fields": json.dumps([f"`tab{c.doctype}`.`name`"]),
					"filters": json.dumps([[c.doctype, "name", "=", c.name]]),
				}
			},
		),
		check_exported,
	),
	EntryPoint(
		"frappe.desk.search.search_link",
		(BOTH("read"),),
		lambda c: (
			"GET",
			method_path("frappe.desk.search.search_link"),
			{"query_string": {"doctype": c.doctype, "txt": c.name}},
		),
		check_search,
	),
	EntryPoint(
		"frappe.desk.search.search_link ignore_user_permissions=1",
		(BOTH("read"),),
		lambda c: (
			"GET",
			method_path("frappe.desk.search.search_link"),
			{"query_string": {"doctype": c.doctype, "txt": c.name, "ignore_user_permissions": 1}},
		),
		check_search,
	),
	EntryPoint(
		"GET /private/files/<file attached to the record>",
		(BOTH("read"),),
		lambda c: ("GET", c.file_url, {}),
		check_file,
	),
	EntryPoint(  # child rows through their parent
		"frappe.client.get_list <child DT> parent=<DT>",
		(BOTH("read"),),
		lambda c: (
			"GET",
			method_path("frappe.client.get_list"),
			{
				"query_string": {
					"doctype": ITEM,
					"parent": c.doctype,
					"fields": json.dumps(["name", "parent"]),
					"filters": json.dumps({"parent": c.name}),
				}
			},
		),
		check_child_rows,
		doctypes=(ORDER,),
	),
	# create
	EntryPoint(
		"POST /api/resource/<DT>",
		(BOTH("create"),),
		lambda c: ("POST", resource_path(c.doctype), {"json": new_values(c)}),
		check_created,
		check_not_created,
	),
	EntryPoint(
		"POST /api/v2/document/<DT>",
		(BOTH("create"),),
		lambda c: ("POST", resource_path(c.doctype, v2=True), {"json": new_values(c)}),
		check_created,
		check_not_created,
	),
	EntryPoint(
		"frappe.client.insert",
		(BOTH("create"),),
		lambda c: (
			"POST",
			method_path("frappe.client.insert"),
			{"data": {"doc": json.dumps({"doctype": c.doctype, **new_values(c)})}},
		),
		check_created,
		check_not_created,
	),
	# write
	EntryPoint(
		"PUT /api/resource/<DT>/<name>",
		(BOTH("write"),),
		lambda c: ("PUT", resource_path(c.doctype, c.name), {"json": {c.field: c.marker}}),
		check_written,
		check_not_written,
	),
	EntryPoint(
		"frappe.client.set_value",
		(BOTH("write"),),
		lambda c: (
			"POST",
			method_path("frappe.client.set_value"),
			{"data": {"doctype": c.doctype, "name": c.name, "fieldname": c.field, "value": c.marker}},
		),
		check_written,
		check_not_written,
	),
	EntryPoint(
		"frappe.client.save",
		(BOTH("write"),),
		lambda c: (
			"POST",
			method_path("frappe.client.save"),
			{"data": {"doc": json.dumps({**current_doc(c), c.field: c.marker})}},
		),
		check_written,
		check_not_written,
	),
	# a document's whitelisted method (Document.add_comment): it may change the document, so `write`
	EntryPoint(
		"POST /api/method/run_doc_method",
		(SCOPE("write"), BOTH("read")),  # the scope gate first, then Frappe's own read check
		lambda c: (
			"POST",
			method_path("run_doc_method"),
			{
				"data": {
					"dt": c.doctype,
					"dn": c.name,
					"method": "add_comment",
					"args": json.dumps({"comment_type": "Comment", "text": c.marker}),
				}
			},
		),
		check_commented,
		check_not_commented,
	),
	# The same document method by the REST routes. Frappe asks only `read` of a GET, but the app's rule
	# is that running a document method needs `write` whatever the route. A GET is not committed, so
	# the answer (the new Comment) tells that the method ran.
	EntryPoint(
		"GET /api/resource/<DT>/<name>?run_method=add_comment",
		(SCOPE("write"), BOTH("read")),
		lambda c: (
			"GET",
			resource_path(c.doctype, c.name),
			{"query_string": {"run_method": "add_comment", "text": c.marker}},
		),
		answers_the_comment("data"),
	),
	EntryPoint(
		"GET /api/v2/document/<DT>/<name>/method/add_comment",
		(SCOPE("write"), BOTH("read")),
		lambda c: (
			"GET",
			resource_path(c.doctype, c.name, v2=True) + "/method/add_comment",
			{"query_string": {"text": c.marker}},
		),
		answers_the_comment("data"),
	),
	EntryPoint(
		"POST /api/v2/document/<DT>/<name>/method/add_comment",
		(BOTH("write"),),
		lambda c: (
			"POST",
			resource_path(c.doctype, c.name, v2=True) + "/method/add_comment",
			{"json": {"text": c.marker}},
		),
		check_commented,
		check_not_commented,
	),
	# attaching a file changes the document. Frappe 15 itself asks only for File:create, which role
	# All has (frappe.handler.check_write_permission drops its own result), so no role is needed.
	EntryPoint(
		"POST /api/method/upload_file",
		(SCOPE("write"),),
		lambda c: (
			"POST",
			method_path("upload_file"),
			{
				"data": {
					"doctype": c.doctype,
					"docname": c.name,
					"is_private": "1",
					"file": (io.BytesIO(f"uploaded {c.marker}".encode()), f"{c.marker}.txt"),
				}
			},
		),
		check_uploaded,
		check_not_uploaded,
	),
	EntryPoint(  # the request names the document it changes (checked first), read, then a File saved
		"frappe.client.attach_file",
		(SCOPE("write"), BOTH("read")),
		lambda c: (
			"POST",
			method_path("frappe.client.attach_file"),
			{
				"data": {
					"doctype": c.doctype,
					"docname": c.name,
					"filename": f"{c.marker}.txt",
					"filedata": f"attached {c.marker}",
					"is_private": "1",
				}
			},
		),
		check_uploaded,
		check_not_uploaded,
	),
	# delete (a fresh record each time)
	EntryPoint(
		"DELETE /api/resource/<DT>/<name>",
		(BOTH("delete"),),
		lambda c: ("DELETE", resource_path(c.doctype, c.name), {}),
		check_deleted,
		check_not_deleted,
		fixture="draft",
	),
	EntryPoint(
		"frappe.client.delete",
		(BOTH("delete"),),
		lambda c: (
			"POST",
			method_path("frappe.client.delete"),
			{"data": {"doctype": c.doctype, "name": c.name}},
		),
		check_deleted,
		check_not_deleted,
		fixture="draft",
	),
	# submit / cancel: Frappe saves the document, so it checks `write` first, then `submit` / `cancel`
	EntryPoint(
		"frappe.client.submit",
		(BOTH("write"), BOTH("submit")),
		lambda c: (
			"POST",
			method_path("frappe.client.submit"),
			{"data": {"doc": json.dumps(current_doc(c))}},
		),
		docstatus_is(1),
		docstatus_is(0),
		fixture="draft",
		doctypes=(ORDER,),
	),
	EntryPoint(
		"frappe.client.cancel",
		(BOTH("write"), BOTH("cancel")),
		lambda c: (
			"POST",
			method_path("frappe.client.cancel"),
			{"data": {"doctype": c.doctype, "name": c.name}},
		),
		docstatus_is(2),
		docstatus_is(1),
		fixture="submitted",
		doctypes=(ORDER,),
	),
	# a whitelisted method that is not a data method needs its method scope
	EntryPoint(
		LOGGED_USER,
		(SCOPE("method:" + LOGGED_USER),),
		lambda c: ("GET", method_path(LOGGED_USER), {}),
		check_logged_user,
	),
]


def expected(entry: EntryPoint, scope_set: ScopeSet, user: str, doctype: str) -> tuple[str, str | None]:
	"""("scope", the scope named in the 403) | ("role", None) | ("allowed", None).

	Each check asks the scopes first, then the roles; the first check that fails decides."""
	granted = scope_set.grants(doctype)
	for check in entry.checks:
		if granted is not None and check.permission not in granted:
			return "scope", scope_for(doctype, check.permission)
		if check.roles and check.permission not in ROLE_GRANTS[user][doctype]:
			return "role", None
	return "allowed", None


def required_scope(response) -> str | None:
	match = re.search(r'scope="([^"]*)"', response.headers.get("WWW-Authenticate", ""))
	return match.group(1) if match else None


# Fixtures ---------------------------------------------------------------------------------------------


DOCPERM_FLAGS = (*PERMISSIONS, "amend", "import", "share", "email", "select")
ORDER_PERMISSIONS = [  # DocPerm's own defaults tick write, create and delete: every flag is spelled out
	{
		"role": ROLE,
		**dict.fromkeys(DOCPERM_FLAGS, 0),
		**dict.fromkeys(PERMISSIONS, 1),
		"share": 1,
		"email": 1,
	},
	{"role": READER_ROLE, **dict.fromkeys(DOCPERM_FLAGS, 0), "read": 1},
]


def ensure_test_doctypes() -> None:
	"""The custom DocTypes and roles, made once and kept (the suite may run again)."""
	for role in (ROLE, READER_ROLE):
		if not frappe.db.exists("Role", role):
			frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": 1}).insert(
				ignore_permissions=True
			)
	if not frappe.db.exists("DocType", ITEM):
		frappe.get_doc(
			{
				"doctype": "DocType",
				"name": ITEM,
				"module": MODULE,
				"custom": 1,
				"istable": 1,
				"fields": [
					{"fieldname": "item_name", "label": "Item Name", "fieldtype": "Data", "in_list_view": 1}
				],
			}
		).insert(ignore_permissions=True)
	if not frappe.db.exists("DocType", ORDER):
		frappe.get_doc(
			{
				"doctype": "DocType",
				"name": ORDER,
				"module": MODULE,
				"custom": 1,
				"is_submittable": 1,
				"autoname": "hash",
				"fields": [
					{"fieldname": "title", "label": "Title", "fieldtype": "Data", "in_list_view": 1},
					{"fieldname": "items", "label": "Items", "fieldtype": "Table", "options": ITEM},
				],
				"permissions": ORDER_PERMISSIONS,
			}
		).insert(ignore_permissions=True)
	order = frappe.get_doc("DocType", ORDER)
	current = [
		{"role": row.role, **{flag: row.get(flag) or 0 for flag in DOCPERM_FLAGS}}
		for row in order.permissions
	]
	if current != ORDER_PERMISSIONS:  # the truth table ROLE_GRANTS depends on these exactly
		order.permissions = []
		for row in ORDER_PERMISSIONS:
			order.append("permissions", row)
		order.save(ignore_permissions=True)


def make_record(doctype: str, user: str, title: str, submitted: bool = False) -> str:
	if doctype == TODO:
		values = {"description": title, "allocated_to": user, "assigned_by": user}
	else:
		values = {"title": title, "items": [{"item_name": "first"}, {"item_name": "second"}]}
	doc = frappe.get_doc({"doctype": doctype, **values}).insert(ignore_permissions=True)
	if submitted:
		doc.flags.ignore_permissions = True
		doc.submit()
	return doc.name


def remove_everything_made(since) -> None:
	"""Every record the suite (or its requests) made; the DocTypes, roles and users stay."""
	frappe.db.rollback()
	todos = frappe.get_all(TODO, {"description": ["like", f"%{MARK}%"]}, pluck="name")
	orders = frappe.get_all(ORDER, pluck="name")
	files = frappe.get_all(
		"File",
		filters={"attached_to_doctype": ["in", (TODO, ORDER)]},
		or_filters={"attached_to_name": ["in", [*todos, *orders, ""]], "file_name": ["like", f"{MARK}%"]},
		pluck="name",
	)
	for name in files:
		frappe.delete_doc("File", name, ignore_permissions=True, force=True, delete_permanently=True)
	frappe.db.delete("Access Log", {"reference_document": ["in", [*files, ""]]})
	frappe.db.delete(
		"Access Log",
		{
			"export_from": ["in", (TODO, ORDER)],
			"user": ["in", (CLERK, READER, ADMIN)],
			"creation": [">=", since],
		},
	)
	frappe.db.delete("Comment", {"reference_doctype": ORDER})
	frappe.db.delete("Comment", {"reference_doctype": TODO, "reference_name": ["in", [*todos, ""]]})
	frappe.db.delete("Comment", {"reference_doctype": TODO, "content": ["like", f"%{MARK}%"]})
	frappe.db.delete("Version", {"ref_doctype": ORDER})
	frappe.db.delete("Version", {"ref_doctype": TODO, "data": ["like", f"%{MARK}%"]})
	frappe.db.delete("Deleted Document", {"deleted_doctype": ORDER})
	frappe.db.delete("Deleted Document", {"deleted_doctype": TODO, "data": ["like", f"%{MARK}%"]})
	frappe.db.delete(TODO, {"name": ["in", [*todos, ""]]})
	frappe.db.delete(ORDER)
	frappe.db.delete(ITEM)
	frappe.db.commit()


def remove_clients(*clients) -> None:
	frappe.db.rollback()
	for client in clients:
		if frappe.db.exists("IdP Client", client.name):
			frappe.delete_doc("IdP Client", client.name, ignore_permissions=True, force=True)
	frappe.db.commit()


def every_permission(doctype: str) -> dict:
	return {"document_type": doctype, **dict.fromkeys(PERMISSIONS, 1)}


class TestScopeMatrix(FrappeTestCase):  # it removes everything it made itself
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		ensure_test_doctypes()
		make_user(CLERK, roles=(ROLE,))
		make_user(READER, roles=(READER_ROLE,))
		cls.addClassCleanup(remove_everything_made, frappe.utils.now_datetime())
		cls.scoped = make_client(
			app_name="Scope Matrix",
			allowed_scopes="openid all",
			scopes=[every_permission(TODO), every_permission(ORDER)],
			methods=[{"method": LOGGED_USER}],
			named_scopes=[
				{"scope_name": NAMED[dt][0], "includes": _table_scopes(dt, *NAMED[dt][1])}
				for dt in (TODO, ORDER)
			],
		)
		cls.legacy = make_client(app_name="Scope Matrix Legacy", allowed_scopes="openid", full_user_access=1)
		cls.addClassCleanup(remove_clients, cls.scoped, cls.legacy)
		cls.records = {}  # (user, doctype) -> the record shared by the entry points that do not destroy it
		cls.files = {}  # (user, doctype) -> (file_url, content) of a private file attached to it
		for user, doctype in SLICES:
			name = make_record(doctype, user, f"{MARK} shared")
			content = f"{MARK} private {frappe.generate_hash(length=12)}".encode()
			file = frappe.get_doc(
				{
					"doctype": "File",
					"file_name": f"{MARK}-{frappe.generate_hash(length=8)}.txt",
					"content": content,
					"is_private": 1,
					"attached_to_doctype": doctype,
					"attached_to_name": name,
				}
			).insert(ignore_permissions=True)
			cls.records[(user, doctype)] = name
			cls.files[(user, doctype)] = (file.file_url, content)
		frappe.db.commit()
		cls.tokens = {}
		cls.serial = 0

	# tokens and requests

	def token(self, client, user: str, scope: str) -> str:
		key = (client.name, user, scope)
		if key not in self.tokens:
			status, answer = redeem(client, authorization_code(client, user, scope=scope))
			self.assertEqual(status, 200, answer)
			self.assertEqual(set(answer["scope"].split()), set(scope.split()), "granted as requested")
			frappe.db.commit()
			self.tokens[key] = answer["access_token"]
		return self.tokens[key]

	def case(self, entry: EntryPoint, user: str, doctype: str, token: str) -> Case:
		type(self).serial += 1
		marker = f"{MARK}-{self.serial}"
		if entry.fixture == "shared":
			name = self.records[(user, doctype)]
		else:
			name = make_record(
				doctype, user, f"{MARK} {entry.fixture}", submitted=entry.fixture == "submitted"
			)
			frappe.db.commit()
		file_url, content = self.files[(user, doctype)]
		return Case(doctype, user, token, name, marker, file_url, content)

	def assert_scope_denial(self, response, scope: str, where: str):
		self.assertEqual(response.status_code, 403, where)
		challenge = response.headers.get("WWW-Authenticate", "")
		self.assertTrue(challenge.startswith("Bearer "), where)
		self.assertIn('error="insufficient_scope"', challenge, where)
		self.assertEqual(required_scope(response), scope, where)
		self.assertEqual(json_body(response).get("error"), "insufficient_scope", where)

	def assert_role_denial(self, response, where: str):
		self.assertEqual(response.status_code, 403, where)
		self.assertNotIn("insufficient_scope", response.headers.get("WWW-Authenticate", ""), where)
		self.assertNotEqual(json_body(response).get("error"), "insufficient_scope", where)
		if response.request.path.startswith("/api/"):
			answer = json_body(response)  # v1: exc_type; v2: errors[].type
			kind = answer.get("exc_type") or (answer.get("errors") or [{}])[0].get("type")
			self.assertEqual(kind, "PermissionError", where)

	def run_case(self, entry: EntryPoint, scope_set: ScopeSet, user: str, doctype: str, token: str):
		case = self.case(entry, user, doctype, token)
		outcome, scope = expected(entry, scope_set, user, doctype)
		method, path, kwargs = entry.request(case)
		response = http_request(method, path, token, **kwargs)
		where = f"expected {outcome} {scope or ''}; {method} {path} -> {response.status_code} {response.get_data(as_text=True)[:300]}"
		if outcome == "scope":
			self.assert_scope_denial(response, scope, where)
		elif outcome == "role":
			self.assert_role_denial(response, where)
		else:
			self.assertIn(response.status_code, (200, 202), where)
			if entry.check:
				entry.check(self, case, response)
		if outcome != "allowed" and entry.unchanged:
			entry.unchanged(self, case)

	# the matrix

	def test_scope_matrix(self):
		started = time.monotonic()
		total = passed = 0
		for user, doctype in SLICES:
			entries = [entry for entry in ENTRY_POINTS if doctype in entry.doctypes]
			for scope_set in SCOPE_SETS:
				client = self.legacy if scope_set.legacy else self.scoped
				token = self.token(client, user, scope_set.scope(doctype))
				for entry in entries:
					total += 1
					with self.subTest(user=user, doctype=doctype, scopes=scope_set.label, entry=entry.name):
						self.run_case(entry, scope_set, user, doctype, token)
						passed += 1
		entry_points = len({entry.name for entry in ENTRY_POINTS})
		print(
			f"\nscope matrix: {total} cases ({len(SLICES)} user x DocType slices x {len(SCOPE_SETS)} scope sets"
			f" x up to {entry_points} entry points): {passed} passed, {total - passed} failed"
			f" in {time.monotonic() - started:.0f}s"
		)

	# beyond the matrix

	def test_method_scope_is_granted_through_the_methods_table(self):
		path = method_path(LOGGED_USER)
		without = self.token(self.scoped, CLERK, "openid")
		self.assert_scope_denial(http_request("GET", path, without), "method:" + LOGGED_USER, path)
		granted = self.token(self.scoped, CLERK, "openid method:" + LOGGED_USER)
		response = http_request("GET", path, granted)
		self.assertEqual((response.status_code, json_body(response).get("message")), (200, CLERK))
		# a method scope grants that method, not its neighbours
		neighbour = "frappe.utils.change_log.get_versions"
		response = http_request("GET", method_path(neighbour), granted)
		self.assert_scope_denial(response, "method:" + neighbour, neighbour)
		# nor can a token ask for a method the client's methods table does not hold
		with self.assertRaises(OAuth2Error) as refused:
			authorization_code(self.scoped, CLERK, scope="openid method:" + neighbour)
		self.assertEqual(refused.exception.error, "invalid_scope")

	def test_removing_a_scope_row_takes_effect_on_an_existing_token_at_once(self):
		client = make_client(
			app_name="Scope Matrix Dynamic", allowed_scopes="openid", scopes=[every_permission(ORDER)]
		)
		self.addCleanup(remove_clients, client)
		frappe.db.commit()
		token = self.token(client, CLERK, scope_for(ORDER, "read") + " " + scope_for(ORDER, "write"))
		record = self.records[(CLERK, ORDER)]
		path = resource_path(ORDER, record)
		self.assertEqual(http_request("GET", path, token).status_code, 200)

		client = frappe.get_doc("IdP Client", client.name)
		client.scopes[0].read = 0  # unticking one permission of the row
		client.save(ignore_permissions=True)
		frappe.db.commit()
		self.assert_scope_denial(http_request("GET", path, token), scope_for(ORDER, "read"), path)

		client.scopes = []  # removing the row
		client.save(ignore_permissions=True)
		frappe.db.commit()
		response = http_request("PUT", path, token, json={"title": f"{MARK} dynamic"})
		self.assert_scope_denial(response, scope_for(ORDER, "write"), path)

		client.append("scopes", every_permission(ORDER))  # and back: the same token works again
		client.save(ignore_permissions=True)
		frappe.db.commit()
		self.assertEqual(http_request("GET", path, token).status_code, 200)

	def test_a_count_without_permission_checks_needs_a_token_that_acts_as_the_full_user(self):
		path = method_path("frappe.client.get_count")
		params = {"query_string": {"doctype": TODO}}
		scoped = self.token(self.scoped, CLERK, _table_scopes(TODO, *PERMISSIONS))
		self.assert_scope_denial(http_request("GET", path, scoped, **params), "all", path)
		full = self.token(self.scoped, CLERK, "all")
		self.assertEqual(http_request("GET", path, full, **params).status_code, 200)

	def test_upload_file_cannot_call_a_method_the_token_lacks(self):
		"""upload_file is a data method, but its `method` parameter calls any whitelisted method."""
		token = self.token(self.scoped, CLERK, "openid")
		response = http_request("POST", method_path("upload_file"), token, data={"method": LOGGED_USER})
		where = f"{response.status_code} {response.get_data(as_text=True)[:300]}"
		self.assert_scope_denial(response, "method:" + LOGGED_USER, where)

	def test_the_guard_reaches_modules_that_imported_has_permission_before_it(self):
		"""frappe.desk.search binds `from frappe.permissions import has_permission` when first imported;
		this module imports it before any token request, as a worker does that served a desk search
		first. search_link with ignore_user_permissions=1 then asks that binding."""
		import frappe.desk.search

		token = self.token(self.scoped, CLERK, "openid")
		response = http_request("GET", method_path(LOGGED_USER), token)  # the guard is installed now
		self.assertEqual(response.status_code, 403)
		self.assertIs(frappe.desk.search.has_permission, frappe.permissions.has_permission)
