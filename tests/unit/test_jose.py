"""Signing keys, JWKS and id_tokens: RFC 7517 (JWK), RFC 7518 §3.3 (RS256), RFC 7638 (thumbprint),
OpenID Connect Core §2 (id_token claims) and §3.1.3.6 (at_hash)."""

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from jwt.algorithms import RSAAlgorithm

from oauth_idp.protocol import jose

# RFC 7638 §3.1.
RFC7638_JWK = {
	"kty": "RSA",
	"n": (
		"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECP"
		"ebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY"
		"368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0f"
		"M4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
	),
	"e": "AQAB",
	"alg": "RS256",
	"kid": "2011-04-29",
}
RFC7638_THUMBPRINT = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"

# OpenID Connect Core Appendix A.3 (at_hash) and A.4 (c_hash), RS256.
OIDC_ACCESS_TOKEN = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"
OIDC_AT_HASH = "77QmUPtjPfzWtF2AnpK9RQ"
OIDC_CODE = "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk"
OIDC_C_HASH = "LDktKdoQak3Pk0cnXxCltA"

ISSUER = "https://idp.example.com"
CLIENT = "s6BhdRkqt3"


@pytest.fixture(scope="module")
def key():
	return jose.generate_rsa_key()


def public_key(jwk: dict):
	return RSAAlgorithm.from_jwk(json.dumps(jwk))


def b64url_int(value: str) -> int:
	return int.from_bytes(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)), "big")


def claims_for(now: int, **overrides):
	args = dict(
		issuer=ISSUER,
		subject="user-1",
		audience=CLIENT,
		issued_at=now,
		lifetime=300,
		auth_time=now - 60,
		nonce="n-0S6_WzA2Mj",
		access_token=OIDC_ACCESS_TOKEN,
		extra={"name": "Ada", "email": "ada@example.com"},
	)
	args.update(overrides)
	return jose.id_token_claims(**args)


# --- thumbprint ----------------------------------------------------------------------------------


def test_thumbprint_matches_rfc7638_s3_1_example():
	assert jose.thumbprint(RFC7638_JWK) == RFC7638_THUMBPRINT


def test_rfc7638_s3_2_thumbprint_ignores_optional_members():
	required_only = {name: RFC7638_JWK[name] for name in ("kty", "n", "e")}
	assert jose.thumbprint(required_only) == RFC7638_THUMBPRINT
	assert jose.thumbprint({**required_only, "use": "sig", "x5t": "abc"}) == RFC7638_THUMBPRINT


def test_rfc7638_s3_thumbprint_depends_on_the_key():
	other = {**RFC7638_JWK, "e": "AAEAAQ"}
	assert jose.thumbprint(other) != RFC7638_THUMBPRINT


# --- half_hash -----------------------------------------------------------------------------------


def test_half_hash_matches_oidc_core_appendix_a3_at_hash_example():
	assert jose.half_hash(OIDC_ACCESS_TOKEN) == OIDC_AT_HASH


def test_half_hash_matches_oidc_core_appendix_a4_c_hash_example():
	assert jose.half_hash(OIDC_CODE) == OIDC_C_HASH


def test_oidc_core_s3_1_3_6_half_hash_is_128_bits_unpadded_base64url():
	value = jose.half_hash("any token")
	assert len(value) == 22 and "=" not in value and "+" not in value and "/" not in value


# --- generate_rsa_key and jwks -------------------------------------------------------------------


def test_rfc7518_s3_3_generated_key_is_rsa_2048_with_e_65537(key):
	assert key.public_jwk["kty"] == "RSA"
	assert b64url_int(key.public_jwk["n"]).bit_length() == 2048, "RFC 7518 §3.3: 2048 bits or larger"
	assert key.public_jwk["e"] == "AQAB"


def test_rfc7638_kid_is_the_thumbprint_of_the_public_key(key):
	assert key.kid == jose.thumbprint(key.public_jwk)
	assert key.public_jwk["kid"] == key.kid


def test_rfc7517_s4_public_jwk_is_for_rs256_signatures_and_has_no_private_members(key):
	jwk = key.public_jwk
	assert jwk["use"] == "sig" and jwk["alg"] == "RS256"
	assert not {"d", "p", "q", "dp", "dq", "qi", "oth", "k"} & set(jwk)
	assert set(jwk) == {"kty", "n", "e", "kid", "use", "alg"}


def test_rfc7517_s6_3_1_jwk_members_are_unpadded_base64url(key):
	for name in ("n", "e"):
		value = key.public_jwk[name]
		assert "=" not in value and "+" not in value and "/" not in value
	# RFC 7518 §6.3.1.1: "n" has no leading zero octet.
	n_bytes = base64.urlsafe_b64decode(key.public_jwk["n"] + "=" * (-len(key.public_jwk["n"]) % 4))
	assert n_bytes[0] != 0


