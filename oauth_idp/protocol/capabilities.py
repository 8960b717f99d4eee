"""The one list of what this provider supports. Discovery is generated from it (see metadata.py),
so discovery cannot advertise what the code does not do."""

RESPONSE_TYPES = ("code",)
RESPONSE_MODES = ("query",)
GRANT_TYPES = ("authorization_code", "refresh_token")
TOKEN_ENDPOINT_AUTH_METHODS = ("client_secret_basic", "client_secret_post", "none")
# `plain` is accepted only for clients that explicitly allow it, so it is not advertised.
CODE_CHALLENGE_METHODS = ("S256",)
ID_TOKEN_SIGNING_ALGS = ("RS256",)
SUBJECT_TYPES = ("public",)
CLAIMS = (
	"sub",
	"iss",
	"aud",
	"azp",
	"exp",
	"iat",
	"auth_time",
	"nonce",
	"at_hash",
	"name",
	"given_name",
	"family_name",
	"picture",
	"email",
	"roles",
)

# Limits on authorization and token requests (RFC 6749 leaves them to the server).
MAX_PARAM_LENGTH = 8192  # state values of 4 KB must pass untouched
MAX_CODE_LIFETIME = 600  # RFC 6749 §4.1.2: "a maximum authorization code lifetime of 10 minutes"
DEFAULT_CODE_LIFETIME = 60
DEFAULT_ACCESS_TOKEN_LIFETIME = 3600
DEFAULT_REFRESH_TOKEN_LIFETIME = 30 * 24 * 3600
# Requests a minute from one address to each of the token, revocation and introspection endpoints;
# a site changes it with the site config key `oauth_idp_requests_per_minute`.
CLIENT_RATE_LIMIT_WINDOW = 60
DEFAULT_CLIENT_REQUESTS_PER_MINUTE = 300
