"""When the user must log in again: OpenID Connect Core §3.1.2.1 `prompt` and `max_age`."""

from .errors import InvalidRequestError

# A parameter of this provider's own, added when it sends the user to log in again: a login at or
# after this time (seconds since the epoch) satisfies prompt=login and max_age.
LOGIN_AFTER = "oauth_idp_login_after"


def parse_prompt(value: str | None) -> set[str]:
	prompt = set((value or "").split())
	if "none" in prompt and len(prompt) > 1:
		raise InvalidRequestError(description="prompt=none cannot be combined with other values.")
	return prompt


def parse_max_age(value: str | None) -> int | None:
	if value is None:
		return None
	if not value.isdigit():
		raise InvalidRequestError(description="max_age must be a number of seconds.")
	return int(value)


def requires_fresh_login(
	prompt: set[str], max_age: int | None, auth_time: float, now: float, login_after: str | None
) -> bool:
	if login_after is not None:
		try:
			if auth_time >= float(login_after):
				return False
		except ValueError:
			pass
	if "login" in prompt:
		return True
	return max_age is not None and now - auth_time > max_age
