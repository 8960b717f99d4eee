"""Scope enforcement: a request authenticated by an OAuth token may do only what is in both the
token's scopes and the user's role permissions, and the scope check comes first.

The decisions are oauth_idp.protocol.access; this module finds the places in Frappe to ask them:

- what the request calls, as Frappe's own routing resolves it (provider/routing.py): a whitelisted
  method, a REST document endpoint, a file or a page (checked in guard.read_authorization_header);
- every permission check, through one wrapper around frappe.permissions.has_permission, installed
  once per process. It runs before Frappe's Administrator shortcut, so an Administrator's narrow
  token is narrow too;
- deletes, which skip permission checks for the Administrator (a doc_events hook);
- private file downloads, which are decided by the file's owner and attachment.

A denial is recorded in frappe.local and after_request turns the 403 into an RFC 6750
insufficient_scope answer.
"""

import functools
import json
import sys

import frappe
import frappe.permissions

from oauth_idp.protocol import access as access_rules
from oauth_idp.protocol import errors, query_fields
from oauth_idp.protocol import scopes as scope_rules
from oauth_idp.provider import routing

# Whitelisted methods that reach data only through Frappe's permission checks, which the wrapper below
# holds to the token's scopes, and the permission the first of those checks asks of the DocType the
# request names. That one is also asked up front, so that a token learns nothing of a DocType outside
# its scopes, not even whether a record exists.
DATA_METHODS = {
	"frappe.client.get_list": "read",
	"frappe.client.get": "read",
	"frappe.client.get_value": "read",
	"frappe.client.get_single_value": "read",
	"frappe.client.validate_link": "read",
	"frappe.client.set_value": "write",
	"frappe.client.cancel": "write",
	"frappe.client.delete": "delete",
	"frappe.desk.reportview.get": "read",
	"frappe.desk.reportview.get_list": "read",
	"frappe.desk.reportview.get_count": "read",
	"frappe.desk.form.load.getdoc": "read",
	"frappe.desk.form.save.cancel": "write",
}
# Data methods that take documents, the parameter that carries them, and the permission their first
# check asks of each document's DocType (a child row's: write on its parent). Asked up front too: Frappe
# loads a child row's parent before any permission check.
DOCUMENT_METHODS = {
	"frappe.client.insert": ("doc", "create"),
	"frappe.client.insert_many": ("docs", "create"),
	"frappe.client.save": ("doc", "write"),
	"frappe.client.submit": ("doc", "write"),
	"frappe.desk.form.save.savedocs": ("doc", "write"),
}
# Parameters a scoped token's requests may not use: they widen what a request sees, or show its SQL.
WIDENING_PARAMETERS = ("ignore_user_permissions", "debug")
# Whitelisted methods that act on a DocType named in the request, and the scope permission each needs
# on it. Frappe checks these in other ways, or not at all: running a document's method may change
# it; export is checked only against roles; an upload changes the document it is attached to; link
# search runs DocTypes' own search queries, which may not check permissions (User's does not).
DOCTYPE_METHODS = {
	"frappe.desk.search.search_link": "read",
	"frappe.desk.search.search_widget": "read",
	"run_doc_method": "write",
	"frappe.handler.run_doc_method": "write",
	"frappe.api.v2.run_doc_method": "write",
	"frappe.desk.reportview.export_query": "export",
	"frappe.utils.print_format.download_pdf": "print",
	"upload_file": "write",
	"frappe.handler.upload_file": "write",
	"frappe.client.attach_file": "write",
}
# Whitelisted methods that read data without any permission check: only a token that acts as the
# full user may call them (frappe.desk.reportview.get_count counts what the user may see).
FULL_USER_METHODS = frozenset({"frappe.client.get_count"})
# Read methods and REST endpoints whose parameters Frappe writes into SQL as column names.
COLUMN_READING_METHODS = frozenset(
	{
		"frappe.client.get_list",
		"frappe.client.get",
		"frappe.client.get_value",
		"frappe.client.get_single_value",
		"frappe.client.validate_link",
		"frappe.desk.reportview.get",
		"frappe.desk.reportview.get_list",
		"frappe.desk.reportview.get_count",
		"frappe.desk.reportview.export_query",
		"frappe.desk.search.search_link",
		"frappe.desk.search.search_widget",
	}
)
COLUMN_READING_ACTIONS = frozenset({"list", "read", "count"})
# Of those, the ones that read a plain string of `filters` as a record's name.
RECORD_NAMING_METHODS = frozenset({"frappe.client.get_value", "frappe.client.get"})
UPLOAD_METHODS = frozenset({"upload_file", "frappe.handler.upload_file", "frappe.client.attach_file"})
RUN_DOC_METHODS = frozenset(
	{"run_doc_method", "frappe.handler.run_doc_method", "frappe.api.v2.run_doc_method"}
)
# Whitelisted methods that call another whitelisted method named in one of their parameters.
DELEGATING_METHODS = {
	"upload_file": "method",
	"frappe.handler.upload_file": "method",
	"frappe.desk.search.search_link": "query",
	"frappe.desk.search.search_widget": "query",
}
# The methods that the scope table's DocType scopes govern: a client's method table may not list them.
DOCTYPE_SCOPED_METHODS = frozenset({*DATA_METHODS, *DOCUMENT_METHODS, *DOCTYPE_METHODS, *FULL_USER_METHODS})
# What each of Frappe's REST document endpoints (routing.DOCUMENT_ACTIONS) needs of the DocType in its
# path. Running a document's method may change it, whatever the HTTP method.
DOCUMENT_ACTION_PERMISSIONS = {
	"list": "read",
	"read": "read",
	"create": "create",
	"update": "write",
	"delete": "delete",
	"run_method": "write",
	"meta": "read",
	"count": "read",
}
# Of those, the ones that check no permission on each record: the DocType in the path decides even
# for child tables.
DOCUMENT_ACTIONS_WITHOUT_RECORD_CHECKS = frozenset({"run_method", "meta", "count"})

