"""What a token may touch: Frappe resource scopes, a client's scope table, and the check made on
every request before role permissions ("scope restriction first, then user / role permissions").

Scope grammar (each is an RFC 6749 §3.3 scope-token):

    doctype-scope = doctype-name ":" permission     e.g.  ToDo:read   Sales_Invoice:create
    method-scope  = "method:" dotted-path           e.g.  method:frappe.client.get_count
    named-scope   = a client-defined name           e.g.  project

A space in a DocType name is written as "_" (scope tokens cannot hold spaces); names are resolved
against the client's own scope table, so "Sales_Invoice" means the row for "Sales Invoice".
permission is one of PERMISSIONS. Reserved scopes (scopes.RESERVED) and `all` keep their meaning.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from . import scopes as scope_rules

PERMISSIONS = ("read", "write", "create", "delete", "submit", "cancel", "report", "export", "print")
METHOD_PREFIX = "method:"

# Frappe's permission types that have no scope of their own, and the scope permission that covers them.
_PERMISSION_FOR_PTYPE = {
	"select": "read",
	"email": "read",
	"share": "write",
	"amend": "create",
	"import": "create",
}

_VERBS = {
	"read": "Read",
	"write": "Change",
	"create": "Create",
	"delete": "Delete",
	"submit": "Submit",
	"cancel": "Cancel",
	"report": "Run reports on",
	"export": "Export",
	"print": "Print",
}


def scope_permission(ptype: str) -> str:
	"""The scope permission a Frappe permission check needs."""
	return _PERMISSION_FOR_PTYPE.get(ptype, ptype)


def doctype_token(doctype: str) -> str:
	return doctype.replace(" ", "_")


def doctype_scope(doctype: str, permission: str) -> str:
	return f"{doctype_token(doctype)}:{permission}"


def method_scope(method: str) -> str:
	return METHOD_PREFIX + method


@dataclass(frozen=True)
class Access:
	"""The effective reach of one token, right now."""

	full: bool = False
	doctypes: Mapping[str, frozenset[str]] = field(default_factory=dict)
	methods: frozenset[str] = frozenset()

	def allows(self, doctype: str, ptype: str) -> bool:
		return self.full or scope_permission(ptype) in self.doctypes.get(doctype, ())

	def allows_method(self, method: str) -> bool:
		return self.full or method in self.methods

	def lines(self) -> list[str]:
		"""Plain words for everything this access reaches."""
		if self.full:
			return [scope_rules.describe(scope_rules.ALL)]
		lines = [
			f"{_VERBS[permission]} {doctype}"
			for doctype, permissions in sorted(self.doctypes.items())
			for permission in PERMISSIONS
			if permission in permissions
		]
		return lines + [f"Call {method}" for method in sorted(self.methods)]


def acts_as_full_user(
	granted: Iterable[str], client_other_scopes: Iterable[str], full_user_access: bool
) -> bool:
	"""A legacy client's tokens, and tokens granted `all` by a client that allows it, act as the user."""
	return full_user_access or (
		scope_rules.ALL in set(granted) and scope_rules.ALL in set(client_other_scopes)
	)


FULL_ACCESS = Access(full=True)


def roles_allow(allowed_roles: Iterable[str], user_roles: Iterable[str]) -> bool:
	"""A client limited to some roles serves only users who have one of them."""
	allowed = set(allowed_roles)
	return not allowed or bool(allowed & set(user_roles))


@dataclass(frozen=True)
class ClientScopes:
	"""A client's scope configuration: the scope table, granted methods, named scopes and the other
	scopes it may request (its `allowed_scopes`)."""

	doctypes: Mapping[str, frozenset[str]] = field(default_factory=dict)
	methods: frozenset[str] = frozenset()
	named: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
	other: frozenset[str] = frozenset()
	full_user_access: bool = False  # legacy: tokens act as the full user, whatever their scopes

	def _doctype_names(self) -> dict[str, str]:
		return {doctype_token(name): name for name in self.doctypes}

	def table_scopes(self) -> list[str]:
		"""Every doctype and method scope the table grants, in table order."""
		granted = [
			doctype_scope(name, permission)
			for name, permissions in self.doctypes.items()
			for permission in PERMISSIONS
			if permission in permissions
		]
		return granted + [method_scope(method) for method in sorted(self.methods)]

	def requestable(self) -> set[str]:
		return {*self.table_scopes(), *self.named, *self.other}

	def problems(self) -> list[str]:
		"""What is wrong with the configuration, in words an admin can act on."""
		found = []
		tokens: dict[str, str] = {}
		for name in self.doctypes:
			token = doctype_token(name)
			if token in tokens:
				found.append(f"DocTypes '{tokens[token]}' and '{name}' would share the scope name '{token}'.")
			tokens[token] = name
		table = set(self.table_scopes())
		for name, members in self.named.items():
			if name in scope_rules.RESERVED or name == scope_rules.ALL or ":" in name:
				found.append(f"'{name}' cannot be the name of a named scope.")
			for member in members:
				if member not in table:
					found.append(
						f"The named scope '{name}' includes '{member}', which the scope table does not grant."
					)
		return found

	def reach(self, scopes: Iterable[str]) -> list[str]:
		"""What a consent to `scopes` covers: the scopes, each named scope followed by what it
		includes now. A grant keeps it, so that what a named scope gains later is not granted."""
		covered = []
		for scope in scopes:
			covered.append(scope)
			covered.extend(self.named.get(scope, ()))
		return list(dict.fromkeys(covered))

	def access(self, granted: Iterable[str], reach: Iterable[str]) -> Access:
		"""What a token with these granted scopes, under a grant of this reach, may do now.

		Only what both the configuration and the reach still grant counts: removing a row from the
		table takes effect on existing tokens at once, and adding one widens none of them.
		"""
		granted = set(granted)
		if acts_as_full_user(granted, self.other, self.full_user_access):
			return FULL_ACCESS
		effective = set(self.reach(granted)) & set(reach)
		names = self._doctype_names()
		doctypes: dict[str, set[str]] = {}
		methods = set()
		for scope in effective:
			if scope.startswith(METHOD_PREFIX):
				method = scope[len(METHOD_PREFIX) :]
				if method in self.methods:
					methods.add(method)
				continue
			token, colon, permission = scope.rpartition(":")
			name = names.get(token) if colon else None
			if name is not None and permission in self.doctypes[name]:
				doctypes.setdefault(name, set()).add(permission)
		return Access(
			doctypes={name: frozenset(permissions) for name, permissions in doctypes.items()},
			methods=frozenset(methods),
		)

	def describe(self, scope: str) -> str:
		"""Plain words for one requested scope on the consent page."""
		if scope in self.named:
			members = self.named[scope]
			lines = self.access(members, members).lines()
			return f"{scope}: " + ", ".join(lines) if lines else scope
		if scope.startswith(METHOD_PREFIX) or ":" in scope:
			lines = ClientScopes(self.doctypes, self.methods).access([scope], [scope]).lines()
			if lines:
				return lines[0]
		return scope_rules.describe(scope)
