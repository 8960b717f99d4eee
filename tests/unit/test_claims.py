"""OpenID Connect Core §5.1 / §5.4: which claims each scope releases."""

import pytest

from oauth_idp.protocol import capabilities
from oauth_idp.protocol.claims import UserProfile, userinfo_claims

FULL = UserProfile(
	sub="user-1",
	full_name="Ada Lovelace",
	given_name="Ada",
	family_name="Lovelace",
	email="ada@example.com",
	picture="https://example.com/ada.png",
	roles=("System Manager", "Accounts User"),
)


def test_oidc_core_s5_3_2_sub_is_always_released():
	assert userinfo_claims(FULL, []) == {"sub": "user-1"}


def test_oidc_core_s5_4_openid_alone_gives_sub_name_and_email():
	assert userinfo_claims(FULL, ["openid"]) == {
		"sub": "user-1",
		"name": "Ada Lovelace",
		"email": "ada@example.com",
	}


def test_oidc_core_s5_4_profile_adds_given_family_name_and_picture():
	claims = userinfo_claims(FULL, ["openid", "profile"])
	assert claims == {
		"sub": "user-1",
		"name": "Ada Lovelace",
		"given_name": "Ada",
		"family_name": "Lovelace",
		"picture": "https://example.com/ada.png",
		"email": "ada@example.com",
	}


def test_oidc_core_s5_4_profile_without_openid_carries_no_email():
	claims = userinfo_claims(FULL, ["profile"])
	assert "email" not in claims and "email_verified" not in claims
	assert claims["given_name"] == "Ada"


def test_oidc_core_s5_4_email_scope_gives_email_only():
	assert userinfo_claims(FULL, ["email"]) == {
		"sub": "user-1",
		"email": "ada@example.com",
	}


def test_oidc_core_s5_1_no_email_claims_without_an_email():
	claims = userinfo_claims(UserProfile(sub="u", full_name="U"), ["openid", "email"])
	assert "email" not in claims and "email_verified" not in claims


@pytest.mark.parametrize("granted", [["openid"], ["openid", "profile", "email"], ["all"]])
def test_roles_claim_only_with_roles_scope(granted):
	assert "roles" not in userinfo_claims(FULL, granted)


def test_roles_scope_releases_roles_as_a_json_array():
	claims = userinfo_claims(FULL, ["openid", "roles"])
	assert claims["roles"] == ["System Manager", "Accounts User"]
	assert isinstance(claims["roles"], list)


def test_oidc_core_s5_3_2_none_values_are_dropped():
	profile = UserProfile(sub="u", full_name="Only Name")
	claims = userinfo_claims(profile, ["openid", "profile", "email"])
	assert claims == {"sub": "u", "name": "Only Name"}
	assert None not in claims.values()


def test_oidc_core_s5_4_scopes_may_be_any_iterable_and_repeat():
	assert userinfo_claims(FULL, iter(["openid", "openid"])) == userinfo_claims(FULL, ["openid"])


def test_unknown_scopes_release_nothing_more():
	assert userinfo_claims(FULL, ["files:read", "all"]) == {"sub": "user-1"}


def test_oidc_discovery_s3_every_released_claim_is_in_claims_supported():
	claims = userinfo_claims(FULL, ["openid", "profile", "email", "roles"])
	assert set(claims) <= set(capabilities.CLAIMS)


@pytest.mark.parametrize(
	"profile",
	[UserProfile(sub="u"), UserProfile(sub="u", full_name="U", given_name="", family_name="", picture="")],
	ids=["default-full-name", "empty-profile-fields"],
)
def test_oidc_core_s5_3_2_empty_string_claims_are_omitted(profile):
	claims = userinfo_claims(profile, ["openid", "profile", "email"])
	assert "" not in claims.values(), f"OIDC Core §5.3.2: no claim with an empty string value, got {claims}"