def test_private_pem_is_the_private_half_of_the_public_jwk(key):
	private = serialization.load_pem_private_key(key.private_pem.encode(), password=None)
	assert private.public_key().public_numbers() == public_key(key.public_jwk).public_numbers()
	assert key.private_pem.startswith("-----BEGIN PRIVATE KEY-----"), "PKCS#8"


def test_rfc7517_s4_5_each_generated_key_has_its_own_kid(key):
	assert jose.generate_rsa_key().kid != key.kid


def test_rfc7517_s5_jwks_is_a_keys_array(key):
	assert jose.jwks([key.public_jwk]) == {"keys": [key.public_jwk]}
	assert jose.jwks([]) == {"keys": []}


# --- id_token_claims and sign_id_token -----------------------------------------------------------


def test_oidc_core_s2_signed_id_token_verifies_with_the_public_jwk(key):
	now = int(time.time())
	token = jose.sign_id_token(claims_for(now), key)
	decoded = jwt.decode(
		token,
		public_key(key.public_jwk),
		algorithms=["RS256"],
		audience=CLIENT,
		issuer=ISSUER,
		options={"require": ["iss", "sub", "aud", "exp", "iat"]},
	)
	assert decoded["iss"] == ISSUER
	assert decoded["sub"] == "user-1"
	assert decoded["aud"] == CLIENT
	assert decoded["azp"] == CLIENT
	assert decoded["iat"] == now
	assert decoded["exp"] == now + 300
	assert decoded["auth_time"] == now - 60
	assert decoded["nonce"] == "n-0S6_WzA2Mj"
	assert decoded["at_hash"] == OIDC_AT_HASH, "OIDC Core §3.1.3.6"
	assert decoded["name"] == "Ada" and decoded["email"] == "ada@example.com"


def test_rfc7515_s4_1_header_names_rs256_jwt_and_the_rfc7638_kid(key):
	token = jose.sign_id_token(claims_for(int(time.time())), key)
	header = jwt.get_unverified_header(token)
	assert header["alg"] == "RS256"
	assert header["typ"] == "JWT"
	assert header["kid"] == jose.thumbprint(key.public_jwk) == key.kid


def test_rfc7515_s5_2_id_token_does_not_verify_with_another_key(key):
	token = jose.sign_id_token(claims_for(int(time.time())), key)
	other = jose.generate_rsa_key()
	with pytest.raises(jwt.InvalidSignatureError):
		jwt.decode(token, public_key(other.public_jwk), algorithms=["RS256"], audience=CLIENT)


def test_oidc_core_s3_1_3_7_expired_id_token_is_rejected_by_a_relying_party(key):
	now = int(time.time()) - 1000
	token = jose.sign_id_token(claims_for(now, lifetime=60), key)
	with pytest.raises(jwt.ExpiredSignatureError):
		jwt.decode(token, public_key(key.public_jwk), algorithms=["RS256"], audience=CLIENT)


@pytest.mark.parametrize("name", ["iss", "sub", "aud", "azp", "iat", "exp"])
def test_oidc_core_s2_extra_claims_cannot_override_identity_claims(name):
	claims = claims_for(1_700_000_000, extra={name: "attacker"})
	expected = {
		"iss": ISSUER,
		"sub": "user-1",
		"aud": CLIENT,
		"azp": CLIENT,
		"iat": 1_700_000_000,
		"exp": 1_700_000_300,
	}
	assert claims[name] == expected[name]


@pytest.mark.parametrize(("name", "value"), [("nonce", "n-0S6_WzA2Mj"), ("auth_time", 1_699_999_940)])
def test_oidc_core_s2_extra_claims_cannot_override_request_bound_claims(name, value):
	claims = claims_for(1_700_000_000, extra={name: "attacker"})
	assert claims[name] == value
	assert claims_for(1_700_000_000, extra={"at_hash": "attacker"})["at_hash"] == OIDC_AT_HASH


def test_oidc_core_s2_optional_claims_are_left_out_when_not_given():
	claims = claims_for(1_700_000_000, auth_time=None, nonce=None, access_token=None, extra={})
	assert claims == {
		"iss": ISSUER,
		"sub": "user-1",
		"aud": CLIENT,
		"azp": CLIENT,
		"iat": 1_700_000_000,
		"exp": 1_700_000_300,
	}


def test_oidc_core_s3_1_2_1_empty_nonce_is_not_echoed():
	assert "nonce" not in claims_for(1_700_000_000, nonce="")


def test_oidc_core_s2_auth_time_zero_is_kept():
	assert claims_for(1_700_000_000, auth_time=0)["auth_time"] == 0


def test_oidc_core_s2_extra_is_not_mutated():
	extra = {"name": "Ada"}
	claims_for(1_700_000_000, extra=extra)
	assert extra == {"name": "Ada"}