# The effective access of the current request ---------------------------------------------------------


def client_scopes(client) -> access_rules.ClientScopes:
	"""A client's scope configuration, read from its document."""
	permissions = access_rules.PERMISSIONS
	return access_rules.ClientScopes(
		doctypes={
			row.document_type: frozenset(p for p in permissions if row.get(p)) for row in client.scopes
		},
		methods=frozenset(row.method for row in client.methods),
		named={row.scope_name: tuple(scope_rules.parse(row.includes)) for row in client.named_scopes},
		other=frozenset(scope_rules.parse(client.allowed_scopes)),
		full_user_access=bool(client.full_user_access),
	)


CLIENT_SCOPES_CACHE = "oauth_idp:client_scopes"


def cached_client_scopes(client_id: str) -> access_rules.ClientScopes:
	"""A client's scope configuration from Redis; IdP Client.on_update clears it."""
	return frappe.cache.hget(
		CLIENT_SCOPES_CACHE, client_id, lambda: client_scopes(frappe.get_doc("IdP Client", client_id))
	)


def current_access() -> access_rules.Access | None:
	"""What the current request's token may touch, or None when no token authenticated it."""
	token = getattr(frappe.local, "oauth_access", None)
	if token is None:
		return None
	cached = getattr(frappe.local, "oauth_scope_access", None)
	if cached is None:
		if access_rules.acts_as_full_user(
			token.scopes, token.client_allowed_scopes, token.client_full_user_access
		):
			cached = access_rules.FULL_ACCESS  # known from the token lookup itself
		else:
			cached = cached_client_scopes(token.client).access(token.scopes, token.reach)
		frappe.local.oauth_scope_access = cached
	return cached


def deny(scope: str) -> None:
	"""Remember the first scope a request lacked; after_request names it in the 403."""
	if not getattr(frappe.local, "oauth_missing_scope", None):
		frappe.local.oauth_missing_scope = scope


# What the request calls ------------------------------------------------------------------------------


