"""OpenID Connect Core §3.1.2.1: prompt and max_age decide when the user must log in again."""

import pytest

from oauth_idp.protocol import prompt
from oauth_idp.protocol.errors import InvalidRequestError

NOW = 1_800_000_000.0
KEY = b"the site's encryption key"


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
	assert prompt.requires_fresh_login({"login"}, None, NOW - 5, NOW, login_after=int(NOW - 1))
	assert not prompt.requires_fresh_login({"login"}, None, NOW, NOW, login_after=int(NOW - 1))


def test_max_age_counts_from_the_last_login_oidc_core_3_1_2_1():
	assert not prompt.requires_fresh_login(set(), 60, auth_time=NOW - 30, now=NOW, login_after=None)
	assert prompt.requires_fresh_login(set(), 60, auth_time=NOW - 61, now=NOW, login_after=None)
	assert prompt.requires_fresh_login(set(), 0, auth_time=NOW - 1, now=NOW, login_after=None)
	assert not prompt.requires_fresh_login(set(), 0, auth_time=NOW, now=NOW + 1, login_after=int(NOW))


def test_the_login_marker_carries_its_time_under_the_sites_signature():
	marker = prompt.login_marker(KEY, int(NOW))
	assert prompt.login_marker_time(KEY, marker, NOW + 30) == int(NOW)
	assert prompt.login_marker_time(b"another site's key", marker, NOW + 30) is None


@pytest.mark.parametrize("marker", [None, "", "0", "later", "1800000000", "1800000000.", "²." + "0" * 64])
def test_a_made_up_login_marker_counts_for_nothing(marker):
	assert prompt.login_marker_time(KEY, marker, NOW) is None


def test_a_forged_time_under_a_real_signature_counts_for_nothing():
	signature = prompt.login_marker(KEY, int(NOW)).partition(".")[2]
	assert prompt.login_marker_time(KEY, f"0.{signature}", NOW) is None


def test_a_stale_login_marker_counts_for_nothing():
	marker = prompt.login_marker(KEY, int(NOW))
	assert prompt.login_marker_time(KEY, marker, NOW + prompt.LOGIN_MARKER_LIFETIME + 1) is None
	assert prompt.login_marker_time(KEY, marker, NOW - 60) is None, "issued in the future"


def test_no_prompt_and_no_max_age_keep_the_session():
	assert not prompt.requires_fresh_login(set(), None, auth_time=0, now=NOW, login_after=None)
