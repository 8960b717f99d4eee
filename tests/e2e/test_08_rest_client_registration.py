"""An administrator creates a client over Frappe's REST API: the secret is shown once, in the create
response, and never again (RFC 6749 §2.3.1: the secret is a credential; RFC 7591 §3.2.1 shows it
only in the registration response)."""

import json

import pytest
from oauth_e2e import BASE, TIMEOUT, TOKEN, Client, basic, post_token, remember

RESOURCE = BASE + "/api/resource/IdP Client"


@pytest.fixture
def created(admin_session, track_client, redirect_port):
	fields = {
		"app_name": "E2E REST-made app",
		"client_type": "Confidential",
		"redirect_uris": f"http://127.0.0.1:{redirect_port}/cb",
		"allowed_scopes": "openid all",
		"skip_consent": 1,
		"allow_refresh_token": 1,
		"allow_plain_pkce": 0,
		"access_token_lifetime": 3600,
		"refresh_token_lifetime": 2592000,
		"code_lifetime": 60,
	}
	response = admin_session.post(
		RESOURCE, data=json.dumps(fields), headers={"Content-Type": "application/json"}, timeout=TIMEOUT
	)
	assert response.status_code == 200, response.text
	data = response.json()["data"]
	track_client(data["name"])
	remember(data.get("client_secret"))
	return data


def test_rest_created_client_shows_its_secret_once(site, admin_session, created, user_session):
	frappe = site
	secret = created.get("client_secret")
	assert secret and len(secret) >= 32, created
	client_id = created["client_id"]
	assert created["name"] == client_id

	again = admin_session.get(f"{RESOURCE}/{client_id}", timeout=TIMEOUT)
	assert again.status_code == 200
	assert not again.json()["data"].get("client_secret"), "the secret is shown again on a later GET"
	listed = admin_session.get(
		RESOURCE, params={"fields": '["*"]', "filters": json.dumps({"name": client_id})}, timeout=TIMEOUT
	)
	assert listed.status_code == 200 and listed.json()["data"]
	assert secret not in listed.text
	frappe.db.rollback()  # a fresh snapshot
	assert not frappe.db.get_value("IdP Client", client_id, "client_secret")

	# The secret shown is the one that works (client_secret_basic, on a refresh).
	client = Client(client_id, secret, [created["redirect_uris"]], app_name=created["app_name"])
	token = client.tokens(user_session, pkce=False)
	refreshed = post_token(
		{"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
		url=TOKEN,
		headers={"Authorization": basic(client_id, secret)},
	)
	assert refreshed.status_code == 200, refreshed.text


def test_rest_regenerated_secret_replaces_the_old_one(admin_session, created):
	client_id, old = created["client_id"], created["client_secret"]
	response = admin_session.post(
		f"{RESOURCE}/{client_id}", params={"run_method": "regenerate_secret"}, timeout=TIMEOUT
	)
	assert response.status_code == 200, response.text
	body = response.json()
	new = body.get("data") or body.get("message")
	remember(new)
	assert new and new != old
	bad = post_token(
		{"grant_type": "refresh_token", "refresh_token": "x" * 43},
		headers={"Authorization": basic(client_id, old)},
	)
	assert bad.status_code == 401 and bad.json()["error"] == "invalid_client", bad.text
	good = post_token(
		{"grant_type": "refresh_token", "refresh_token": "x" * 43},
		headers={"Authorization": basic(client_id, new)},
	)
	assert good.status_code == 400 and good.json()["error"] == "invalid_grant", good.text
	later = admin_session.get(f"{RESOURCE}/{client_id}", timeout=TIMEOUT)
	assert new not in later.text and old not in later.text