def method_scope_needed(method: str, access: access_rules.Access, delegated: bool = False) -> str | None:
	"""The scope a token lacks to call `method`, or None if it may.

	A method that another one calls for the request (DELEGATING_METHODS) needs its own method scope:
	link search hands it arguments in positions of its own, which the checks on the request's
	parameters never see. So a data method or a provider endpoint, which no method scope grants, is
	never called that way, whatever a client's method table says."""
	if delegated:
		if routing.same_function(method, DOCTYPE_SCOPED_METHODS) or routing.provider_endpoint(method):
			return scope_rules.ALL
		return None if access.allows_method(method) else access_rules.method_scope(method)
	form = frappe.form_dict
	parameter = DELEGATING_METHODS.get(method)
	if parameter and (delegate := form.get(parameter)):
		if needed := method_scope_needed(str(delegate), access, delegated=True):
			return needed
		if method in UPLOAD_METHODS:
			return None  # upload_file hands the file to that method, which decides what it does
	if method in FULL_USER_METHODS:
		return None if access.full else scope_rules.ALL
	if method in DATA_METHODS:
		permission, doctype = DATA_METHODS[method], _named_doctype(form.get("doctype"))
		if doctype is None or frappe.is_table(doctype):
			return None  # the permission checks on the records decide
		return _doctype_scope_needed(access, doctype, permission)
	if method in DOCUMENT_METHODS:
		parameter, permission = DOCUMENT_METHODS[method]
		for document in _documents(form.get(parameter)):
			if needed := _document_scope_needed(access, document, permission):
				return needed
		return None
	if method in DOCTYPE_METHODS:
		permission = DOCTYPE_METHODS[method]
		doctype = _requested_doctype(method)
		if doctype is None and method in UPLOAD_METHODS:
			doctype, permission = "File", "create"  # a file attached to no document
		return _doctype_scope_needed(access, doctype or "DocType", permission)
	return None if access.allows_method(method) else access_rules.method_scope(method)


def document_scope_needed(route: routing.Route, access: access_rules.Access) -> str | None:
	"""The scope a token lacks for one of Frappe's REST document endpoints, or None."""
	if route.action not in DOCUMENT_ACTIONS_WITHOUT_RECORD_CHECKS and frappe.is_table(route.doctype):
		return None  # a child row belongs to its parent: the permission checks on the rows decide
	return _doctype_scope_needed(access, route.doctype, DOCUMENT_ACTION_PERMISSIONS[route.action])


def _documents(value) -> list[dict]:
	"""The documents a data method is given: one, or a list (insert_many), as objects or JSON."""
	if isinstance(value, str):
		try:
			value = json.loads(value)
		except ValueError:
			raise errors.InvalidRequestError(description="A document must be a JSON object.") from None
	documents = value if isinstance(value, list) else [value] if value is not None else []
	if not all(isinstance(document, dict) for document in documents):
		raise errors.InvalidRequestError(description="A document must be a JSON object.")
	return documents


def _document_scope_needed(access: access_rules.Access, document: dict, permission: str) -> str | None:
	doctype = _named_doctype(document.get("doctype"))
	if doctype is None or doctype == "File":
		return None  # a File's scope follows its attachment: the permission checks on the records decide
	if frappe.is_table(doctype):
		parent = _named_doctype(document.get("parenttype"))
		owner = parent if parent and owns_table(parent, doctype) else doctype
		return _doctype_scope_needed(access, owner, "write")
	return _doctype_scope_needed(access, doctype, permission)


def _doctype_scope_needed(access: access_rules.Access, doctype: str, permission: str) -> str | None:
	return None if access.allows(doctype, permission) else access_rules.doctype_scope(doctype, permission)


def _requested_doctype(method: str) -> str | None:
	"""The DocType a DOCTYPE_METHODS call acts on, read from the parameter that method itself uses."""
	form = frappe.form_dict
	if method not in RUN_DOC_METHODS:
		return _named_doctype(form.get("doctype"))
	if method == "frappe.api.v2.run_doc_method":
		document = form.get("document")  # v2 reads only this
	elif form.get("dt"):
		return _named_doctype(form.dt)  # frappe.handler.run_doc_method prefers dt/dn over docs
	else:
		document = form.get("docs")
	if isinstance(document, str):
		try:
			document = json.loads(document)
		except ValueError:
			return None
	return _named_doctype(document.get("doctype")) if isinstance(document, dict) else None


