"""RFC 6749 §3.1 / §3.2 request parameters: form decoding, UTF-8 only, each at most once, size
limits, and empty values treated as absent."""

import pytest

from oauth_idp.protocol import params
from oauth_idp.protocol.capabilities import MAX_PARAM_LENGTH
from oauth_idp.protocol.errors import InvalidRequestError, OAuth2Error


def parse(raw):
	return params.single_valued(params.parse_urlencoded(raw))


def assert_invalid_request(info):
	assert (info.value.error, info.value.status_code) == ("invalid_request", 400), "RFC 6749 §5.2"


def test_rfc6749_appendix_b_form_decoding_of_plus_and_percent_escapes():
	assert parse("redirect_uri=https%3A%2F%2Fclient.example.com%2Fcb&scope=openid+profile") == {
		"redirect_uri": "https://client.example.com/cb",
		"scope": "openid profile",
	}


def test_rfc6749_appendix_b_utf8_percent_escapes_decode_to_text():
	assert parse(b"state=%C3%A9t%C3%A9&x=%E2%82%AC") == {"state": "été", "x": "€"}


def test_rfc6749_s3_1_bytes_and_text_give_the_same_result():
	assert parse(b"a=1&b=%20") == parse("a=1&b=%20") == {"a": "1", "b": " "}


def test_rfc6749_s3_1_only_ampersand_separates_parameters():
	assert parse("state=a;b") == {"state": "a;b"}


def test_rfc6749_s3_1_parse_urlencoded_keeps_order_and_blank_values():
	assert params.parse_urlencoded("b=2&a=&c=3") == [("b", "2"), ("a", ""), ("c", "3")]


@pytest.mark.parametrize("raw", [b"a=\xff", b"state=\xc3", b"x=1&\xe9=2"])
def test_rfc6749_appendix_b_non_utf8_bytes_are_invalid_request(raw):
	with pytest.raises(InvalidRequestError) as info:
		params.parse_urlencoded(raw)
	assert_invalid_request(info)


@pytest.mark.parametrize("raw", ["a=%FF", b"a=%C3", "%FF=1", "state=%ED%A0%80"])
def test_rfc6749_appendix_b_percent_escapes_of_non_utf8_are_invalid_request(raw):
	with pytest.raises(InvalidRequestError) as info:
		params.parse_urlencoded(raw)
	assert_invalid_request(info)


@pytest.mark.parametrize("raw", ["a=1&a=2", "a=1&a=1", "client_id=x&scope=a&client_id=x"])
def test_rfc6749_s3_1_repeated_parameter_is_invalid_request(raw):
	# §3.1: "Request and response parameters MUST NOT be included more than once."
	with pytest.raises(InvalidRequestError) as info:
		parse(raw)
	assert_invalid_request(info)
	assert "repeated" in info.value.description


@pytest.mark.parametrize("raw", ["a=&b=x", "a&b=x", "b=x&a="])
def test_rfc6749_s3_1_parameters_without_a_value_are_treated_as_omitted(raw):
	assert parse(raw) == {"b": "x"}


def test_rfc6749_s3_1_value_of_max_length_is_kept_untouched():
	state = "s" * MAX_PARAM_LENGTH
	assert parse(f"state={state}") == {"state": state}


def test_rfc6749_s4_1_1_four_kilobyte_state_passes():
	state = "A1b2-._~" * 512
	assert MAX_PARAM_LENGTH >= 4096
	assert parse(f"state={state}")["state"] == state


def test_rfc6749_s3_1_value_over_max_length_is_invalid_request():
	with pytest.raises(InvalidRequestError) as info:
		parse("state=" + "s" * (MAX_PARAM_LENGTH + 1))
	assert_invalid_request(info)


def test_rfc6749_s3_1_length_limit_applies_to_the_decoded_value_in_characters():
	# Each %41 decodes to one "A": the decoded value is MAX_PARAM_LENGTH long and passes.
	assert parse("x=" + "%41" * MAX_PARAM_LENGTH) == {"x": "A" * MAX_PARAM_LENGTH}


@pytest.mark.parametrize("raw", ["a=%00", "a=x%00y", "a%00=1"])
def test_rfc6749_s3_1_nul_in_a_name_or_value_is_invalid_request(raw):
	with pytest.raises(InvalidRequestError) as info:
		parse(raw)
	assert_invalid_request(info)


def test_rfc6749_s3_1_single_valued_accepts_plain_pairs():
	assert params.single_valued([("grant_type", "authorization_code"), ("code", "abc")]) == {
		"grant_type": "authorization_code",
		"code": "abc",
	}


def test_rfc6749_s3_1_empty_input_gives_no_parameters():
	assert parse("") == {}
	assert parse(b"") == {}


@pytest.mark.parametrize(
	("request_object", "request_uri", "response_mode", "error"),
	[
		("eyJhbGciOiJub25lIn0.e30.", None, None, "request_not_supported"),
		(None, "https://rp.example/r.jwt", None, "request_uri_not_supported"),
		(None, None, "form_post", "invalid_request"),
		(None, None, "fragment", "invalid_request"),
	],
)
def test_oidc_core_6_unsupported_request_features_are_refused(
	request_object, request_uri, response_mode, error
):
	with pytest.raises(OAuth2Error) as info:
		params.check_authorization_features(request_object, request_uri, response_mode)
	assert info.value.error == error


def test_oidc_core_3_1_2_1_the_query_response_mode_is_supported():
	params.check_authorization_features(None, None, "query")
	params.check_authorization_features(None, None, None)


def test_rfc6749_s4_1_3_a_token_request_without_grant_type_is_invalid_request():
	with pytest.raises(InvalidRequestError, match="grant_type"):
		params.check_token_request({"code": "abc"})
	params.check_token_request({"grant_type": "refresh_token"})
