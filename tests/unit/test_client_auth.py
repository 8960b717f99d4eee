"""RFC 6749 §2.3 client authentication: HTTP Basic per §2.3.1 and Appendix B, body credentials,
one method per request, and which methods each client type (§2.1) may use."""

import base64
from urllib.parse import quote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oauth_idp.protocol import client_auth
from oauth_idp.protocol.client_auth import CONFIDENTIAL, PUBLIC, ClientCredentials
from oauth_idp.protocol.errors import InvalidClientError, InvalidRequestError


def basic(raw: str) -> str:
	"""The Authorization value for an already form-encoded `id:secret` string."""
	return "Basic " + base64.b64encode(raw.encode("utf-8")).decode("ascii")


def basic_for(client_id: str, secret: str) -> str:
	"""RFC 6749 §2.3.1: form-encode id and secret (Appendix B), then join with ':' and base64."""
	return basic(f"{quote_plus(client_id)}:{quote_plus(secret)}")


def assert_invalid_client(info):
	assert (info.value.error, info.value.status_code) == ("invalid_client", 401), "RFC 6749 §5.2"


# --- parse_basic ---------------------------------------------------------------------------------


def test_rfc6749_s2_3_1_plain_basic_credentials_are_read():
	assert client_auth.parse_basic(basic("s6BhdRkqt3:gX1fBat3bV")) == ("s6BhdRkqt3", "gX1fBat3bV")


def test_rfc7617_s2_basic_scheme_name_is_case_insensitive():
	assert client_auth.parse_basic(basic("id:secret").replace("Basic", "bAsIc")) == ("id", "secret")


def test_rfc6749_appendix_b_secret_with_raw_colon_splits_at_the_first_colon():
	assert client_auth.parse_basic(basic("client:se:cr:et")) == ("client", "se:cr:et")


def test_rfc6749_appendix_b_percent_escapes_are_decoded():
	# A colon in the client_id is sent as %3A, so it does not end the id.
	assert client_auth.parse_basic(basic("my%3Aclient:p%40ss%2Fw%C3%B6rd")) == ("my:client", "p@ss/wörd")


def test_rfc6749_appendix_b_plus_decodes_to_space():
	assert client_auth.parse_basic(basic("a+b:c+d%2B")) == ("a b", "c d+")


def test_rfc6749_appendix_b_form_encoded_round_trip_of_unusual_characters():
	cid, secret = "client id:with colon", "s3cr3t:+/=&% ü"
	assert client_auth.parse_basic(basic_for(cid, secret)) == (cid, secret)


_chars = st.characters(blacklist_categories=("Cs",))


@given(client_id=st.text(_chars, min_size=1), secret=st.text(_chars))
def test_rfc6749_appendix_b_any_form_encoded_id_and_secret_round_trip(client_id, secret):
	assert client_auth.parse_basic(basic_for(client_id, secret)) == (client_id, secret)


@pytest.mark.parametrize(
	"header",
	[
		"Basic !!!not-base64!!!",
		"Basic aWQ6c2VjcmU",  # "id:secre" without its padding: RFC 4648 §4 requires it
		"Basic aWQ6c2Vj cmV0PQ==",  # whitespace inside the token
		"Basic " + base64.b64encode(b"id:\xff\xfe").decode(),  # not UTF-8
	],
)
def test_rfc6749_s2_3_1_malformed_basic_credentials_are_invalid_client(header):
	with pytest.raises(InvalidClientError) as info:
		client_auth.parse_basic(header)
	assert_invalid_client(info)


@pytest.mark.parametrize("raw", ["idsecret", "", ":secret"])
def test_rfc6749_s2_3_1_basic_without_an_id_colon_secret_pair_is_invalid_client(raw):
	with pytest.raises(InvalidClientError) as info:
		client_auth.parse_basic(basic(raw) if raw else "Basic " + base64.b64encode(b"").decode())
	assert_invalid_client(info)