def _named_doctype(value) -> str | None:
	"""A DocType named by a request parameter; anything but a name is a malformed request."""
	if value is None or isinstance(value, str):
		return value or None
	raise errors.InvalidRequestError(description="A doctype parameter must be the name of a DocType.")


def path_scope_needed(route: routing.Route, access: access_rules.Access) -> str | None:
	"""The scope a token lacks for a request that calls no method and no document endpoint."""
	path = frappe.request.path
	if route.unknown:
		return scope_rules.ALL  # an API endpoint this app cannot see into
	if path.startswith("/private/files/"):
		# A private file belongs to the documents it is attached to (or to File, if to none); Frappe
		# serves it if any File of that URL may be read, and the permission check decides each one.
		doctypes = frappe.get_all("File", {"file_url": path}, pluck="attached_to_doctype") or [None]
		doctypes = [doctype or "File" for doctype in doctypes]
		if any(access.allows(doctype, "read") for doctype in doctypes):
			return None
		return access_rules.doctype_scope(doctypes[0], "read")
	if path.startswith("/api/"):
		return None  # no such endpoint: Frappe answers 404 or 405 and runs nothing
	# Desk and website pages render whatever the user may see (Desk's boot carries the roles,
	# settings and permissions): only a token that acts as the full user gets them.
	return scope_rules.ALL


def check_request(route: routing.Route) -> None:
	"""Called once a token authenticated the request: may it call what the route says it calls?
	Raises the OAuth error that answers the request if not."""
	access = current_access()
	if access.full:
		return
	install_permission_guard()
	if routing.provider_endpoint(route.method):
		return  # the provider's endpoints decide for themselves (userinfo needs `openid`)
	# The name under which this app knows the function the request calls, if it is a data method.
	method = route.method and (routing.same_function(route.method, DOCTYPE_SCOPED_METHODS) or route.method)
	# A scoped token acts with all of its user's permissions, user permissions included.
	for parameter in WIDENING_PARAMETERS:
		frappe.form_dict.pop(parameter, None)
	if method in COLUMN_READING_METHODS or route.action in COLUMN_READING_ACTIONS:
		if problem := query_fields.problem(frappe.form_dict, method in RECORD_NAMING_METHODS):
			raise errors.InvalidRequestError(description=problem)
	if method:
		needed = method_scope_needed(method, access)
	elif route.doctype:
		needed = document_scope_needed(route, access)
	else:
		needed = path_scope_needed(route, access)
	if needed:
		raise errors.InsufficientScopeError(needed)


# Permission checks -----------------------------------------------------------------------------------


CHANGES = frozenset({"write", "create", "delete"})


def scope_checks(
	doctype: str, ptype: str, doc=None, parent_doctype: str | None = None
) -> list[tuple[str, str]]:
	"""The (DocType, permission) pairs whose scopes a permission check needs.

	A file is reached through the documents it is attached to, and a child row through its parent:
	both the one stored and the one the request names, so a file or a row cannot be moved to or from,
	or read under, a document out of scope. A change to either is a change to that document. A parent
	that has no such table is no parent: the check is then on the child table, which no scope grants.
	A File whose URL or privacy the request sets is File's own business (a File of an existing private
	URL opens that file to whoever may read the File's document)."""
	changes = ptype in CHANGES
	if doctype == "File":
		stored = _stored(doc, "File", ("attached_to_doctype", "file_url", "is_private"))
		attached = _present(
			getattr(stored, "attached_to_doctype", None), getattr(doc, "attached_to_doctype", None)
		)
		checks = [(target, "write" if changes else ptype) for target in attached]
		if changes and getattr(doc, "file_url", None) and _points_elsewhere(doc, stored):
			checks.append(("File", ptype))
		return checks or [("File", ptype)]
	if frappe.is_table(doctype):
		stored = _stored(doc, doctype, ("parenttype",))
		claimed = getattr(doc, "parenttype", None) or parent_doctype
		parents = _present(getattr(stored, "parenttype", None), claimed) or [doctype]
		return [
			(parent if owns_table(parent, doctype) else doctype, "write" if changes else ptype)
			for parent in parents
		]
	return [(doctype, ptype)]


