"""Generation and hashing of client ids, secrets, codes and tokens.

Codes and tokens carry 256 bits of randomness, so a single SHA-256 is enough to store them: nobody
can search that space, and lookups stay one indexed equality.
"""

import hashlib
import secrets

TOKEN_BYTES = 32  # 256 bits


def new_token() -> str:
	"""An access token, refresh token, authorization code or client secret."""
	return secrets.token_urlsafe(TOKEN_BYTES)


def new_client_id() -> str:
	# No ':' (it would break Basic credentials) and nothing that needs URL-encoding.
	return secrets.token_hex(12)


def token_hash(token: str) -> str:
	return hashlib.sha256(token.encode("utf-8")).hexdigest()
