"""Authlib as an OpenID Connect relying party: discovery (OIDC Discovery §4, RFC 8414 §3), the code
flow with nonce (OIDC Core §3.1), id_token validation (§3.1.3.7, at_hash §3.1.3.6) and userinfo
(§5.3)."""

import secrets
import time

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, JsonWebToken
from authlib.oidc.core import CodeIDToken
from authlib.oidc.core.util import create_half_hash
from oauth_e2e import BASE, TIMEOUT, code_from, login, remember, remember_tokens


def _discover() -> dict:
	response = requests.get(
		BASE + "/.well-known/openid-configuration", allow_redirects=False, timeout=TIMEOUT
	)
	assert response.status_code == 200, f"{response.status_code} {response.headers.get('Location')}"
	assert response.headers["Content-Type"].startswith("application/json")
	return response.json()


def test_discovery_documents_oidc_discovery_4_rfc8414_3():
	meta = _discover()
	assert meta["issuer"] == BASE, "OIDC Discovery §4.3: issuer must equal the URL it is served under"
	assert meta["response_types_supported"] == ["code"]
	assert meta["code_challenge_methods_supported"] == ["S256"]
	assert "RS256" in meta["id_token_signing_alg_values_supported"]
	for name in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"):
		assert meta[name].startswith(BASE + "/"), meta[name]
	# RFC 8414 §3: the OAuth metadata document, and the built-in's method name, say the same.
	oauth = requests.get(
		BASE + "/.well-known/oauth-authorization-server", allow_redirects=False, timeout=TIMEOUT
	)
	assert oauth.status_code == 200 and oauth.json()["issuer"] == BASE
	builtin = requests.get(
		BASE + "/api/method/frappe.integrations.oauth2.openid_configuration",
		allow_redirects=False,
		timeout=TIMEOUT,
	)
	assert builtin.status_code == 200 and builtin.json() == meta
	jwks = requests.get(meta["jwks_uri"], timeout=TIMEOUT)
	assert jwks.status_code == 200
	keys = jwks.json()["keys"]
	assert keys and all("d" not in key and "p" not in key for key in keys), "the JWKS publishes private parts"


def test_discovery_is_kept_by_shared_caches_only_when_the_issuer_is_configured(site):
	"""Without host_name, the issuer comes from the Host header: a shared cache must not keep a
	document that another request's Host shaped."""
	from frappe.installer import update_site_config

	def discover_as(host: str) -> requests.Response:
		url = BASE + "/.well-known/openid-configuration"
		return requests.get(url, headers={"Host": host}, timeout=TIMEOUT)

	site_setting = site.conf.get("host_name") or "None"  # "None" is Frappe's way to drop a key
	try:
		update_site_config("host_name", "None")
		spoofed = discover_as("evil.example")
		update_site_config("host_name", BASE)
		configured = discover_as("evil.example")
	finally:
		update_site_config("host_name", site_setting)
	assert spoofed.json()["issuer"].startswith("http://evil.example")
	assert spoofed.headers["Cache-Control"] == "private, max-age=300"
	assert configured.json()["issuer"] == BASE
	assert configured.headers["Cache-Control"] == "public, max-age=300"


def test_authlib_code_flow_id_token_and_userinfo_oidc_core_3_1_3_7_and_5_3(
	make_client, user_session, test_user, admin_session
):
	meta = _discover()
	client = make_client(skip_consent=1, allowed_scopes="openid profile email all")
	oauth = OAuth2Session(
		client.client_id,
		client.secret,
		scope="openid profile email",
		redirect_uri=client.redirect_uri,
		code_challenge_method="S256",
		timeout=TIMEOUT,
	)
	nonce = secrets.token_urlsafe(16)
	verifier = secrets.token_urlsafe(48)
	url, state = oauth.create_authorization_url(
		meta["authorization_endpoint"], nonce=nonce, code_verifier=verifier
	)
	response = user_session.get(url, allow_redirects=False, timeout=TIMEOUT)
	code_from(response, client.redirect_uri, state)
	before = int(time.time())
	token = oauth.fetch_token(
		meta["token_endpoint"], authorization_response=response.headers["Location"], code_verifier=verifier
	)
	remember_tokens(token)
	assert token["token_type"] == "Bearer"
	id_token = token["id_token"]

	key_set = JsonWebKey.import_key_set(requests.get(meta["jwks_uri"], timeout=TIMEOUT).json())
	claims = JsonWebToken(["RS256"]).decode(
		id_token,
		key_set,
		claims_cls=CodeIDToken,
		claims_params={"nonce": nonce, "client_id": client.client_id, "access_token": token["access_token"]},
	)
	claims.validate(leeway=5)
	assert claims.header["alg"] == "RS256" and claims.header.get("kid")
	assert claims["iss"] == BASE
	assert claims["aud"] == client.client_id or claims["aud"] == [client.client_id]
	assert claims["nonce"] == nonce
	assert before - 5 <= claims["iat"] <= int(time.time()) + 5
	assert claims["exp"] > time.time()
	assert claims["at_hash"] == create_half_hash(token["access_token"], "RS256").decode()
	assert claims.get("email") == test_user.email

	# userinfo as the token's user, even when the request also carries Administrator's cookie.
	assert "sid" in admin_session.cookies
	info = admin_session.get(
		meta["userinfo_endpoint"],
		headers={"Authorization": f"Bearer {token['access_token']}"},
		timeout=TIMEOUT,
	)
	assert info.status_code == 200, info.text
	body = info.json()
	assert body["sub"] == claims["sub"], (body, dict(claims))
	assert body["email"] == test_user.email
	assert body["name"] == test_user.full_name
	# The same through Authlib's own session, and under the built-in's name.
	assert oauth.get(meta["userinfo_endpoint"]).json()["sub"] == claims["sub"]
	builtin = requests.get(
		BASE + "/api/method/frappe.integrations.oauth2.openid_profile",
		headers={"Authorization": f"Bearer {token['access_token']}"},
		timeout=TIMEOUT,
	)
	assert builtin.status_code == 200 and builtin.json()["sub"] == claims["sub"]

	# Administrator's own sub differs: the answer above was not about the session user.
	admin_tokens = client.tokens(admin_session, scope="openid")
	admin_info = requests.get(
		meta["userinfo_endpoint"],
		headers={"Authorization": f"Bearer {admin_tokens['access_token']}"},
		timeout=TIMEOUT,
	)
	assert admin_info.status_code == 200
	assert admin_info.json()["sub"] != claims["sub"]


def test_userinfo_without_openid_scope_is_insufficient_scope_rfc6750_3_1(make_client, user_session):
	client = make_client(skip_consent=1)
	token = client.tokens(user_session, scope="all", pkce=False)
	response = requests.get(
		BASE + "/api/method/oauth_idp.api.userinfo.openid_profile",
		headers={"Authorization": f"Bearer {token['access_token']}"},
		timeout=TIMEOUT,
	)
	assert response.status_code == 403, response.text
	assert 'error="insufficient_scope"' in response.headers.get("WWW-Authenticate", "")
	# Without any token: 401 with a Bearer challenge, not a Guest profile.
	anonymous = requests.get(BASE + "/api/method/oauth_idp.api.userinfo.openid_profile", timeout=TIMEOUT)
	assert anonymous.status_code == 401
	assert anonymous.headers.get("WWW-Authenticate", "").startswith("Bearer")
	remember(token.get("access_token"))