def _stored(doc, doctype: str, fields: tuple[str, ...]):
	name = getattr(doc, "name", None)
	return frappe.db.get_value(doctype, name, fields, as_dict=True) if name else None


def _present(*doctypes) -> list[str]:
	return list(dict.fromkeys(doctype for doctype in doctypes if doctype))


def _points_elsewhere(doc, stored) -> bool:
	return (
		stored is None
		or stored.file_url != doc.file_url
		or bool(int(stored.is_private or 0)) != bool(int(getattr(doc, "is_private", 0) or 0))
	)


def owns_table(parent: str, child: str) -> bool:
	meta = frappe.get_meta(parent)
	return not meta.istable and any(field.options == child for field in meta.get_table_fields())


def scope_allows(doctype, ptype: str = "read", doc=None, user=None, parent_doctype=None) -> bool:
	access = current_access()
	if access is None or access.full or (user and user != frappe.session.user):
		return True
	if not isinstance(doctype, str):  # frappe.permissions.has_permission accepts a document first
		doc, doctype = doctype, doctype.doctype
	checks = scope_checks(doctype, ptype, doc if not isinstance(doc, str | int) else None, parent_doctype)
	if checks == [("File", ptype)] and doc is None and (method := _called_upload_method()):
		checks = [
			(_requested_doctype(method) or "File", "write")
		]  # an upload's File is attached to this document
	for target, permission in checks:
		if not access.allows(target, permission):
			deny(access_rules.doctype_scope(target, access_rules.scope_permission(permission)))
			return False
	return True


def _called_upload_method() -> str | None:
	"""The name this app knows the request's upload method by, if it calls one."""
	method = routing.called_method()
	return routing.same_function(method, UPLOAD_METHODS) if method else None


def stored_version(doctype, ptype: str, doc):
	"""For a scoped token's change to a document that exists: that document as stored. Frappe checks
	a change against the values the request sends, so a request could name itself the owner of
	another user's record; the stored one must allow the change too."""
	access = current_access()
	if access is None or access.full or ptype not in ("write", "delete", "submit", "cancel"):
		return None
	if not isinstance(doctype, str):
		doc, doctype = doctype, doctype.doctype
	name = getattr(doc, "name", None)
	if not name or isinstance(doc, str | int) or not frappe.db.exists(doctype, name):
		return None
	return frappe.get_doc(doctype, name)


def child_rows_in_scope(user=None, doctype=None) -> str:
	"""permission_query_conditions "*": a token lists a child table's rows only under parent records
	its scopes and its user's permissions let it read. Frappe's query of a child table filters on no
	parent at all, and asks only for read on the parent DocType: without this, the rows of every
	DocType that shares the table, and of every record of the parent, would come back."""
	access = current_access()
	if access is None or access.full or not doctype or not frappe.is_table(doctype):
		return ""
	table = f"`tab{doctype}`"
	readable = []
	for parent in access.doctypes:
		if access.allows(parent, "read") and owns_table(parent, doctype) and frappe.has_permission(parent):
			records = frappe.get_list(parent, fields=["name"], run=False)  # with the user's conditions
			readable.append(
				f"({table}.`parenttype` = {frappe.db.escape(parent)} and {table}.`parent` in ({records}))"
			)
	return "(" + " or ".join(readable) + ")" if readable else "1=0"


