"""OpenID Connect Core §3.1.2.1: prompt and max_age decide when the user must log in again."""

import pytest

from oauth_idp.protocol import prompt
from oauth_idp.protocol.errors import InvalidRequestError

NOW = 1_800_000_000.0


def test_prompt_none_cannot_be_combined_oidc_core_3_1_2_1():
	assert prompt.parse_prompt("none") == {"none"}
	assert prompt.parse_prompt("login consent") == {"login", "consent"}
	assert prompt.parse_prompt(None) == set()
	with pytest.raises(InvalidRequestError):
		prompt.parse_prompt("none login")


@pytest.mark.parametrize("value", ["-1", "1.5", "soon", ""])
def test_max_age_is_a_non_negative_integer_oidc_core_3_1_2_1(value):
	with pytest.raises(InvalidRequestError):
		prompt.parse_max_age(value)
	assert prompt.parse_max_age("0") == 0
	assert prompt.parse_max_age(None) is None


def test_prompt_login_needs_a_login_after_the_request_oidc_core_3_1_2_1():
	assert prompt.requires_fresh_login({"login"}, None, auth_time=NOW - 5, now=NOW, login_after=None)
	assert prompt.requires_fresh_login({"login"}, None, NOW - 5, NOW, login_after=str(int(NOW - 1)))
	assert not prompt.requires_fresh_login({"login"}, None, NOW, NOW, login_after=str(int(NOW - 1)))


def test_max_age_counts_from_the_last_login_oidc_core_3_1_2_1():
	assert not prompt.requires_fresh_login(set(), 60, auth_time=NOW - 30, now=NOW, login_after=None)
	assert prompt.requires_fresh_login(set(), 60, auth_time=NOW - 61, now=NOW, login_after=None)
	assert prompt.requires_fresh_login(set(), 0, auth_time=NOW - 1, now=NOW, login_after=None)
	assert not prompt.requires_fresh_login(set(), 0, auth_time=NOW, now=NOW + 1, login_after=str(NOW))


def test_a_malformed_login_after_marker_is_ignored():
	assert prompt.requires_fresh_login({"login"}, None, NOW, NOW, login_after="later")


def test_no_prompt_and_no_max_age_keep_the_session():
	assert not prompt.requires_fresh_login(set(), None, auth_time=0, now=NOW, login_after=None)
