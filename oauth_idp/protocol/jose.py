"""Signing keys, JWKS and id_tokens (RFC 7517, RFC 7518, RFC 7638, OIDC Core §2, §3.1.3.6).

PyJWT and cryptography do the cryptography; this module decides what is signed and how.
"""

import base64
import hashlib
import json
from dataclasses import dataclass

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

RS256 = "RS256"
RSA_KEY_BITS = 2048


@dataclass(frozen=True)
class SigningKey:
	kid: str
	private_pem: str
	public_jwk: dict


def _b64url(data: bytes) -> str:
	return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_b64url(value: int) -> str:
	return _b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def thumbprint(public_jwk: dict) -> str:
	"""RFC 7638 JWK thumbprint of an RSA key: SHA-256 over the required members in order."""
	required = {"e": public_jwk["e"], "kty": public_jwk["kty"], "n": public_jwk["n"]}
	canonical = json.dumps(required, separators=(",", ":"), sort_keys=True).encode("ascii")
	return _b64url(hashlib.sha256(canonical).digest())


def generate_rsa_key() -> SigningKey:
	private_key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
	numbers = private_key.public_key().public_numbers()
	public_jwk = {"kty": "RSA", "n": _int_b64url(numbers.n), "e": _int_b64url(numbers.e)}
	kid = thumbprint(public_jwk)
	public_jwk.update(kid=kid, use="sig", alg=RS256)
	private_pem = private_key.private_bytes(
		serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
	).decode("ascii")
	return SigningKey(kid=kid, private_pem=private_pem, public_jwk=public_jwk)


def jwks(public_jwks: list[dict]) -> dict:
	return {"keys": public_jwks}


def half_hash(value: str) -> str:
	"""at_hash / c_hash (OIDC Core §3.1.3.6): left half of the SHA-256 of the ASCII value."""
	digest = hashlib.sha256(value.encode("ascii")).digest()
	return _b64url(digest[: len(digest) // 2])


def sign_id_token(claims: dict, key: SigningKey) -> str:
	return jwt.encode(claims, key.private_pem, algorithm=RS256, headers={"kid": key.kid, "typ": "JWT"})


def id_token_claims(
	*,
	issuer: str,
	subject: str,
	audience: str,
	issued_at: int,
	lifetime: int,
	auth_time: int | None,
	nonce: str | None,
	access_token: str | None,
	extra: dict,
) -> dict:
	"""The claims of an id_token (OIDC Core §2): the identity claims first, then `extra` (userinfo
	claims released by the granted scopes), which can never override them."""
	claims = dict(extra)
	claims.update(
		iss=issuer, sub=subject, aud=audience, azp=audience, iat=issued_at, exp=issued_at + lifetime
	)
	if auth_time is not None:
		claims["auth_time"] = auth_time
	if nonce:
		claims["nonce"] = nonce
	if access_token:
		claims["at_hash"] = half_hash(access_token)
	return claims
