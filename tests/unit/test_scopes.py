"""RFC 6749 §3.3 scope strings: the scope-token grammar, order-preserving de-duplication, subset
comparison, and the consent page's words."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oauth_idp.protocol import scopes
from oauth_idp.protocol.errors import InvalidScopeError

# scope-token = 1*NQCHAR; NQCHAR = %x21 / %x23-5B / %x5D-7E
NQCHAR = "".join(chr(c) for c in [0x21, *range(0x23, 0x5C), *range(0x5D, 0x7F)])


def test_rfc6749_s3_3_parse_splits_on_space_and_keeps_order():
	assert scopes.parse("openid profile email") == ["openid", "profile", "email"]
	assert scopes.parse("email openid") == ["email", "openid"]


def test_rfc6749_s3_3_parse_drops_repeats_and_keeps_first_position():
	assert scopes.parse("openid email openid profile email") == ["openid", "email", "profile"]


def test_rfc6749_s3_3_absent_or_empty_scope_is_empty():
	assert scopes.parse(None) == []
	assert scopes.parse("") == []
	assert scopes.parse("   ") == []


def test_rfc6749_s3_3_scope_tokens_are_case_sensitive():
	assert scopes.parse("openid OpenID") == ["openid", "OpenID"]


def test_rfc6749_s3_3_every_nqchar_is_valid_in_a_token():
	assert scopes.parse(NQCHAR) == [NQCHAR]
	assert scopes.parse("! # [ ] ~ a:b https://api.example/read") == [
		"!",
		"#",
		"[",
		"]",
		"~",
		"a:b",
		"https://api.example/read",
	]


@pytest.mark.parametrize(
	"scope",
	[
		'openid "profile"',  # %x22 is not NQCHAR
		"openid pro\\file",  # %x5C is not NQCHAR
		"openid é",  # non-ASCII
		"openid\tprofile",  # only SP separates tokens
		"openid\nprofile",
		"openid \x7f",
		"openid \x00",
		"openid \u00a0",
	],
)
def test_rfc6749_s3_3_tokens_outside_nqchar_are_invalid_scope(scope):
	with pytest.raises(InvalidScopeError) as info:
		scopes.parse(scope)
	assert (info.value.error, info.value.status_code) == ("invalid_scope", 400), "RFC 6749 §5.2"


tokens_strategy = st.lists(st.text(alphabet=NQCHAR, min_size=1, max_size=12), max_size=10)


@given(tokens_strategy)
def test_rfc6749_s3_3_parse_of_join_is_the_tokens_without_repeats(tokens):
	assert scopes.parse(scopes.join(tokens)) == list(dict.fromkeys(tokens))


def test_rfc6749_s3_3_join_is_space_delimited_without_repeats():
	assert scopes.join(["openid", "email", "openid"]) == "openid email"
	assert scopes.join([]) == ""


def test_rfc6749_s3_3_is_subset():
	assert scopes.is_subset(["openid"], ["openid", "email"])
	assert scopes.is_subset([], ["openid"])
	assert not scopes.is_subset(["openid", "roles"], ["openid", "email"])
	assert not scopes.is_subset(["OPENID"], ["openid"])


@pytest.mark.parametrize("scope", [*scopes.RESERVED, scopes.ALL])
def test_oidc_core_s5_4_reserved_scopes_are_described_in_plain_words(scope):
	text = scopes.describe(scope)
	assert text and text != f"Use the '{scope}' permission"
	assert " " in text and "_" not in text and "'" not in text, "words, not the scope token"


def test_oidc_core_s5_4_reserved_scope_descriptions_are_distinct():
	texts = [scopes.describe(s) for s in (*scopes.RESERVED, scopes.ALL)]
	assert len(set(texts)) == len(texts)


def test_rfc6749_s3_3_unknown_scope_is_described_by_name():
	assert "files:read" in scopes.describe("files:read")


def test_a_scope_taken_off_the_client_stops_counting_for_its_tokens():
	assert scopes.still_allowed(["openid", "email", "roles"], ["openid", "profile"]) == ["openid"]
	assert scopes.still_allowed(["openid"], []) == []
