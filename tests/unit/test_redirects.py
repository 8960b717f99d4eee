"""Redirection endpoints: registration (RFC 6749 §3.1.2) and exact matching (RFC 6749 §3.1.2.3,
OAuth 2.1 §4.1.3), except the port of a native app's loopback redirect (RFC 8252 §7.3)."""

import pytest

from oauth_idp.protocol import redirects

# --- parse_registered ----------------------------------------------------------------------------


def test_parse_registered_one_per_line_or_space_separated_as_the_builtin_stored_them():
	text = "https://a.example/cb\nhttps://b.example/cb https://c.example/cb;x=1  \r\n\thttps://d.example/cb"
	assert redirects.parse_registered(text) == [
		"https://a.example/cb",
		"https://b.example/cb",
		"https://c.example/cb;x=1",
		"https://d.example/cb",
	]


@pytest.mark.parametrize("text", [None, "", "  \n \t "])
def test_parse_registered_empty(text):
	assert redirects.parse_registered(text) == []


# --- registration_problem ------------------------------------------------------------------------


@pytest.mark.parametrize(
	"uri",
	[
		"https://client.example.com/cb",
		"https://client.example.com/cb?x=1",
		"http://127.0.0.1/cb",
		"http://[::1]:8080/cb",
		"com.example.app:/oauth2redirect",  # RFC 8252 §7.1 private-use scheme
	],
)
def test_rfc6749_s3_1_2_absolute_uris_without_fragment_can_be_registered(uri):
	assert redirects.registration_problem(uri) is None


@pytest.mark.parametrize("uri", ["/cb", "cb", "//client.example.com/cb"])
def test_rfc6749_s3_1_2_relative_uri_cannot_be_registered(uri):
	assert redirects.registration_problem(uri) == "is not an absolute URI"


@pytest.mark.parametrize("uri", ["https://client.example.com/cb#x", "https://client.example.com/cb#"])
def test_rfc6749_s3_1_2_uri_with_fragment_cannot_be_registered(uri):
	assert redirects.registration_problem(uri) == "must not contain a fragment"


@pytest.mark.parametrize("uri", ["https:///cb", "http:/cb"])
def test_rfc3986_s3_2_http_uri_without_host_cannot_be_registered(uri):
	assert redirects.registration_problem(uri) == "has no host"


def test_rfc3986_invalid_uri_cannot_be_registered():
	assert redirects.registration_problem("http://[::1/cb") == "is not a valid URI"


# --- matches: exact ------------------------------------------------------------------------------

REGISTERED = ["https://client.example.com/cb", "https://client.example.com/other?x=1"]


@pytest.mark.parametrize("uri", REGISTERED)
def test_rfc6749_s3_1_2_3_registered_uri_matches_itself(uri):
	assert redirects.matches(uri, REGISTERED)


@pytest.mark.parametrize(
	"uri",
	[
		"https://client.example.com/cb/",
		"https://client.example.com/CB",
		"https://client.example.com/cb?x=1",
		"https://client.example.com/other",
		"https://client.example.com/other?x=2",
		"https://client.example.com/other?x=1&y=2",
		"https://client.example.com:443/cb",
		"https://client.example.com:8443/cb",
		"https://client.example.com/cb#frag",
		"https://evil.example.com/cb",
		"https://client.example.com.evil.example/cb",
		"https://client.example.com@evil.example/cb",
		"http://client.example.com/cb",
		"",
	],
)
def test_oauth21_s4_1_3_anything_but_the_exact_string_does_not_match(uri):
	assert not redirects.matches(uri, REGISTERED)


def test_rfc6749_s3_1_2_3_nothing_registered_matches_nothing():
	assert not redirects.matches("http://127.0.0.1:5000/cb", [])


# --- matches: RFC 8252 §7.3 loopback -------------------------------------------------------------


