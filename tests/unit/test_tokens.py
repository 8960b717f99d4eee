"""Generation and hashing of codes, tokens, secrets and client ids (RFC 6749 §10.10: credentials
must be infeasible to guess; RFC 6819 §5.1.4.2.2: at least 128 bits, here 256)."""

import base64
import hashlib
import re
from urllib.parse import quote

from oauth_idp.protocol import tokens

_URLSAFE = re.compile(r"[A-Za-z0-9_-]+")


def test_rfc6749_s10_10_new_token_carries_256_bits_in_43_urlsafe_chars():
	token = tokens.new_token()
	assert len(token) >= 43
	assert _URLSAFE.fullmatch(token), "RFC 6750 §2.1 b64token and RFC 6749 App. A: no escaping needed"
	assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) * 8 >= 256


def test_rfc6749_s10_10_new_tokens_are_distinct():
	values = {tokens.new_token() for _ in range(2000)}
	assert len(values) == 2000


def test_token_hash_is_hex_sha256_fips180_abc_vector():
	assert tokens.token_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_token_hash_is_hex_sha256_of_utf8():
	token = tokens.new_token()
	digest = tokens.token_hash(token)
	assert re.fullmatch(r"[0-9a-f]{64}", digest)
	assert digest == hashlib.sha256(token.encode()).hexdigest()
	assert tokens.token_hash("é") == hashlib.sha256("é".encode()).hexdigest()
	assert tokens.token_hash(token + "x") != digest


def test_rfc6749_s2_3_1_new_client_id_has_no_colon_and_needs_no_escaping():
	for _ in range(200):
		client_id = tokens.new_client_id()
		assert ":" not in client_id, "RFC 6749 §2.3.1: ':' separates id and secret in Basic"
		assert quote(client_id, safe="") == client_id, "RFC 6749 App. B: form-encoding leaves it unchanged"
		assert len(client_id) >= 16


def test_rfc6749_s2_2_new_client_ids_are_distinct():
	assert len({tokens.new_client_id() for _ in range(2000)}) == 2000
