"""Discovery documents: OpenID Connect Discovery 1.0 §3 and RFC 8414 §2, built from capabilities."""

from . import capabilities


def provider_metadata(issuer: str, endpoints: dict[str, str], scopes_supported: list[str]) -> dict:
	"""`endpoints` maps metadata names (authorization_endpoint, …) to absolute URLs."""
	return {
		"issuer": issuer,
		**endpoints,
		"scopes_supported": scopes_supported,
		"response_types_supported": list(capabilities.RESPONSE_TYPES),
		"response_modes_supported": list(capabilities.RESPONSE_MODES),
		"grant_types_supported": list(capabilities.GRANT_TYPES),
		"token_endpoint_auth_methods_supported": list(capabilities.TOKEN_ENDPOINT_AUTH_METHODS),
		"revocation_endpoint_auth_methods_supported": list(capabilities.TOKEN_ENDPOINT_AUTH_METHODS),
		"introspection_endpoint_auth_methods_supported": [
			m for m in capabilities.TOKEN_ENDPOINT_AUTH_METHODS if m != "none"
		],
		"code_challenge_methods_supported": list(capabilities.CODE_CHALLENGE_METHODS),
		"subject_types_supported": list(capabilities.SUBJECT_TYPES),
		"id_token_signing_alg_values_supported": list(capabilities.ID_TOKEN_SIGNING_ALGS),
		"claims_supported": list(capabilities.CLAIMS),
		"request_parameter_supported": False,
		"request_uri_parameter_supported": False,
		"authorization_response_iss_parameter_supported": False,
	}
