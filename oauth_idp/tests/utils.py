"""Helpers for the integration tests: real DocTypes, the real oauthlib server, no HTTP."""

import json
from urllib.parse import parse_qs, urlencode, urlparse

import frappe
from frappe.tests.utils import FrappeTestCase
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from oauth_idp.api import token as token_endpoint
from oauth_idp.protocol import pkce
from oauth_idp.protocol.tokens import new_token
from oauth_idp.provider.server import get_server

ISSUER = "http://localhost"
REDIRECT_URI = "https://app.example.com/callback"


def make_user(email: str, roles=("System Manager",)) -> str:
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": "Test", "send_welcome_email": 0}
		)
		user.insert(ignore_permissions=True)
		user.add_roles(*roles)
	return email


TEST_CLIENT_PREFIX = "[test] "


def own_todo(test_class, user: str, description: str) -> str:
	"""A ToDo made by `user` (so theirs by their roles), committed, deleted after `test_class`."""
	frappe.set_user(user)
	try:
		# ToDo's own permission hook lets a user make only ToDos allocated to them.
		todo = {"doctype": "ToDo", "description": description, "allocated_to": user}
		name = frappe.get_doc(todo).insert().name
	finally:
		frappe.set_user("Administrator")
	frappe.db.commit()

	def remove():
		frappe.db.rollback()
		frappe.delete_doc("ToDo", name, ignore_permissions=True, force=True)
		frappe.db.commit()

	test_class.addClassCleanup(remove)
	return name


class IdPTestCase(FrappeTestCase):
	"""The provider commits (a failed token request rolls back), so test clients outlive the test
	transaction: they are deleted after each class, with their grants, codes and tokens."""

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		for name in frappe.get_all(
			"IdP Client", {"app_name": ["like", TEST_CLIENT_PREFIX + "%"]}, pluck="name"
		):
			frappe.delete_doc("IdP Client", name, ignore_permissions=True, force=True)
		frappe.db.commit()
		super().tearDownClass()


def make_client(**fields):
	doc = frappe.get_doc(
		{
			"doctype": "IdP Client",
			"app_name": TEST_CLIENT_PREFIX + fields.pop("app_name", "Integration Test App"),
			"redirect_uris": fields.pop("redirect_uris", REDIRECT_URI),
			"allowed_scopes": fields.pop("allowed_scopes", "openid all"),
			**fields,
		}
	)
	doc.insert(ignore_permissions=True)
	return doc


def authorization_code(client, user: str, scope: str = "all", **extra) -> str:
	"""Run the authorization request as `user` and return the code from the redirect."""
	params = {"client_id": client.name, "response_type": "code", "redirect_uri": REDIRECT_URI, "scope": scope}
	params.update(extra)
	uri = f"{ISSUER}/api/method/oauth_idp.api.authorize.authorize?{urlencode(params)}"
	server = get_server()
	scopes, info = server.validate_authorization_request(uri, "GET", None, {})
	credentials = {k: v for k, v in info.items() if k != "request"}
	credentials.update(
		user=user, auth_time=frappe.utils.now_datetime(), session_hash=None, redirect_uri_in_request=True
	)
	headers, _body, _status = server.create_authorization_response(
		uri, "GET", None, {}, scopes=scopes, credentials=credentials
	)
	frappe.db.commit()  # as the authorization request does
	query = parse_qs(urlparse(headers["Location"]).query)
	assert "code" in query, headers["Location"]
	return query["code"][0]


def call_endpoint(endpoint, body: dict | None = None, method: str = "POST", headers: dict | None = None):
	"""Call a whitelisted endpoint function with a real Werkzeug request built for it."""
	builder = EnvironBuilder(
		path="/api/method/endpoint",
		base_url=ISSUER,
		method=method,
		data=urlencode(body or {}) if method == "POST" else None,
		query_string=urlencode(body or {}) if method != "POST" else None,
		content_type="application/x-www-form-urlencoded" if method == "POST" else None,
		headers=headers or {},
		environ_base={"REMOTE_ADDR": "127.0.0.1"},
	)
	frappe.local.request = Request(builder.get_environ())
	frappe.local.request_ip = frappe.local.request.remote_addr  # as frappe.auth.HTTPRequest sets it
	response = endpoint()
	return response.status_code, response.headers, response.get_data(as_text=True)


