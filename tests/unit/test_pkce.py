"""RFC 7636 (PKCE): the S256 transform, challenge and verifier grammar, and verification."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oauth_idp.protocol import pkce
from oauth_idp.protocol.errors import InvalidGrantError, InvalidRequestError

# RFC 7636 Appendix B.
RFC7636_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
RFC7636_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

UNRESERVED = string.ascii_letters + string.digits + "-._~"
verifiers = st.text(alphabet=UNRESERVED, min_size=43, max_size=128)


def test_s256_matches_rfc7636_appendix_b_example():
	assert pkce.s256(RFC7636_VERIFIER) == RFC7636_CHALLENGE


def test_verify_accepts_rfc7636_appendix_b_pair():
	assert pkce.verify(RFC7636_VERIFIER, RFC7636_CHALLENGE, "S256") is True


@given(verifiers)
def test_rfc7636_s4_6_every_valid_verifier_verifies_against_its_s256_challenge(verifier):
	challenge = pkce.s256(verifier)
	assert len(challenge) == 43 and "=" not in challenge, "RFC 7636 §4.2: unpadded base64url of SHA-256"
	assert pkce.verify(verifier, challenge, "S256")


def test_rfc7636_s4_6_wrong_verifier_does_not_verify():
	other = RFC7636_VERIFIER[:-1] + ("A" if RFC7636_VERIFIER[-1] != "A" else "B")
	assert pkce.verify(other, RFC7636_CHALLENGE, "S256") is False


def test_rfc7636_s4_6_s256_challenge_is_not_accepted_as_the_verifier():
	# An attacker who saw the challenge must not be able to replay it as the verifier.
	assert pkce.verify(RFC7636_CHALLENGE, RFC7636_CHALLENGE, "S256") is False


def test_rfc7636_s4_6_plain_compares_verifier_and_challenge_directly():
	assert pkce.verify(RFC7636_VERIFIER, RFC7636_VERIFIER, "plain") is True
	assert pkce.verify(RFC7636_VERIFIER, RFC7636_CHALLENGE, "plain") is False


@pytest.mark.parametrize("method", [None, "", "s256", "SHA256", "unknown"])
def test_rfc7636_s4_6_unknown_method_never_verifies(method):
	assert pkce.verify(RFC7636_VERIFIER, RFC7636_CHALLENGE, method) is False
	assert pkce.verify(RFC7636_VERIFIER, RFC7636_VERIFIER, method) is False


@pytest.mark.parametrize("verifier", [None, "", "a" * 42, "a" * 129, "a" * 42 + "+", "a" * 42 + "/"])
def test_rfc7636_s4_1_verify_is_false_for_verifier_outside_the_grammar(verifier):
	# Even under plain, where the challenge equals the verifier, a bad verifier never verifies.
	assert pkce.verify(verifier, verifier or "", "plain") is False


@pytest.mark.parametrize("length", [43, 128])
def test_rfc7636_s4_1_verifier_of_43_and_128_unreserved_chars_is_valid(length):
	verifier = ("a1-._~Z" * 20)[:length]
	assert pkce.verify(verifier, pkce.s256(verifier), "S256") is True


@pytest.mark.parametrize(
	"verifier",
	[
		"a" * 42,
		"a" * 129,
		"a" * 42 + "+",
		"a" * 42 + "/",
		"a" * 42 + "=",
		"a" * 42 + " ",
		"a" * 42 + "é",
		"a" * 43 + "\n",
		"",
	],
)
def test_rfc7636_s4_1_verifier_outside_43_128_unreserved_never_verifies(verifier):
	challenge = pkce.s256(verifier) if verifier.isascii() else "x" * 43
	assert pkce.verify(verifier, challenge, "S256") is False


def test_rfc7636_s4_3_s256_challenge_is_accepted():
	pkce.check_challenge(RFC7636_CHALLENGE, "S256", required=True, allow_plain=False)


@pytest.mark.parametrize("length", [43, 128])
def test_rfc7636_s4_2_challenge_of_43_and_128_unreserved_chars_is_valid(length):
	pkce.check_challenge("b" * length, "S256", required=True, allow_plain=False)


@pytest.mark.parametrize(
	"challenge", ["b" * 42, "b" * 129, "b" * 42 + "+", "b" * 42 + "/", "b" * 42 + "=", "b" * 42 + "é", ""]
)
def test_rfc7636_s4_4_1_challenge_outside_the_grammar_is_invalid_request(challenge):
	with pytest.raises(InvalidRequestError) as info:
		pkce.check_challenge(challenge, "S256", required=False, allow_plain=False)
	assert (info.value.error, info.value.status_code) == ("invalid_request", 400)


def test_rfc7636_s4_4_1_missing_challenge_when_pkce_is_required_is_invalid_request():
	# OAuth 2.1 §4.1.1 / RFC 7636 §4.4.1: a public client must send a code_challenge.
	with pytest.raises(InvalidRequestError) as info:
		pkce.check_challenge(None, None, required=True, allow_plain=False)
	assert (info.value.error, info.value.status_code) == ("invalid_request", 400)
	with pytest.raises(InvalidRequestError):
		pkce.check_challenge(None, "S256", required=True, allow_plain=False)


def test_rfc7636_s4_3_no_challenge_is_fine_when_pkce_is_not_required():
	pkce.check_challenge(None, None, required=False, allow_plain=False)


def test_rfc7636_s4_3_method_without_challenge_is_invalid_request():
	with pytest.raises(InvalidRequestError):
		pkce.check_challenge(None, "S256", required=False, allow_plain=False)


def test_rfc7636_s4_3_plain_is_refused_unless_the_client_allows_it():
	with pytest.raises(InvalidRequestError) as info:
		pkce.check_challenge(RFC7636_VERIFIER, "plain", required=True, allow_plain=False)
	assert info.value.error == "invalid_request"
	pkce.check_challenge(RFC7636_VERIFIER, "plain", required=True, allow_plain=True)


def test_rfc7636_s4_3_absent_method_defaults_to_plain_and_is_refused_unless_allowed():
	with pytest.raises(InvalidRequestError):
		pkce.check_challenge(RFC7636_CHALLENGE, None, required=True, allow_plain=False)
	pkce.check_challenge(RFC7636_CHALLENGE, None, required=True, allow_plain=True)


@pytest.mark.parametrize("method", ["s256", "SHA-256", "S512", "PLAIN"])
def test_rfc7636_s4_4_1_unsupported_method_is_invalid_request(method):
	# Method names are case-sensitive (§4.3 defines exactly "plain" and "S256").
	with pytest.raises(InvalidRequestError) as info:
		pkce.check_challenge(RFC7636_CHALLENGE, method, required=True, allow_plain=True)
	assert (info.value.error, info.value.status_code) == ("invalid_request", 400)


def test_rfc9700_4_8_2_a_verifier_for_a_code_without_challenge_is_a_downgrade():
	with pytest.raises(InvalidGrantError) as info:
		pkce.check_no_verifier_without_challenge(None, "a" * 43)
	assert info.value.error == "invalid_grant"
	pkce.check_no_verifier_without_challenge(None, None)
	pkce.check_no_verifier_without_challenge(RFC7636_CHALLENGE, "a" * 43)
