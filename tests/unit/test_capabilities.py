"""The single list of what the provider supports (OAuth 2.1, RFC 6749 limits)."""

from oauth_idp.protocol import capabilities


def test_oauth21_s4_only_the_code_response_type():
	# OAuth 2.1 §4 drops the implicit grant; hybrid response types are not implemented.
	assert capabilities.RESPONSE_TYPES == ("code",)


def test_oauth21_s4_no_password_or_implicit_grant():
	assert "password" not in capabilities.GRANT_TYPES
	assert "implicit" not in capabilities.GRANT_TYPES
	assert set(capabilities.GRANT_TYPES) == {"authorization_code", "refresh_token"}


def test_rfc7636_s4_2_plain_is_not_a_supported_challenge_method():
	assert capabilities.CODE_CHALLENGE_METHODS == ("S256",)


def test_oidc_core_s15_1_rs256_is_supported_for_id_tokens():
	assert "RS256" in capabilities.ID_TOKEN_SIGNING_ALGS
	assert "none" not in capabilities.ID_TOKEN_SIGNING_ALGS


def test_rfc7591_s2_token_endpoint_auth_methods():
	assert set(capabilities.TOKEN_ENDPOINT_AUTH_METHODS) == {
		"client_secret_basic",
		"client_secret_post",
		"none",
	}


def test_rfc6749_s4_1_2_code_lifetime_at_most_ten_minutes():
	assert capabilities.MAX_CODE_LIFETIME <= 600
	assert 0 < capabilities.DEFAULT_CODE_LIFETIME <= capabilities.MAX_CODE_LIFETIME


def test_rfc6749_s4_1_1_state_values_of_4kb_fit_the_parameter_limit():
	assert capabilities.MAX_PARAM_LENGTH >= 4096


def test_token_lifetimes_are_positive_and_refresh_outlives_access():
	assert 0 < capabilities.DEFAULT_ACCESS_TOKEN_LIFETIME < capabilities.DEFAULT_REFRESH_TOKEN_LIFETIME


def test_oidc_core_s2_claims_list_holds_the_id_token_claims_and_has_no_repeats():
	assert {"sub", "iss", "aud", "exp", "iat"} <= set(capabilities.CLAIMS)
	assert len(set(capabilities.CLAIMS)) == len(capabilities.CLAIMS)
