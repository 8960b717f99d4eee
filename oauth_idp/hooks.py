app_name = "oauth_idp"
app_title = "OAuth IdP"
app_publisher = "oauth_idp developers"
app_description = "A standards-grade OAuth 2.1 and OpenID Connect provider for Frappe sites"
app_email = "oauth-idp@example.com"
app_license = "mit"

# The map of the app: every place it plugs into Frappe is listed here.

# Installation ----------------------------------------------------------------------------------------
# Built-in OAuth clients and their live tokens move over (oauth_idp/install.py).
after_install = "oauth_idp.install.after_install"
before_uninstall = "oauth_idp.install.before_uninstall"

# Endpoints -------------------------------------------------------------------------------------------
# The built-in provider's URLs keep working, answered by this app. Its own names are
# /api/method/oauth_idp.api.<module>.<function>.
override_whitelisted_methods = {
	"frappe.integrations.oauth2.authorize": "oauth_idp.api.authorize.authorize",
	"frappe.integrations.oauth2.approve": "oauth_idp.api.authorize.approve",
	"frappe.integrations.oauth2.get_token": "oauth_idp.api.token.get_token",
	"frappe.integrations.oauth2.revoke_token": "oauth_idp.api.revoke.revoke_token",
	"frappe.integrations.oauth2.introspect_token": "oauth_idp.api.introspect.introspect_token",
	"frappe.integrations.oauth2.openid_profile": "oauth_idp.api.userinfo.openid_profile",
	"frappe.integrations.oauth2.openid_configuration": "oauth_idp.api.discovery.openid_configuration",
}

# Requests --------------------------------------------------------------------------------------------
before_request = [
	# /.well-known/* discovery documents, ahead of Frappe's own redirect.
	"oauth_idp.api.discovery.serve_well_known",
	# The provider's URLs run their own endpoint, whatever a `cmd` parameter says, and only they do.
	"oauth_idp.provider.routing.keep_provider_endpoints_to_their_urls",
	# Client credentials for the OAuth endpoints; bearer tokens everywhere else.
	"oauth_idp.provider.guard.read_authorization_header",
]

# Scope enforcement (provider/enforcement.py) -----------------------------------------------------------
# Deletes by the Administrator skip permission checks, so their scope is checked here; a save may not
# take over the child rows of another document, nor attach a file it may not reach.
doc_events = {
	"*": {
		"validate": "oauth_idp.provider.enforcement.check_save",
		"on_trash": "oauth_idp.provider.enforcement.check_delete",
	}
}
# Lists of a child table hold only the rows of parents the token may read.
permission_query_conditions = {"*": "oauth_idp.provider.enforcement.child_rows_in_scope"}
# A 403 for a missing scope becomes an RFC 6750 insufficient_scope answer.
after_request = [
	"oauth_idp.provider.enforcement.explain_denial",
	# The OAuth endpoints answer with OAuth errors even when Frappe fails before they run.
	"oauth_idp.provider.responses.replace_framework_errors",
	# Authorization requests and consent forms that Frappe's CSRF check stopped.
	"oauth_idp.api.authorize.answer_stopped_requests",
]

# Sessions --------------------------------------------------------------------------------------------
# The login time of each session, for the id_token's auth_time.
on_session_creation = "oauth_idp.provider.identity.remember_login_time"

# Scheduler -------------------------------------------------------------------------------------------
scheduler_events = {
	"hourly": ["oauth_idp.provider.store.purge_expired"],
}