@functools.cache
def install_permission_guard() -> None:
	"""Wrap frappe.permissions.has_permission, once per process. It decides from frappe.local, so
	requests without a token pass straight through."""
	original = frappe.permissions.has_permission

	@functools.wraps(original)
	def has_permission(doctype, ptype="read", doc=None, user=None, *args, **kwargs):
		if not scope_allows(doctype, ptype, doc, user, kwargs.get("parent_doctype")):
			return False
		if not original(doctype, ptype, doc, user, *args, **kwargs):
			return False
		stored = stored_version(doctype, ptype, doc)
		if stored is None:
			return True
		if not isinstance(doctype, str):  # has_permission(document, ptype): the document came first
			return original(stored, ptype, None, user, *args, **kwargs)
		return original(doctype, ptype, stored, user, *args, **kwargs)

	# Modules that imported the function by name (frappe.desk.search, frappe.share, …) hold the
	# original too; modules imported later get the wrapper from frappe.permissions.
	for module in list(sys.modules.values()):
		if getattr(module, "has_permission", None) is original:
			module.has_permission = has_permission


def check_save(doc, method=None) -> None:
	"""doc_events validate: what a scoped token's save may not do, though Frappe would let it."""
	access = current_access()
	if access is None or access.full or doc.flags.ignore_permissions:
		return
	_check_child_rows(doc)
	_check_attached_files(doc, access)


def _check_attached_files(doc, access: access_rules.Access) -> None:
	"""Frappe attaches the file an Attach field names to the saved document when it saves it, moving
	an unattached File or making a new File of that URL, with no permission check: so a save could
	take any file. A token may name a file attached to this document already, or one its user
	uploaded unattached; any other needs File's own scope."""
	before = doc.get_doc_before_save()
	for field in doc.meta.get("fields", {"fieldtype": ["in", ["Attach", "Attach Image"]]}):
		url = doc.get(field.fieldname)
		if not (url or "").startswith(("/files", "/private/files")):
			continue
		if before is not None and before.get(field.fieldname) == url:
			continue
		files = frappe.get_all(
			"File", {"file_url": url}, ["attached_to_doctype", "attached_to_name", "owner"]
		)
		if any(_may_attach(file, doc) for file in files) or access.allows("File", "create"):
			continue
		deny(access_rules.doctype_scope("File", "create"))
		frappe.throw(
			frappe._("{0} names a file this request may not attach.").format(field.label),
			frappe.PermissionError,
		)


def _may_attach(file, doc) -> bool:
	if file.attached_to_doctype:
		return (file.attached_to_doctype, file.attached_to_name) == (doc.doctype, doc.name)
	return file.owner == frappe.session.user


def _check_child_rows(doc) -> None:
	"""Frappe re-parents a child row a save names, whatever document it belonged to, and checks no
	permission on that document."""
	for field in doc.meta.get_table_fields():
		names = [row.name for row in doc.get(field.fieldname) or [] if row.name]
		if not names:
			continue
		fields = ["name", "parent", "parenttype", "parentfield"]
		for row in frappe.get_all(field.options, filters={"name": ["in", names]}, fields=fields):
			if (row.parent, row.parenttype, row.parentfield) != (doc.name, doc.doctype, field.fieldname):
				frappe.throw(
					frappe._("Row {0} of {1} belongs to another document.").format(row.name, field.options),
					frappe.PermissionError,
				)


def check_delete(doc, method=None) -> None:
	"""doc_events on_trash: the Administrator's deletes skip permission checks, not scopes."""
	if doc.flags.ignore_permissions or scope_allows(doc.doctype, "delete", doc):
		return
	frappe.throw(
		frappe._("This token's scope does not allow deleting {0}.").format(doc.doctype),
		frappe.PermissionError,
	)


# The answer ------------------------------------------------------------------------------------------


def explain_denial(response=None, request=None) -> None:
	"""after_request: a 403 caused by a missing scope becomes an RFC 6750 §3.1 insufficient_scope."""
	scope = getattr(frappe.local, "oauth_missing_scope", None)
	if not scope or response is None or response.status_code != 403:
		return
	_status, headers, body = errors.resource_error_response(errors.InsufficientScopeError(scope))
	response.set_data(body)
	response.headers.update(headers)
