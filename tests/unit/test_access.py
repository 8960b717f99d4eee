"""Resource scopes: grammar, the client's scope table, and effective access (issue: scopes that
mean something). RFC 6749 §3.3 holds the grammar; the rest is this provider's documented rule:
scope restriction first, then role permissions."""

import pytest

from oauth_idp.protocol import access
from oauth_idp.protocol.access import Access, ClientScopes

TABLE = ClientScopes(
	doctypes={
		"ToDo": frozenset({"read", "write"}),
		"Sales Invoice": frozenset({"read", "create", "submit"}),
		"Project": frozenset({"read", "write"}),
	},
	methods=frozenset({"frappe.client.get_count"}),
	named={"project": ("Project:read", "Project:write", "ToDo:read")},
	other=frozenset({"openid", "all"}),
)


def consented_now(table: ClientScopes, scopes: list[str]) -> Access:
	"""The access of a token granted `scopes` by a consent given under `table` as it is now."""
	return table.access(scopes, table.reach(scopes))


def test_doctype_scope_writes_spaces_as_underscores_rfc6749_3_3():
	assert access.doctype_scope("Sales Invoice", "create") == "Sales_Invoice:create"
	assert " " not in access.doctype_scope("A B C", "read")


def test_requestable_scopes_come_from_the_table_names_and_allowed_scopes():
	assert TABLE.requestable() == {
		"ToDo:read",
		"ToDo:write",
		"Sales_Invoice:read",
		"Sales_Invoice:create",
		"Sales_Invoice:submit",
		"Project:read",
		"Project:write",
		"method:frappe.client.get_count",
		"project",
		"openid",
		"all",
	}


def test_a_token_reaches_only_what_its_scopes_name():
	reach = consented_now(TABLE, ["ToDo:read", "Sales_Invoice:create"])
	assert reach.allows("ToDo", "read")
	assert not reach.allows("ToDo", "write")
	assert reach.allows("Sales Invoice", "create")
	assert not reach.allows("Sales Invoice", "read")
	assert not reach.allows("Note", "read")
	assert not reach.allows_method("frappe.client.get_count")


def test_named_scope_expands_to_its_rows():
	reach = consented_now(TABLE, ["project"])
	assert reach.allows("Project", "write") and reach.allows("ToDo", "read")
	assert not reach.allows("ToDo", "write")


def test_method_scope_grants_only_that_method():
	reach = consented_now(TABLE, ["method:frappe.client.get_count"])
	assert reach.allows_method("frappe.client.get_count")
	assert not reach.allows_method("frappe.client.get_list")


@pytest.mark.parametrize(
	("ptype", "scope_permission"),
	[("select", "read"), ("email", "read"), ("share", "write"), ("amend", "create"), ("import", "create")],
)
def test_frappe_permission_types_map_to_scope_permissions(ptype, scope_permission):
	assert access.scope_permission(ptype) == scope_permission
	reach = consented_now(TABLE, ["ToDo:read", "ToDo:write", "Sales_Invoice:create"])
	doctype = "Sales Invoice" if scope_permission == "create" else "ToDo"
	assert reach.allows(doctype, ptype)


def test_all_is_the_full_user_only_where_the_client_allows_it():
	assert consented_now(TABLE, ["all"]).full
	without_all = ClientScopes(doctypes=TABLE.doctypes, other=frozenset({"openid"}))
	assert not consented_now(without_all, ["all"]).full


def test_legacy_clients_act_as_the_full_user_whatever_the_scopes():
	legacy = ClientScopes(other=frozenset({"project"}), full_user_access=True)
	reach = consented_now(legacy, ["project"])
	assert reach.full and reach.allows("Anything", "delete") and reach.allows_method("any.method")


def test_removing_a_row_takes_effect_on_existing_grants():
	granted = ["ToDo:read", "Sales_Invoice:create", "project"]
	reach = TABLE.reach(granted)  # consented before the table was narrowed
	narrowed = ClientScopes(
		doctypes={"ToDo": frozenset({"read"})}, named={"project": ("Project:read", "ToDo:read")}
	)
	now = narrowed.access(granted, reach)
	assert not now.allows("Sales Invoice", "create")
	assert not now.allows("Project", "read")
	assert now.allows("ToDo", "read")


def test_what_a_named_scope_gains_after_consent_is_not_granted():
	reach = TABLE.reach(["project"])
	assert reach == ["project", "Project:read", "Project:write", "ToDo:read"]
	widened = ClientScopes(
		doctypes={**TABLE.doctypes, "Note": frozenset({"read"})},
		named={"project": ("Project:read", "Project:write", "ToDo:read", "ToDo:write", "Note:read")},
	)
	now = widened.access(["project"], reach)
	assert now.allows("Project", "write") and now.allows("ToDo", "read")
	assert not now.allows("ToDo", "write") and not now.allows("Note", "read")
	assert widened.access(["project"], widened.reach(["project"])).allows("Note", "read"), "a new consent"


def test_a_scope_outside_the_grants_reach_is_not_granted():
	assert TABLE.access(["ToDo:read"], ["openid"]) == Access()


@pytest.mark.parametrize(
	("allowed", "user_roles", "allows"),
	[
		((), ("Guest",), True),
		(("Blogger",), ("Blogger", "All"), True),
		(("Blogger", "Accounts User"), ("Accounts User",), True),
		(("Blogger",), ("System Manager", "All"), False),
	],
)
def test_a_client_limited_to_roles_serves_only_users_with_one(allowed, user_roles, allows):
	assert access.roles_allow(allowed, user_roles) is allows


def test_a_scope_the_table_no_longer_grants_reaches_nothing():
	assert consented_now(TABLE, ["ToDo:delete", "Note:read", "method:frappe.other"]) == Access()


def test_configuration_problems_are_reported():
	clash = ClientScopes(doctypes={"A B": frozenset({"read"}), "A_B": frozenset({"read"})})
	assert any("share the scope name" in problem for problem in clash.problems())
	bad_named = ClientScopes(doctypes={"ToDo": frozenset({"read"})}, named={"openid": ("ToDo:write",)})
	problems = bad_named.problems()
	assert any("cannot be the name" in p for p in problems)
	assert any("does not grant" in p for p in problems)
	assert TABLE.problems() == []


def test_consent_words_name_the_action_and_the_doctype():
	assert TABLE.describe("ToDo:read") == "Read ToDo"
	assert TABLE.describe("Sales_Invoice:create") == "Create Sales Invoice"
	assert TABLE.describe("method:frappe.client.get_count") == "Call frappe.client.get_count"
	assert TABLE.describe("project") == "project: Read Project, Change Project, Read ToDo"
	assert TABLE.describe("openid") == "Confirm your identity (sign you in)"


def test_access_lines_list_everything_reached():
	assert consented_now(TABLE, ["project", "method:frappe.client.get_count"]).lines() == [
		"Read Project",
		"Change Project",
		"Read ToDo",
		"Call frappe.client.get_count",
	]
