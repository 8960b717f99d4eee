"""OpenID Connect Discovery 1.0 §3 and RFC 8414 §2 metadata, generated from capabilities."""

import json

import pytest

from oauth_idp.protocol import capabilities
from oauth_idp.protocol.metadata import provider_metadata

ISSUER = "https://idp.example.com"
ENDPOINTS = {
	"authorization_endpoint": f"{ISSUER}/oauth/authorize",
	"token_endpoint": f"{ISSUER}/oauth/token",
	"userinfo_endpoint": f"{ISSUER}/oauth/userinfo",
	"jwks_uri": f"{ISSUER}/oauth/jwks",
	"revocation_endpoint": f"{ISSUER}/oauth/revoke",
	"introspection_endpoint": f"{ISSUER}/oauth/introspect",
}


@pytest.fixture
def metadata():
	return provider_metadata(ISSUER, ENDPOINTS, ["openid", "profile", "email", "roles"])


def test_oidc_discovery_s3_required_members_are_present(metadata):
	for name in (
		"issuer",
		"authorization_endpoint",
		"token_endpoint",
		"jwks_uri",
		"response_types_supported",
		"subject_types_supported",
		"id_token_signing_alg_values_supported",
	):
		assert metadata.get(name), f"OIDC Discovery §3 requires {name}"


def test_rfc8414_s2_issuer_endpoints_and_scopes_are_passed_through(metadata):
	assert metadata["issuer"] == ISSUER
	for name, url in ENDPOINTS.items():
		assert metadata[name] == url
	assert metadata["scopes_supported"] == ["openid", "profile", "email", "roles"]


def test_rfc8414_s2_every_list_comes_from_capabilities(metadata):
	assert metadata["response_types_supported"] == list(capabilities.RESPONSE_TYPES)
	assert metadata["response_modes_supported"] == list(capabilities.RESPONSE_MODES)
	assert metadata["grant_types_supported"] == list(capabilities.GRANT_TYPES)
	assert metadata["token_endpoint_auth_methods_supported"] == list(capabilities.TOKEN_ENDPOINT_AUTH_METHODS)
	assert metadata["revocation_endpoint_auth_methods_supported"] == list(
		capabilities.TOKEN_ENDPOINT_AUTH_METHODS
	)
	assert metadata["code_challenge_methods_supported"] == list(capabilities.CODE_CHALLENGE_METHODS)
	assert metadata["subject_types_supported"] == list(capabilities.SUBJECT_TYPES)
	assert metadata["id_token_signing_alg_values_supported"] == list(capabilities.ID_TOKEN_SIGNING_ALGS)
	assert metadata["claims_supported"] == list(capabilities.CLAIMS)


def test_rfc7662_s2_1_introspection_requires_client_authentication(metadata):
	methods = metadata["introspection_endpoint_auth_methods_supported"]
	assert "none" not in methods
	assert set(methods) == set(capabilities.TOKEN_ENDPOINT_AUTH_METHODS) - {"none"}


def test_oauth21_no_implicit_or_hybrid_response_types(metadata):
	for response_type in metadata["response_types_supported"]:
		assert set(response_type.split()) == {"code"}, f"implicit/hybrid advertised: {response_type!r}"
	assert "fragment" not in metadata["response_modes_supported"]


def test_oauth21_no_password_or_implicit_grant_advertised(metadata):
	assert "password" not in metadata["grant_types_supported"]
	assert "implicit" not in metadata["grant_types_supported"]


def test_rfc7636_s4_2_plain_is_not_advertised(metadata):
	assert "plain" not in metadata["code_challenge_methods_supported"]
	assert "S256" in metadata["code_challenge_methods_supported"]


def test_oidc_discovery_s3_rs256_is_advertised_and_none_is_not(metadata):
	assert "RS256" in metadata["id_token_signing_alg_values_supported"]
	assert "none" not in metadata["id_token_signing_alg_values_supported"]


def test_oidc_discovery_s3_request_objects_are_not_claimed(metadata):
	assert metadata["request_parameter_supported"] is False
	assert metadata["request_uri_parameter_supported"] is False


def test_oidc_discovery_s4_2_document_is_json_serialisable(metadata):
	assert json.loads(json.dumps(metadata)) == metadata


def test_rfc8414_s2_lists_are_fresh_copies():
	first = provider_metadata(ISSUER, ENDPOINTS, ["openid"])
	first["grant_types_supported"].append("password")
	assert "password" not in provider_metadata(ISSUER, ENDPOINTS, ["openid"])["grant_types_supported"]
	assert "password" not in capabilities.GRANT_TYPES
