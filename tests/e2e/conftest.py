"""Test data for the end-to-end tests, made with Frappe itself in the pytest process.

The site is served by serve_site.py (scripts/test starts it); OAUTH_IDP_E2E_URL, OAUTH_IDP_BENCH and
OAUTH_IDP_SITE say where. Everything made here is deleted when the session ends.
"""

import os
import secrets

import oauth_e2e
import pytest
import requests
from oauth_e2e import BASE, BENCH, SITE, TIMEOUT, Client, remember


def pytest_configure(config):
	# rauth 0.7 has invalid escape sequences in its docstrings.
	config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning")


def pytest_collection_modifyitems(items):
	# The database dump check reads what every other test left behind: it runs last.
	items.sort(key=lambda item: "test_zz_" in item.nodeid)


@pytest.fixture(scope="session")
def site():
	"""Frappe, connected to the site under test as Administrator."""
	import frappe

	sites_path = os.path.join(BENCH, "sites")
	cwd = os.getcwd()
	os.chdir(sites_path)  # Frappe finds its logs folder from the working directory, as bench does
	frappe.init(site=SITE, sites_path=sites_path)
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		response = requests.get(BASE + "/api/method/ping", timeout=TIMEOUT)
	except requests.RequestException as error:
		pytest.exit(f"the e2e server at {BASE} does not answer: {error}", returncode=2)
	assert response.status_code == 200
	created: list[tuple[str, str]] = []
	frappe.flags.e2e_created = created
	yield frappe
	frappe.db.rollback()
	frappe.set_user("Administrator")
	# Clients first: deleting one deletes its grants, codes, tokens and consents.
	order = {"IdP Client": 0, "ToDo": 1, "User": 2}
	for doctype, name in sorted(reversed(created), key=lambda row: order.get(row[0], 9)):
		if frappe.db.exists(doctype, name):
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True, delete_permanently=True)
	frappe.db.commit()
	frappe.destroy()
	os.chdir(cwd)


def _created(frappe, doctype: str, name: str) -> None:
	frappe.flags.e2e_created.append((doctype, name))


@pytest.fixture(scope="session")
def seen():
	"""Every plaintext secret, code and token seen during the session (see test_zz_database_dump)."""
	return oauth_e2e.SEEN


@pytest.fixture(scope="session")
def redirect_port():
	return oauth_e2e.unused_port()


def _make_user(frappe, label: str):
	email = f"e2e-{label}-{secrets.token_hex(4)}@example.com"
	password = "E2e-" + secrets.token_urlsafe(18)
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": "Erin",
			"last_name": f"Tester {label.title()}",
			"send_welcome_email": 0,
			"new_password": password,
			"simultaneous_sessions": 50,
			# A desk user without System Manager: the ToDo list shows only the user's own ToDos.
			"roles": [{"role": "Desk User"}],
		}
	).insert(ignore_permissions=True)
	_created(frappe, "User", user.name)
	frappe.db.commit()

	class TestUser:
		pass

	test_user = TestUser()
	test_user.email = email
	test_user.password = password
	test_user.full_name = user.full_name
	return test_user


@pytest.fixture(scope="session")
def test_user(site):
	"""A desk user with a random password and one ToDo of their own."""
	frappe = site
	user = _make_user(frappe, "main")
	frappe.set_user(user.email)
	try:
		todo = frappe.get_doc(
			{"doctype": "ToDo", "description": f"e2e todo {secrets.token_hex(4)}", "allocated_to": user.email}
		).insert()
	finally:
		frappe.set_user("Administrator")
	_created(frappe, "ToDo", todo.name)
	frappe.db.commit()
	user.todo_name = todo.name
	user.todo_description = todo.description
	return user


@pytest.fixture(scope="session")
def make_user(site):
	"""Another user, for tests that change the user (disable it)."""
	return lambda label: _make_user(site, label)


@pytest.fixture(scope="session")
def user_session(test_user):
	"""A requests session logged in as the test user."""
	return oauth_e2e.login(test_user.email, test_user.password)


@pytest.fixture(scope="session")
def admin_session(site):
	return oauth_e2e.login("Administrator", "admin")


@pytest.fixture(scope="session")
def make_client(site, redirect_port):
	"""make_client(**fields) -> Client: a new IdP Client, committed, deleted at session end."""
	frappe = site

	def make(redirect_uris: list[str] | None = None, **fields) -> Client:
		redirect_uris = redirect_uris or [f"http://127.0.0.1:{redirect_port}/cb"]
		values = {
			"doctype": "IdP Client",
			"app_name": f"E2E App {secrets.token_hex(3)}",
			"client_type": "Confidential",
			"redirect_uris": "\n".join(redirect_uris),
			"allowed_scopes": "openid all",
			"skip_consent": 0,
			"allow_refresh_token": 1,
			"allow_plain_pkce": 0,
			"access_token_lifetime": 3600,
			"refresh_token_lifetime": 2592000,
			"code_lifetime": 60,
		}
		values.update(fields)
		doc = frappe.get_doc(values).insert(ignore_permissions=True)
		frappe.db.commit()
		_created(frappe, "IdP Client", doc.name)
		secret = doc.client_secret
		if values["client_type"] == "Confidential":
			assert secret, "a confidential client got no secret on insert"
		remember(secret)
		return Client(doc.client_id, secret, redirect_uris, doc.client_type, doc.app_name)

	return make


@pytest.fixture(scope="session")
def track_client(site):
	"""Register a client made over REST for deletion at session end."""
	return lambda name: _created(site, "IdP Client", name)