@pytest.mark.parametrize(
	("requested", "registered"),
	[
		("http://127.0.0.1:51004/cb", "http://127.0.0.1/cb"),
		("http://127.0.0.1:51004/cb", "http://127.0.0.1:8080/cb"),
		("http://[::1]:51004/cb", "http://[::1]/cb"),
		("http://[::1]:51004/cb", "http://[::1]:1/cb"),
		("http://localhost:51004/cb", "http://localhost/cb"),
		("http://127.0.0.1:51004/cb?mode=x", "http://127.0.0.1/cb?mode=x"),
		("http://127.0.0.1:51004/", "http://127.0.0.1/"),
	],
)
def test_rfc8252_s7_3_loopback_redirect_may_use_any_port(requested, registered):
	assert redirects.matches(requested, [registered])


@pytest.mark.parametrize(
	("requested", "registered"),
	[
		("https://127.0.0.1:51004/cb", "https://127.0.0.1/cb"),  # §7.3 is for http loopback only
		("https://localhost:51004/cb", "https://localhost/cb"),
		("http://127.0.0.1:51004/cb", "https://127.0.0.1/cb"),
		("https://127.0.0.1:51004/cb", "http://127.0.0.1/cb"),
		("http://client.example.com:51004/cb", "http://client.example.com/cb"),  # not loopback
		("http://127.0.0.2:51004/cb", "http://127.0.0.1/cb"),
		("http://127.0.0.1.evil.example:51004/cb", "http://127.0.0.1/cb"),
		("http://localhost:51004/cb", "http://127.0.0.1/cb"),  # a different loopback host
		("http://[::1]:51004/cb", "http://127.0.0.1/cb"),
		("http://127.0.0.1:51004/cb/", "http://127.0.0.1/cb"),  # path must match exactly
		("http://127.0.0.1:51004/other", "http://127.0.0.1/cb"),
		("http://127.0.0.1:51004/CB", "http://127.0.0.1/cb"),
		("http://127.0.0.1:51004/cb?x=1", "http://127.0.0.1/cb"),  # query must match exactly
		("http://127.0.0.1:51004/cb", "http://127.0.0.1/cb?x=1"),
		("http://127.0.0.1:51004/cb?x=2", "http://127.0.0.1/cb?x=1"),
		("http://127.0.0.1:99999/cb", "http://127.0.0.1/cb"),  # not a port
		("http://127.0.0.1:0/cb", "http://127.0.0.1/cb"),  # nothing listens on port 0
		("http://127.0.0.1:00/cb", "http://127.0.0.1:8080/cb"),
		("http://127.0.0.1:abc/cb", "http://127.0.0.1/cb"),
		("http://[::1:51004/cb", "http://[::1]/cb"),  # not a URI
	],
)
def test_rfc8252_s7_3_only_the_port_of_an_http_loopback_redirect_may_differ(requested, registered):
	assert not redirects.matches(requested, [registered])


def test_rfc8252_s7_3_loopback_port_rule_needs_a_registered_loopback_uri():
	assert not redirects.matches("http://127.0.0.1:51004/cb", ["https://client.example.com/cb"])
	assert redirects.matches(
		"http://127.0.0.1:51004/cb", ["https://client.example.com/cb", "http://127.0.0.1/cb"]
	)


def test_rfc8252_s7_3_unparseable_registered_uri_is_skipped():
	assert redirects.matches("http://127.0.0.1:51004/cb", ["http://[::1/cb", "http://127.0.0.1/cb"])


@pytest.mark.parametrize(
	"requested",
	[
		"http://127.0.0.1:51004/cb#frag",
		"http://127.0.0.1:51004/cb#",
		"http://evil@127.0.0.1:51004/cb",
		"http://user:pass@[::1]:51004/cb",
		"http://127.0.0.1:51004/c\tb",
		"http://127.0.0.1:51004/cb?",
	],
	ids=["fragment", "empty-fragment", "userinfo", "userinfo-ipv6", "tab", "empty-query"],
)
def test_rfc8252_s7_3_loopback_match_ignores_nothing_but_the_port(requested):
	registered = ["http://[::1]/cb"] if "[::1]" in requested else ["http://127.0.0.1/cb"]
	assert not redirects.matches(requested, registered), (
		f"RFC 8252 §7.3 / RFC 6749 §3.1.2: {requested!r} differs from {registered[0]!r} in more than the port"
	)
