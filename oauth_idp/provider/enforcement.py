"""Scope enforcement: a request authenticated by an OAuth token may do only what is in both the
token's scopes and the user's role permissions, and the scope check comes first.

The decisions are oauth_idp.protocol.access; this module finds the places in Frappe to ask them:

- the whitelisted method a request calls (checked in guard.read_authorization_header);
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
import re
import sys

import frappe
import frappe.permissions

from oauth_idp.protocol import access as access_rules
from oauth_idp.protocol import errors
from oauth_idp.protocol import scopes as scope_rules
from oauth_idp.provider.responses import reject_request
from oauth_idp.provider.routing import called_method

# Whitelisted methods that only reach data through Frappe's permission checks, which the wrapper
# below holds to the token's scopes. Any other method needs a method scope.
DATA_METHODS = frozenset(
	{
		"frappe.client.get_list",
		"frappe.client.get",
		"frappe.client.get_value",
		"frappe.client.get_single_value",
		"frappe.client.set_value",
		"frappe.client.insert",
		"frappe.client.insert_many",
		"frappe.client.save",
		"frappe.client.submit",
		"frappe.client.cancel",
		"frappe.client.delete",
		"frappe.client.validate_link",
		"frappe.desk.reportview.get",
		"frappe.desk.reportview.get_list",
		"frappe.desk.reportview.get_count",
		"frappe.desk.form.load.getdoc",
		"frappe.desk.form.save.savedocs",
		"frappe.desk.form.save.cancel",
	}
)
# Whitelisted methods that act on a DocType named in the request, and the scope permission each needs
# on it. Frappe checks these in other ways, or not at all: running a document's method may change
# it; get_count counts without a permission check; export is checked only against roles; an upload
# changes the document it is attached to; link search runs DocTypes' own search queries, which may
# not check permissions (User's does not).
DOCTYPE_METHODS = {
	"frappe.desk.search.search_link": "read",
	"frappe.desk.search.search_widget": "read",
	"run_doc_method": "write",
	"frappe.handler.run_doc_method": "write",
	"frappe.client.get_count": "read",
	"frappe.desk.reportview.export_query": "export",
	"frappe.utils.print_format.download_pdf": "print",
	"upload_file": "write",
	"frappe.handler.upload_file": "write",
	"frappe.client.attach_file": "write",
}
UPLOAD_METHODS = frozenset({"upload_file", "frappe.handler.upload_file", "frappe.client.attach_file"})
RUN_DOC_METHODS = frozenset({"run_doc_method", "frappe.handler.run_doc_method"})
# /api/resource/<doctype>/<name>?run_method=… and /api/v2/document/<doctype>/<name>/method/<method>
_DOCUMENT_METHOD_PATH = re.compile(
	r"^/api/(?:v1/)?resource/([^/]+)/.+$|^/api/v2/document/([^/]+)/.+/method/[^/]+/?$"
)
# /api/v2/doctype/<doctype>/meta and /count
_DOCTYPE_PATH = re.compile(r"^/api/v2/doctype/([^/]+)/(?:meta|count)/?$")
# The provider's own endpoints decide for themselves (userinfo needs `openid`).
OAUTH_METHOD_PREFIXES = ("frappe.integrations.oauth2.", "oauth_idp.api.")

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
			cached = cached_client_scopes(token.client).access(token.scopes)
		frappe.local.oauth_scope_access = cached
	return cached


def deny(scope: str) -> None:
	"""Remember the first scope a request lacked; after_request names it in the 403."""
	if not getattr(frappe.local, "oauth_missing_scope", None):
		frappe.local.oauth_missing_scope = scope


# The called method -----------------------------------------------------------------------------------


def method_scope_needed(method: str, access: access_rules.Access) -> str | None:
	"""The scope a token lacks to call `method`, or None if it may."""
	if method.startswith(OAUTH_METHOD_PREFIXES) or method in DATA_METHODS:
		return None
	if method in UPLOAD_METHODS and frappe.form_dict.get("method"):
		# upload_file hands the file to any whitelisted method named in the request.
		return method_scope_needed(frappe.form_dict.method, access)
	if method in DOCTYPE_METHODS:
		permission = DOCTYPE_METHODS[method]
		doctype = _requested_doctype(method)
		if doctype is None and method in UPLOAD_METHODS:
			doctype, permission = "File", "create"  # a file attached to no document
		if doctype and access.allows(doctype, permission):
			return None
		return access_rules.doctype_scope(doctype or "DocType", permission)
	return None if access.allows_method(method) else access_rules.method_scope(method)


def _requested_doctype(method: str) -> str | None:
	"""The DocType a DOCTYPE_METHODS call acts on, read from the parameter that method itself uses."""
	form = frappe.form_dict
	if method not in RUN_DOC_METHODS:
		return form.get("doctype")
	if form.get("dt"):
		return form.dt  # run_doc_method prefers dt/dn over docs
	document = form.get("docs") or form.get("document")
	if isinstance(document, str):
		try:
			document = json.loads(document)
		except ValueError:
			return None
	return document.get("doctype") if isinstance(document, dict) else None


def path_scope_needed(access: access_rules.Access) -> str | None:
	"""The scope a token lacks for a request that names no whitelisted method, or None."""
	path = frappe.request.path
	if not path.startswith(("/api/", "/private/files/")):
		# Desk and website pages render whatever the user may see (Desk's boot carries the roles,
		# settings and permissions): only a token that acts as the full user gets them.
		return scope_rules.ALL
	if path.startswith("/private/files/"):
		# A private file belongs to the document it is attached to (or to File, if to none).
		doctype = frappe.db.get_value("File", {"file_url": path}, "attached_to_doctype") or "File"
		permission = "read"
	elif (match := _DOCUMENT_METHOD_PATH.match(path)) and (
		match.group(2) or frappe.form_dict.get("run_method")
	):
		# Running a document's method may change it, whatever the HTTP method.
		doctype, permission = match.group(1) or match.group(2), "write"
	elif match := _DOCTYPE_PATH.match(path):
		doctype, permission = match.group(1), "read"
	else:
		return None
	return None if access.allows(doctype, permission) else access_rules.doctype_scope(doctype, permission)


def check_request() -> None:
	"""Called once a token authenticated the request: may it call what it calls?"""
	access = current_access()
	if access.full:
		return
	install_permission_guard()
	method = called_method()
	needed = method_scope_needed(method, access) if method else path_scope_needed(access)
	if needed:
		reject_request(errors.InsufficientScopeError(needed))


# Permission checks -----------------------------------------------------------------------------------


def resource_doctype(doctype: str, doc=None, parent_doctype: str | None = None) -> str:
	"""The DocType whose scope covers a permission check: child tables through their parent, files
	through the document they are attached to."""
	if doctype == "File" and getattr(doc, "attached_to_doctype", None):
		return doc.attached_to_doctype
	if frappe.is_table(doctype):
		return parent_doctype or getattr(doc, "parenttype", None) or doctype
	return doctype


def scope_allows(doctype, ptype: str = "read", doc=None, user=None, parent_doctype=None) -> bool:
	access = current_access()
	if access is None or access.full or (user and user != frappe.session.user):
		return True
	if not isinstance(doctype, str):  # frappe.permissions.has_permission accepts a document first
		doc, doctype = doctype, doctype.doctype
	target = resource_doctype(doctype, doc if not isinstance(doc, str | int) else None, parent_doctype)
	if target == "File" and doc is None and (method := called_method()) in UPLOAD_METHODS:
		target = _requested_doctype(method) or target  # an upload's File is attached to this document
	if doctype == "File" and target != "File" and ptype in ("write", "create", "delete"):
		ptype = "write"  # attaching to or detaching from a document changes it
	if access.allows(target, ptype):
		return True
	deny(access_rules.doctype_scope(target, access_rules.scope_permission(ptype)))
	return False


@functools.cache
def install_permission_guard() -> None:
	"""Wrap frappe.permissions.has_permission, once per process. It decides from frappe.local, so
	requests without a token pass straight through."""
	original = frappe.permissions.has_permission

	@functools.wraps(original)
	def has_permission(doctype, ptype="read", doc=None, user=None, *args, **kwargs):
		if not scope_allows(doctype, ptype, doc, user, kwargs.get("parent_doctype")):
			return False
		return original(doctype, ptype, doc, user, *args, **kwargs)

	# Modules that imported the function by name (frappe.desk.search, frappe.share, …) hold the
	# original too; modules imported later get the wrapper from frappe.permissions.
	for module in list(sys.modules.values()):
		if getattr(module, "has_permission", None) is original:
			module.has_permission = has_permission


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
