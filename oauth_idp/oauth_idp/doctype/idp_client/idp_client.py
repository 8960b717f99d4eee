# Copyright (c) 2026, oauth_idp developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime
from frappe.utils.password import delete_all_passwords_for

from oauth_idp.protocol import capabilities, redirects
from oauth_idp.protocol import scopes as scope_rules
from oauth_idp.protocol.client_auth import CONFIDENTIAL
from oauth_idp.protocol.errors import OAuth2Error
from oauth_idp.protocol.tokens import new_client_id, new_token
from oauth_idp.provider import enforcement, routing, store

PROVIDER_MODULE = "OAuth IdP"
# DocTypes whose Write or Create reach far beyond their own records.
AS_GOOD_AS_ALL = {
	"User": "A token that may change or create Users can set their passwords, roles and API keys",
	"File": "A token that may change or create Files can make a File of any file's URL, and so read any file",
}


def is_whitelisted_method(method: str) -> bool:
	try:
		function = frappe.get_attr(method)
	except Exception:
		return False
	return getattr(function, "__func__", function) in frappe.whitelisted


class IdPClient(Document):
	def before_insert(self):
		if not self.client_id:
			self.client_id = new_client_id()

	def validate(self):
		for uri in redirects.parse_registered(self.redirect_uris):
			if problem := redirects.registration_problem(uri):
				frappe.throw(_("Redirect URI {0} {1}.").format(frappe.bold(uri), problem))
		if not redirects.parse_registered(self.redirect_uris):
			frappe.throw(_("Register at least one redirect URI."))
		try:
			self.allowed_scopes = scope_rules.join(scope_rules.parse(self.allowed_scopes))
			for row in self.named_scopes:
				row.includes = scope_rules.join(scope_rules.parse(row.includes))
		except OAuth2Error as error:
			frappe.throw(error.description)
		self.validate_scope_tables()
		self.set_allowed_role_names()
		configuration = enforcement.client_scopes(self)
		if problems := configuration.problems():
			frappe.throw("<br>".join(problems), title=_("Scope table"))
		if not self.full_user_access:
			if misplaced := sorted(scope for scope in configuration.other if ":" in scope):
				frappe.throw(
					_(
						"Allowed Scopes holds OpenID scopes and {0}. {1} reach nothing there: tick them in the Scope Table or add them to Whitelisted Methods."
					).format("<code>all</code>", ", ".join(misplaced))
				)
			meaningless = (
				configuration.other - {*scope_rules.RESERVED, scope_rules.ALL} - set(configuration.named)
			)
			if meaningless:
				frappe.msgprint(
					_("These allowed scopes reach nothing until you define them as named scopes: {0}").format(
						", ".join(sorted(meaningless))
					),
					indicator="orange",
				)
		if not 0 < (self.code_lifetime or 0) <= capabilities.MAX_CODE_LIFETIME:
			frappe.throw(
				_("The authorization code lifetime must be 1 to {0} seconds.").format(
					capabilities.MAX_CODE_LIFETIME
				)
			)
		if (self.access_token_lifetime or 0) <= 0 or (self.refresh_token_lifetime or 0) <= 0:
			frappe.throw(_("Token lifetimes must be positive."))

	def set_allowed_role_names(self):
		# Every bearer request checks the roles: one column of the client's row, not a second table.
		self.allowed_role_names = "\n".join(sorted(row.role for row in self.allowed_roles))

	def validate_scope_tables(self):
		for row in self.scopes:
			if warning := AS_GOOD_AS_ALL.get(row.document_type) if (row.write or row.create) else None:
				frappe.msgprint(
					_("{0}: it is as good as {1}. Grant it only to an app you would trust with that.").format(
						warning, "<code>all</code>"
					),
					indicator="orange",
				)
			meta = frappe.get_meta(row.document_type)
			if meta.module == PROVIDER_MODULE and not meta.custom:  # the provider's own DocTypes
				frappe.throw(
					_(
						"{0} belongs to this provider: a token may not reach its clients, grants or tokens."
					).format(frappe.bold(row.document_type))
				)
			if frappe.is_table(row.document_type):
				frappe.throw(
					_(
						"{0} is a child table: a token reaches its rows through the DocType they belong to."
					).format(frappe.bold(row.document_type))
				)
		for row in self.methods:
			if not is_whitelisted_method(row.method):
				frappe.throw(_("{0} is not a whitelisted method.").format(frappe.bold(row.method)))
			if routing.provider_endpoint(row.method):
				frappe.throw(
					_("{0} is an endpoint of this provider, not a method a token may call.").format(
						frappe.bold(row.method)
					)
				)
			if routing.same_function(row.method, enforcement.DOCTYPE_SCOPED_METHODS):
				frappe.throw(
					_("{0} is governed by the DocType scopes of the Scope Table: tick them there.").format(
						frappe.bold(row.method)
					)
				)

	def before_save(self):
		# A secret is never stored in this field; it is only shown once, after it is issued.
		self.client_secret = None

	def after_insert(self):
		if self.client_type == CONFIDENTIAL and not self.flags.secret_already_set:
			self.client_secret = self._issue_secret()

	def on_update(self):
		frappe.cache.hdel(enforcement.CLIENT_SCOPES_CACHE, self.name)
		if self.flags.in_insert:
			return
		if self.client_type == CONFIDENTIAL and not self.secret_issued_on:
			self.client_secret = self._issue_secret()  # it was public until now
		elif self.client_type != CONFIDENTIAL and self.secret_issued_on:
			delete_all_passwords_for(self.doctype, self.name)  # a public client has no secret
			self.db_set("secret_issued_on", None)

	def on_trash(self):
		frappe.cache.hdel(enforcement.CLIENT_SCOPES_CACHE, self.name)
		for doctype in (store.TOKEN, store.CODE, store.CONSENT, store.GRANT):
			frappe.db.delete(doctype, {"client": self.name})
		delete_all_passwords_for(self.doctype, self.name)

	def _issue_secret(self) -> str:
		secret = new_token()
		store.set_client_secret(self.name, secret)
		self.db_set("secret_issued_on", now_datetime())
		return secret

	@frappe.whitelist()
	def regenerate_secret(self) -> str:
		"""Issue a new secret (the old one stops working at once) and show it this one time."""
		self.check_permission("write")
		if self.client_type != CONFIDENTIAL:
			frappe.throw(_("Public clients have no secret."))
		return self._issue_secret()
