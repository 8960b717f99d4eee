"""The Frappe layer: storage, the oauthlib server and the request hooks. It translates; the
decisions live in oauth_idp.protocol."""