def token_request(client, **params) -> tuple[int, dict]:
	body = dict(params)
	body.setdefault("client_id", client.name)
	if client.client_secret and "client_secret" not in body:
		body["client_secret"] = client.client_secret
	status, _headers, payload = call_endpoint(token_endpoint.get_token, body)
	return status, json.loads(payload)


def redeem(client, code: str, **extra) -> tuple[int, dict]:
	return token_request(
		client, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI, **extra
	)


def private_file_of_a_note(test, label: str):
	"""A Note and a private File attached to it (named after `label`, unique to this run), committed,
	deleted (and committed) after `test`."""
	file_name = f"{label}-{frappe.generate_hash(length=8)}.txt"
	note = frappe.get_doc({"doctype": "Note", "title": file_name}).insert(ignore_permissions=True)
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": file_name,
			"content": b"secret",
			"is_private": 1,
			"attached_to_doctype": "Note",
			"attached_to_name": note.name,
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()
	test.addCleanup(frappe.db.commit)  # cleanups run last first: this one after both deletes
	test.addCleanup(frappe.delete_doc, "Note", note.name, ignore_permissions=True, force=True)
	test.addCleanup(frappe.delete_doc, "File", file.name, ignore_permissions=True, force=True)
	return file


def access_token(client, user: str, scope: str) -> str:
	"""An access token of `user` from `client`, granted `scope`, committed for HTTP requests to see."""
	status, body = redeem(client, authorization_code(client, user, scope=scope))
	assert status == 200, body
	frappe.db.commit()
	return body["access_token"]


def json_body(response) -> dict:
	"""The JSON object a test response carries, or {}."""
	try:
		return json.loads(response.get_data(as_text=True))
	except ValueError:
		return {}


def pkce_pair() -> tuple[str, str]:
	verifier = new_token()
	return verifier, pkce.s256(verifier)


# Real HTTP requests, in-process -------------------------------------------------------------------------


def http_request(method: str, path: str, token: str | None = None, headers: dict | None = None, **kwargs):
	"""Send one request through frappe.app.application, as a web server would, and return the
	werkzeug TestResponse (buffered, so Frappe's end-of-request work happens before it returns).

	The request runs in a thread of its own, as Frappe's own API tests do: a new thread has its own
	frappe.local and opens its own database connection, so it sees only what the caller committed and
	its frappe.destroy() cannot touch the caller's frappe.local. kwargs go to
	werkzeug.test.Client.open (query_string, data, json, ...).
	"""
	import threading

	from frappe.app import application
	from werkzeug.test import Client

	site, user, db = frappe.local.site, frappe.session.user, frappe.local.db
	sent = {"X-Frappe-Site-Name": site, **(headers or {})}
	if token:
		sent["Authorization"] = f"Bearer {token}"
	outcome = {}

	def run():
		try:
			client = Client(application, use_cookies=False)
			outcome["response"] = client.open(path, method=method, headers=sent, buffered=True, **kwargs)
		except BaseException as error:
			outcome["error"] = error

	thread = threading.Thread(target=run, name=f"http {method} {path}")
	thread.start()
	thread.join()
	if "error" in outcome:
		raise outcome["error"]
	if (getattr(frappe.local, "site", None), frappe.session.user, frappe.local.db) != (site, user, db):
		raise AssertionError(f"{method} {path} changed the calling thread's frappe.local")
	return outcome["response"]


def list_child_rows(token: str, table: str, parent: str, fields: list[str]):
	"""All rows of a child table under one parent DocType, as a token lists them (get_list)."""
	return http_request(
		"GET",
		"/api/method/frappe.client.get_list",
		token,
		query_string={
			"doctype": table,
			"parent": parent,
			"fields": json.dumps(fields),
			"limit_page_length": 0,
		},
	)