@pytest.mark.parametrize("header", ["Bearer abc", "Basic", "Basic   ", "Digest x=y", ""])
def test_rfc7617_s2_non_basic_authorization_is_invalid_client(header):
	with pytest.raises(InvalidClientError) as info:
		client_auth.parse_basic(header)
	assert_invalid_client(info)


# --- read_credentials ----------------------------------------------------------------------------


def test_rfc6749_s2_3_1_basic_gives_client_secret_basic():
	creds = client_auth.read_credentials(basic("id:secret"), {})
	assert creds == ClientCredentials("id", "secret", "client_secret_basic")


def test_rfc6749_s2_3_1_basic_with_the_same_client_id_in_the_body_is_allowed():
	creds = client_auth.read_credentials(basic("id:secret"), {"client_id": "id", "grant_type": "x"})
	assert creds == ClientCredentials("id", "secret", "client_secret_basic")


def test_rfc6749_s2_3_1_body_client_id_is_compared_with_the_decoded_basic_id():
	creds = client_auth.read_credentials(basic("a%3Ab:secret"), {"client_id": "a:b"})
	assert creds.client_id == "a:b"


def test_rfc6749_s2_3_basic_and_client_secret_in_body_is_invalid_request():
	# §2.3: "The client MUST NOT use more than one authentication method in each request."
	with pytest.raises(InvalidRequestError) as info:
		client_auth.read_credentials(basic("id:secret"), {"client_id": "id", "client_secret": "secret"})
	assert (info.value.error, info.value.status_code) == ("invalid_request", 400)


def test_rfc6749_s2_3_basic_with_a_different_body_client_id_is_invalid_client():
	with pytest.raises(InvalidClientError) as info:
		client_auth.read_credentials(basic("id:secret"), {"client_id": "other"})
	assert_invalid_client(info)


def test_rfc6749_s2_3_1_malformed_basic_in_read_credentials_is_invalid_client():
	with pytest.raises(InvalidClientError) as info:
		client_auth.read_credentials("Basic %%%", {"client_id": "id"})
	assert_invalid_client(info)


def test_rfc6749_s2_3_1_client_secret_post():
	creds = client_auth.read_credentials(None, {"client_id": "id", "client_secret": "s"})
	assert creds == ClientCredentials("id", "s", "client_secret_post")


def test_rfc6749_s2_1_public_client_sends_only_client_id():
	creds = client_auth.read_credentials(None, {"client_id": "id"})
	assert creds == ClientCredentials("id", None, "none")


def test_rfc6749_s2_3_empty_authorization_header_counts_as_absent():
	assert client_auth.read_credentials("", {"client_id": "id"}).method == "none"


@pytest.mark.parametrize("params", [{}, {"client_secret": "s"}, {"grant_type": "authorization_code"}])
def test_rfc6749_s3_2_1_request_without_a_client_id_is_invalid_client(params):
	with pytest.raises(InvalidClientError) as info:
		client_auth.read_credentials(None, params)
	assert_invalid_client(info)


# --- check_method_allowed ------------------------------------------------------------------------


@pytest.mark.parametrize(
	("client_type", "method"),
	[(CONFIDENTIAL, "client_secret_basic"), (CONFIDENTIAL, "client_secret_post"), (PUBLIC, "none")],
)
def test_rfc6749_s2_1_allowed_methods_per_client_type(client_type, method):
	client_auth.check_method_allowed(client_type, method)


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_rfc6749_s2_1_public_client_sending_a_secret_is_invalid_client(method):
	with pytest.raises(InvalidClientError) as info:
		client_auth.check_method_allowed(PUBLIC, method)
	assert_invalid_client(info)


def test_rfc6749_s2_3_1_confidential_client_with_method_none_is_invalid_client():
	with pytest.raises(InvalidClientError) as info:
		client_auth.check_method_allowed(CONFIDENTIAL, "none")
	assert_invalid_client(info)


@pytest.mark.parametrize("client_type", ["", "confidential", "Other"])
def test_rfc6749_s2_1_unknown_client_type_may_use_no_method(client_type):
	for method in ("client_secret_basic", "client_secret_post", "none"):
		with pytest.raises(InvalidClientError):
			client_auth.check_method_allowed(client_type, method)
